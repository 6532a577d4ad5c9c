"""Settings for the test suite."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "panda-test-key"
PANDA_ERASURE_KEY = "panda-test-erasure-key"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
REST_FRAMEWORK = REST_FRAMEWORK | {"TEST_REQUEST_DEFAULT_FORMAT": "json"}  # noqa: F405
# django-axes needs the request in authenticate(), which the test client's login() does not pass;
# the lockout tests switch it on (tests/security/test_admin_login.py).
AXES_ENABLED = False
# Reminders leave as fast as the tests send them; bench/reminders.py measures the real pace.
PANDA_REMINDER_RATE = int(os.environ.get("PANDA_REMINDER_RATE", "600000"))  # noqa: F405
