"""Settings for running PANDA on a developer's machine."""

from .base import *  # noqa: F403
from .base import env_bool, env_list

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "panda-local-development-key-not-for-production"  # noqa: F405
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
PANDA_ERASURE_KEY = PANDA_ERASURE_KEY or "panda-local-erasure-key-not-for-production"  # noqa: F405
