"""Django settings, configured entirely from the environment.

The same settings serve every tier; ``SAFEPASSAGE_ROLE`` decides which URLs are mounted
and which keys a process may load.  Production refuses to start without an explicit
secret key; ``safepassage demo`` sets the variables it needs itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url

from safepassage.db.sqlite import SQLITE_OPTIONS
from safepassage.env import env_bool, env_float, env_int, env_list, env_path, env_str

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = env_path("SAFEPASSAGE_VAR_DIR") or Path.cwd() / "var"


SAFEPASSAGE_ROLE = env_str("SAFEPASSAGE_ROLE", "all")
if SAFEPASSAGE_ROLE not in {"intake", "console", "worker", "all"}:
    raise RuntimeError("SAFEPASSAGE_ROLE must be one of intake, console, worker, all")

SAFEPASSAGE_DEMO = env_bool("SAFEPASSAGE_DEMO")

# Never on by default, not even for the demo: a debug page prints local variables,
# and those would be applicants' messages.
DEBUG = env_bool("SAFEPASSAGE_DEBUG")

SECRET_KEY = env_str("SAFEPASSAGE_SECRET_KEY", "")
if not SECRET_KEY:
    # Only tests and one-off management commands get here; `safepassage serve` refuses
    # to start without a configured key (see safepassage.cli.checks).
    SECRET_KEY = "insecure-development-key-" + "x" * 40

ALLOWED_HOSTS = env_list("SAFEPASSAGE_ALLOWED_HOSTS", "127.0.0.1,localhost")

# Keys.  The intake tier is given the public key file only.
SAFEPASSAGE_KEY_FILE = env_path("SAFEPASSAGE_KEY_FILE")
SAFEPASSAGE_PUBLIC_KEY_FILE = env_path("SAFEPASSAGE_PUBLIC_KEY_FILE")
SAFEPASSAGE_KEY_PASSPHRASE_ENV = env_str(
    "SAFEPASSAGE_KEY_PASSPHRASE_ENV", "SAFEPASSAGE_KEY_PASSPHRASE"
)
# Audit heads: signed by the worker every SIGN_EVERY seconds, appended to the witness
# file outside the database and optionally logged to syslog (safepassage.audit.signing).
SAFEPASSAGE_AUDIT_WITNESS_FILE = env_path("SAFEPASSAGE_AUDIT_WITNESS_FILE")
SAFEPASSAGE_AUDIT_SYSLOG = env_bool("SAFEPASSAGE_AUDIT_SYSLOG")
SAFEPASSAGE_AUDIT_SIGN_EVERY = env_float("SAFEPASSAGE_AUDIT_SIGN_EVERY", 3600.0)
# Tests only: provider credentials may go over plain HTTP to a loopback stand-in
# (safepassage.channels.http).  Never set in production.
SAFEPASSAGE_PROVIDER_LOOPBACK_HTTP = env_bool("SAFEPASSAGE_PROVIDER_LOOPBACK_HTTP")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "safepassage.crypto",
    "safepassage.casekeys",
    "safepassage.audit",
    "safepassage.accounts",
    "safepassage.cases",
    "safepassage.envelopes",
    "safepassage.campaigns",
    "safepassage.channels",
    "safepassage.register",
    "safepassage.apiclients",
    "safepassage.analytics",
    "safepassage.floods",
    "safepassage.retention",
    "safepassage.rota",
    "safepassage.intake",
    "safepassage.console",
    "safepassage.worker",
    "safepassage.api",
    # Only for its vendored Swagger UI assets and template (the API reference page).
    "ninja",
]

MIDDLEWARE = [
    "safepassage.security.headers.SecurityHeadersMiddleware",
    # Before anything reads the body: over-cap requests get a 413 unread.
    "safepassage.security.limits.RequestSizeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Ends stale console sessions (idle, signed out everywhere) and sets the console language.
    "safepassage.console.middleware.ConsoleMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "safepassage.urls"
WSGI_APPLICATION = "safepassage.wsgi.application"
AUTH_USER_MODEL = "accounts.Account"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ],
        },
    }
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'safepassage.sqlite3'}")
DATABASES: dict[str, Any] = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
    # A file (not :memory:) so tests can scan it for plaintext and share it with live
    # servers; named after the main database so parallel checkouts do not collide.
    _sqlite_name = Path(DATABASES["default"]["NAME"])
    DATABASES["default"]["TEST"] = {
        "NAME": str(_sqlite_name.with_name("test_" + _sqlite_name.name))
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "outbound", "envelopes"],
    }
}

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
PUBLIC_LANGUAGES = [("ru", "Русский"), ("ko", "한국어"), ("uk", "Українська"), ("en", "English")]
CONSOLE_LANGUAGES = [("en", "English"), ("uk", "Українська")]
LANGUAGES = [("en", "English"), ("ru", "Русский"), ("ko", "한국어"), ("uk", "Українська")]
# Every catalogue lives in its app's locale/ folder (found through INSTALLED_APPS).
LOCALE_PATHS: list[Path] = []
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "static/"
# `safepassage manage collectstatic` fills this for production; without it WhiteNoise
# serves the apps' static directories directly (demo, tests).
STATIC_ROOT: Path | None = env_path("SAFEPASSAGE_STATIC_ROOT")
if STATIC_ROOT is None and (VAR_DIR / "static").is_dir():
    STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False

# Transport security.  Plain HTTP is allowed only where explicitly requested (the demo
# on 127.0.0.1 and the test servers); everything else assumes TLS in front.
SAFEPASSAGE_TLS = not env_bool("SAFEPASSAGE_INSECURE_HTTP")
SESSION_COOKIE_SECURE = SAFEPASSAGE_TLS
CSRF_COOKIE_SECURE = SAFEPASSAGE_TLS
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_NAME = "sp_console"
# The database holds only a keyed hash of each session key (issue 12; accounts/session_store.py).
SESSION_ENGINE = "safepassage.accounts.session_store"
# Give this to the console tier only (never the intake); empty: SECRET_KEY is used.
SAFEPASSAGE_SESSION_HASH_KEY = env_str("SAFEPASSAGE_SESSION_HASH_KEY", "")
SESSION_COOKIE_PATH = "/console/"
CSRF_COOKIE_PATH = "/console/"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_USE_SESSIONS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = 63072000 if SAFEPASSAGE_TLS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SAFEPASSAGE_TLS
SAFEPASSAGE_BEHIND_PROXY = env_bool("SAFEPASSAGE_BEHIND_PROXY")
# Console sessions end after this many minutes without activity.
SAFEPASSAGE_CONSOLE_IDLE_MINUTES = env_int("SAFEPASSAGE_CONSOLE_IDLE_MINUTES", 30)
# Supervision: a first answer later than this (minutes) counts as over the target.
# Where the worker shares a host with the intake (the demo's "all", a small install),
# the worker's receipt derivations must not take CPU from people submitting: it runs
# at this nice increment (0 = unchanged).  On a host of its own it changes nothing.
SAFEPASSAGE_WORKER_NICE = env_int("SAFEPASSAGE_WORKER_NICE", 10)
SAFEPASSAGE_FIRST_RESPONSE_TARGET_MINUTES = env_int("SAFEPASSAGE_FIRST_RESPONSE_TARGET_MINUTES", 15)
# Rota (issue 17): languages that must be covered around the clock, how far ahead a gap
# in the rota alerts, how late a planned shift may start before it counts as missing,
# and how often the worker sweeps.
SAFEPASSAGE_ROTA_LANGUAGES = env_list("SAFEPASSAGE_ROTA_LANGUAGES", "ru,ko")
SAFEPASSAGE_COVERAGE_HORIZON_MINUTES = env_int("SAFEPASSAGE_COVERAGE_HORIZON_MINUTES", 120)
SAFEPASSAGE_ROTA_START_GRACE_MINUTES = env_int("SAFEPASSAGE_ROTA_START_GRACE_MINUTES", 10)
SAFEPASSAGE_COVERAGE_CHECK_EVERY = env_float("SAFEPASSAGE_COVERAGE_CHECK_EVERY", 60.0)
# Coverage alerts go by e-mail (Django's SMTP backend) to these supervisors' addresses.
SAFEPASSAGE_ALERT_EMAILS = env_list("SAFEPASSAGE_ALERT_EMAILS")
SAFEPASSAGE_ALERT_LANGUAGE = env_str("SAFEPASSAGE_ALERT_LANGUAGE", "en")
EMAIL_HOST = env_str("SAFEPASSAGE_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("SAFEPASSAGE_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("SAFEPASSAGE_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("SAFEPASSAGE_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("SAFEPASSAGE_EMAIL_STARTTLS")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("SAFEPASSAGE_EMAIL_FROM", "safepassage@localhost")
if SAFEPASSAGE_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("SAFEPASSAGE_CSRF_TRUSTED_ORIGINS")
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 64
# No page takes an upload.  The cap on any request body (security.limits) is checked
# before a byte is read; files a multipart body carries stay in memory (never spooled
# to the temporary directory) and are dropped beyond this size.
SAFEPASSAGE_MAX_REQUEST_BYTES = 320 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = SAFEPASSAGE_MAX_REQUEST_BYTES
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]

# Configurable neutral title and Onion-Location for the public site.
SAFEPASSAGE_PUBLIC_TITLE = env_str("SAFEPASSAGE_PUBLIC_TITLE", "")
SAFEPASSAGE_ONION_LOCATION = env_str("SAFEPASSAGE_ONION_LOCATION", "")
# Printed leaflets need absolute links: the public site's address, and optionally the
# Telegram bot's username and the SMS number (else taken from the channel settings).
SAFEPASSAGE_PUBLIC_BASE_URL = env_str("SAFEPASSAGE_PUBLIC_BASE_URL", "")
SAFEPASSAGE_TELEGRAM_BOT_USERNAME = env_str("SAFEPASSAGE_TELEGRAM_BOT_USERNAME", "")
SAFEPASSAGE_SMS_NUMBER = env_str("SAFEPASSAGE_SMS_NUMBER", "")

# Messenger channels: the channel types this deployment offers (one package each), and
# the key that encrypts the webhook-verification secrets the intake needs in clear
# (32 bytes, base64; the same on intake and console hosts — see channels/hookkey.py).
SAFEPASSAGE_CHANNEL_TYPES = [
    "safepassage.channels.telegram.TelegramType",
    "safepassage.channels.whatsapp.WhatsAppType",
    "safepassage.channels.sms.TwilioSmsType",
    "safepassage.channels.hotline.HotlineType",
    "safepassage.channels.voice.TwilioVoiceType",
]
SAFEPASSAGE_HOOK_KEY = env_str("SAFEPASSAGE_HOOK_KEY", "")

# Logging: requests are never logged with their bodies or query strings, and the
# `django.request`/`django.security` records carry only status and path templates.
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "safepassage.security.logs.RedactFilter"},
        "quiet_security": {"()": "safepassage.security.logs.QuietSecurityFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["quiet_security", "redact"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("SAFEPASSAGE_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        # Every periodic task's start and success at INFO buried the demo's logins and an
        # operator's real warnings; a failing task still logs at ERROR.
        "django_tasks": {"level": "WARNING"},
    },
}
