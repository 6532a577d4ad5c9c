"""Settings shared by every environment, configured from the environment."""

import logging
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

INSTALLED_APPS = [
    # Django's admin with PANDA's own site (titles, the receptionists' index page).
    "backoffice.site.PandaAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "corsheaders",
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "addresses",
    "organisations",
    "clinicians",
    "patients",
    "appointments",
    "reminders",
    "django_tasks",
    "django_tasks_db",
    "analytics",
    "data_rights",
    "simple_history",
    # Last, so that every app's permissions exist when it sets up the staff roles.
    "backoffice",
]

MIDDLEWARE = [
    # Health checks first: load balancers probe by address over HTTP (see panda_project.health).
    "panda_project.health.HealthCheckMiddleware",
    "panda_project.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The language of each response, from Accept-Language (English when none is shipped). Before
    # the size limit, so that a 413 is in the client's language too; it uses no session.
    # Before anything that may answer early (the size limit), so that every answer a browser
    # on an allowed origin gets carries the CORS headers it needs to read it.
    "corsheaders.middleware.CorsMiddleware",
    "panda_project.middleware.LocaleMiddleware",
    "panda_project.middleware.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.htmx: the day view answers its own refreshes with the timetable alone.
    "django_htmx.middleware.HtmxMiddleware",
    # Lets the audit trail record who made a change (see panda_project.history).
    "simple_history.middleware.HistoryRequestMiddleware",
    "panda_project.middleware.BackOfficeMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out admin login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "panda_project.urls"
WSGI_APPLICATION = "panda_project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database_from_url(url: str) -> dict:
    """Turn DATABASE_URL into Django's settings, with the options each backend needs."""
    config = dj_database_url.parse(url, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")))
    engine = config["ENGINE"]
    options = config.setdefault("OPTIONS", {})
    if engine == "django.db.backends.sqlite3":
        # Connections persist (CONN_MAX_AGE) as on the other databases: opening the file and
        # running the PRAGMAs below cost more than a typical request's queries.
        # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so
        # two writers queue on the busy timeout instead of failing with "database is locked".
        options.setdefault("transaction_mode", "IMMEDIATE")
        options.setdefault("timeout", 20)
        options.setdefault(
            "init_command",
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        )
    elif engine == "django.db.backends.mysql":
        # PyMySQL is pure Python, so MariaDB needs no C headers on the machine.
        import pymysql

        pymysql.install_as_MySQLdb()
        # utf8mb4 stores every script; a binary collation compares exactly as SQLite and
        # PostgreSQL do, so uniqueness and lookups behave the same on all three databases.
        options.setdefault("charset", "utf8mb4")
        options.setdefault("init_command", "SET sql_mode='STRICT_TRANS_TABLES'")
        config["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_bin"}
        # Django's backend, with its case-insensitive look-ups (the back office's searches)
        # ignoring case under that collation too.
        config["ENGINE"] = "panda_project.db.mysql"
    elif engine == "django.db.backends.postgresql":
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": database_from_url(DATABASE_URL)}
if os.environ.get("TEST_DATABASE_NAME"):
    # Lets several test runs share one server without sharing a test database.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ["TEST_DATABASE_NAME"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English (British) is the default; Welsh and French are shipped too (docs/localisation.md).
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Stored timestamps are UTC; this zone is what the API and the admin show them in.
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# A request body over 1 MiB is refused with 413 (see panda_project.middleware).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

REST_FRAMEWORK = {
    # DRF's JSON, written and read by orjson (see panda_project.api.renderers).
    "DEFAULT_RENDERER_CLASSES": ["panda_project.api.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["panda_project.api.renderers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "panda_project.api.renderers.ContentNegotiation",
    # PANDA_API_AUTH (below) decides whether these demand credentials; see panda_project.api.access.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "panda_project.api.access.TokenAuthentication",
        "panda_project.api.access.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["panda_project.api.access.APIAccess"],
    "DEFAULT_THROTTLE_CLASSES": ["panda_project.api.access.APIRateThrottle"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_PAGINATION_CLASS": "panda_project.api.pagination.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "panda_project.api.filters.FilterBackend",
        "panda_project.api.filters.OrderingFilter",
    ],
    "EXCEPTION_HANDLER": "panda_project.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "PANDA API",
    "DESCRIPTION": (
        "The Patient Appointment Network Data Application: patient demographics and appointments "
        "for a network of clinics. Every 4xx response has one shape (`Error`): the HTTP `status`, "
        "a stable machine-readable `code`, a human `message` and, for validation errors, `errors` "
        "per field."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc are served from PANDA's own static files, not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AppointmentStatusEnum": "appointments.models.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "panda_project.api.schema.document_credential_errors",
    ],
}

# Every record passes MaskPatientDataFilter: no NHS number or patient name reaches the logs, and
# each line carries its request's id.
# The logging module's documented optimisations: no log format here names a source line or a
# thread, so records need not look them up (finding the source line walks the stack). The
# process id stays: gunicorn's error log prints it.
logging._srcfile = None
logging.logThreads = logging.logMultiprocessing = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_patient_data": {"()": "panda_project.request_log.MaskPatientDataFilter"}},
    "formatters": {
        "panda": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["mask_patient_data"],
            "formatter": "panda",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler would print unmasked records when DEBUG is on.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # django-axes announces its version at every start ("AXES: BEGIN version …"), so every
        # command printed it; its lockout warnings still come through.
        "axes.apps": {"level": "WARNING"},
    },
}

# The audit trail is read-only in the admin: reverting through it would bypass the services.
SIMPLE_HISTORY_REVERT_DISABLED = True

# The patient identifier's validator (issue: markets). The default is the NHS number.
PANDA_PATIENT_IDENTIFIER = os.environ.get("PANDA_PATIENT_IDENTIFIER", "stdnum.gb.nhs")


def env_check_in_opens(name: str) -> str | int:
    """When an appointment may first be marked attended: ``day`` (from the start of its day in
    TIME_ZONE) or a number of minutes before its start."""
    value = os.environ.get(name, "").strip().lower() or "day"
    if value == "day":
        return value
    if value.isdigit():
        return int(value)
    raise ImproperlyConfigured(f"{name} must be day or a number of minutes, not {value!r}.")


# Attendance opens at the start of the appointment's day, or this many minutes before its start.
PANDA_CHECK_IN_OPENS = env_check_in_opens("PANDA_CHECK_IN_OPENS")

# Patients' data rights (docs/data-rights.md). The key of the keyed hashes (HMAC-SHA256) by which
# an erasure record confirms a deleted NHS number without holding it: secret, and never changed
# (a record made under another key no longer answers). Production refuses to start without it.
PANDA_ERASURE_KEY = os.environ.get("PANDA_ERASURE_KEY", "")
# Keys used before PANDA_ERASURE_KEY was changed, comma-separated: erasure_check still finds
# the records hashed under them (each record names its key by a short id).
PANDA_ERASURE_OLD_KEYS = [
    key.strip() for key in os.environ.get("PANDA_ERASURE_OLD_KEYS", "").split(",") if key.strip()
]
# Years a patient's record is kept after their last appointment ends (the NHS records management
# code's default for adult hospital records); children's records longer (data_rights.retention).
PANDA_RETENTION_YEARS = int(os.environ.get("PANDA_RETENTION_YEARS", "8"))
if PANDA_RETENTION_YEARS < 1:
    raise ImproperlyConfigured("PANDA_RETENTION_YEARS must be a whole number of years, at least 1.")

# Security (see docs/security.md).
# API access: "none" is the trusted-network mode; "token" needs a DRF token or a session.
PANDA_API_AUTH = os.environ.get("PANDA_API_AUTH", "none").strip().lower()
if PANDA_API_AUTH not in ("none", "token"):
    raise ImproperlyConfigured(f"PANDA_API_AUTH must be none or token, not {PANDA_API_AUTH!r}.")
# API rate limit per user (or per client address), e.g. "600/minute"; empty for none.
PANDA_API_THROTTLE_RATE = os.environ.get("PANDA_API_THROTTLE_RATE", "")
# Browsers may call the API cross-origin only from these origins (https://app.example.org).
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_HEADERS = ["accept", "authorization", "content-type", "x-csrftoken", "x-request-id"]
CORS_EXPOSE_HEADERS = ["x-request-id"]
# django-axes locks an admin login out after repeated failures, per username and address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Behind AXES_PROXY_COUNT proxies, the client's address is read from X-Forwarded-For, counted
# from the right (the proxies' end); without proxies that header is the client's to forge.
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT", "0")) or None
AXES_IPWARE_PROXY_ORDER = "right-most"
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Reminders (docs/reminders.md). A bad value refuses to start, naming the variable.
from panda_project import reminder_timing as timing  # noqa: E402 (no Django needed)


def _parsed(name: str, parse, default: str):
    try:
        return parse(os.environ.get(name, default))
    except ValueError as error:
        raise ImproperlyConfigured(f"{name}: {error}") from None


# How long before each appointment a reminder goes: minutes, hours or days ("7d,1d", "90m").
PANDA_REMINDER_OFFSETS = _parsed("PANDA_REMINDER_OFFSETS", timing.parse_offsets, "5d,1d")
# No SMS in these hours, in Europe/London's local time; empty for none.
PANDA_REMINDER_QUIET_HOURS = _parsed(
    "PANDA_REMINDER_QUIET_HOURS", timing.parse_quiet_hours, "21:00-08:00"
)
# Who sends them: "console" (the log, masked), "email" (Django's email backend) or "notify".
PANDA_REMINDER_SENDER = os.environ.get("PANDA_REMINDER_SENDER", "console").strip().lower()
if PANDA_REMINDER_SENDER not in ("console", "email", "notify"):
    raise ImproperlyConfigured(
        f"PANDA_REMINDER_SENDER must be console, email or notify, not {PANDA_REMINDER_SENDER!r}."
    )
# Messages a minute, over every worker: GOV.UK Notify allows a service 3,000.
# 2% under Notify's 3,000 a minute: a send that a busy machine delays cannot then crowd the next
# minute over the limit (measured: at exactly 3,000 the local Notify answered two 429s in 10,000).
PANDA_REMINDER_RATE = _parsed("PANDA_REMINDER_RATE", timing.parse_rate, "2940")
# A reminder still "sending" this long after it was claimed was cut off (its worker killed, its
# machine lost): a worker then asks the provider whether it took it. Keep it well above the time
# a send may take (Notify's client gives up after 20 s).
PANDA_REMINDER_RECOVER_AFTER = _parsed("PANDA_REMINDER_RECOVER_AFTER", timing.parse_seconds, "120")
PANDA_NOTIFY_API_KEY = os.environ.get("PANDA_NOTIFY_API_KEY", "")
PANDA_NOTIFY_BASE_URL = os.environ.get(
    "PANDA_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk"
)
PANDA_NOTIFY_SMS_TEMPLATE_ID = os.environ.get("PANDA_NOTIFY_SMS_TEMPLATE_ID", "")
PANDA_NOTIFY_EMAIL_TEMPLATE_ID = os.environ.get("PANDA_NOTIFY_EMAIL_TEMPLATE_ID", "")
# The bearer token Notify's delivery callbacks carry; empty refuses every callback.
PANDA_NOTIFY_CALLBACK_TOKEN = os.environ.get("PANDA_NOTIFY_CALLBACK_TOKEN", "")
if PANDA_REMINDER_SENDER == "notify" and not (
    PANDA_NOTIFY_API_KEY and PANDA_NOTIFY_SMS_TEMPLATE_ID and PANDA_NOTIFY_EMAIL_TEMPLATE_ID
):
    raise ImproperlyConfigured(
        "PANDA_REMINDER_SENDER=notify needs PANDA_NOTIFY_API_KEY, PANDA_NOTIFY_SMS_TEMPLATE_ID "
        "and PANDA_NOTIFY_EMAIL_TEMPLATE_ID."
    )
# Reminders are "From:" this address with the email sender.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "PANDA <reminders@localhost>")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))

# Tasks (django-tasks, Django 6's django.tasks): the queue in PANDA's database ("db", worker:
# manage.py db_worker) or on Redis through RQ ("rq", worker: manage.py rqworker --with-scheduler).
PANDA_TASKS_BACKEND = os.environ.get("PANDA_TASKS_BACKEND", "db").strip().lower()
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
if PANDA_TASKS_BACKEND == "db":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif PANDA_TASKS_BACKEND == "rq":
    INSTALLED_APPS.insert(INSTALLED_APPS.index("django_tasks_db") + 1, "django_rq")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
else:
    raise ImproperlyConfigured(
        f"PANDA_TASKS_BACKEND must be db or rq, not {PANDA_TASKS_BACKEND!r}."
    )
