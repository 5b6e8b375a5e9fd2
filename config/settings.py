"""Aiguillage settings, read from the environment.

Production-safe by default. ``AIGUILLAGE_ENV=dev`` selects development defaults
(debug, a throw-away secret key, plain HTTP on localhost); ``make run`` and the
test suite set it. Every variable is documented in ``docs/configuration.md``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.database import database_config
from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("AIGUILLAGE_VAR_DIR") or BASE_DIR / "var")

ENVIRONMENT = env_str("AIGUILLAGE_ENV", "production")
if ENVIRONMENT not in ("production", "dev"):
    raise ImproperlyConfigured("AIGUILLAGE_ENV must be 'production' (the default) or 'dev'.")
DEV = ENVIRONMENT == "dev"

DEBUG = env_bool("DJANGO_DEBUG", DEV)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEV:
        raise ImproperlyConfigured(
            "SECRET_KEY is required in production (50+ random characters). "
            "Set AIGUILLAGE_ENV=dev for a development instance."
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdefghij"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEV else [])
if not ALLOWED_HOSTS and not DEV:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required in production (comma-separated).")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "aiguillage.core",
    "aiguillage.privacy",
    "aiguillage.catalog",
    "aiguillage.accounts",
    "aiguillage.directory",
    "aiguillage.agenda",
    "aiguillage.orientation",
    "aiguillage.compliance",
    "aiguillage.reporting",
    "aiguillage.public",
    "aiguillage.api",
    "aiguillage.demo",
    # Authentication (docs/authentication.md): login lockout, second factor.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "aiguillage.core.middleware.PermissionsPolicyMiddleware",
    "aiguillage.core.nul_bytes.RefuseNulBytesMiddleware",  # PostgreSQL holds no NUL (fuzzing)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "aiguillage.accounts.middleware.IdleTimeoutMiddleware",
    "aiguillage.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into its page
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # A network's own wording of the visitors' messages (agenda/email/<network>/…)
        # lives in NOTIFICATION_TEMPLATES_DIR, outside the code (docs/agenda.md).
        "DIRS": [
            *([Path(d)] if (d := env_str("NOTIFICATION_TEMPLATES_DIR", "")) else []),
            BASE_DIR / "aiguillage" / "templates",
        ],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aiguillage.core.context_processors.layout",
                "csp.context_processors.nonce",
            ],
        },
    },
]

DATABASES = {
    "default": database_config(
        env_str("DATABASE_URL"), default_sqlite_path=VAR_DIR / "aiguillage.sqlite3"
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it even before collectstatic
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEV
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Security. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER_ENABLED=true.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEV)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEV)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEV)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEV else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEV)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEV)
if env_bool("SECURE_PROXY_SSL_HEADER_ENABLED", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)  # a working day at the desk
X_FRAME_OPTIONS = "DENY"

EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if DEV
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "aiguillage@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Absolute links in e-mails (manage-my-booking, calendar files) are built on this base,
# since reminders are sent by the worker, outside any request.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000" if DEV else "").rstrip("/") or (
    f"https://{ALLOWED_HOSTS[0]}"
)

# Background tasks (reminders, notifications): django-tasks with its database backend,
# run by `manage.py db_worker`. Development and tests run them at once, in the request.
TASKS_BACKEND = env_str("TASKS_BACKEND", "immediate" if DEV else "database")
if TASKS_BACKEND not in {"immediate", "database"}:
    raise ImproperlyConfigured(f"TASKS_BACKEND: immediate or database, not {TASKS_BACKEND!r}")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TASKS_BACKEND == "immediate"
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

# Agenda reminders: how long before, and where text messages go (a dotted path to a
# class with ``send(*, to, body)``; the default writes them to the log).
REMINDER_HOURS_BEFORE = env_int("REMINDER_HOURS_BEFORE", 48)
SMS_BACKEND = env_str("SMS_BACKEND", "aiguillage.agenda.sms.LogBackend")

# Logs carry no personal data: no request bodies, no query strings of forms.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint narrates each step of a PDF at INFO: only its warnings matter.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Authentication (docs/authentication.md, aiguillage/accounts/) ---
# Lockout (django-axes): LOGIN_FAILURE_LIMIT wrong passwords for one address from one
# client address lock that pair out for LOGIN_LOCKOUT_MINUTES; a success clears it.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 30)
if AXES_FAILURE_LIMIT < 1 or LOGIN_LOCKOUT_MINUTES < 1:
    raise ImproperlyConfigured("LOGIN_FAILURE_LIMIT and LOGIN_LOCKOUT_MINUTES must be 1 or more.")
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "aiguillage.accounts.lockout.login_username"
AXES_CLIENT_IP_CALLABLE = "aiguillage.accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "aiguillage.accounts.lockout.locked_out_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_DISABLE_ACCESS_LOG = True  # the audit journal records logins; no second copy
AXES_VERBOSE = False  # no start-up banner in every command's output
# Two-factor authentication (django-otp, TOTP + recovery codes) for the roles named in
# aiguillage/accounts/two_factor.py. On unless explicitly turned off (the demo's
# `make run` and the test suite do); `check --deploy` warns when it is off.
AIGUILLAGE_REQUIRE_2FA = env_bool("AIGUILLAGE_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Aiguillage")
# A staff session idle this long is logged out (0: never). The desk's computers are
# shared, and often in a public room.
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30)
PASSWORD_RESET_TIMEOUT = 60 * 60  # a reset link works for one hour

# --- Public portal: rate limit of its forms (aiguillage/public/ratelimit.py) ---
# Each public POST (register, book, cancel, move) counts one hit per client address;
# over PUBLIC_RATE_LIMIT hits in a window of PUBLIC_RATE_LIMIT_WINDOW seconds, the
# portal answers 429 and asks to call or come to the library. 0 switches it off.
# PUBLIC_RATE_LIMIT_PROXIES: how many reverse proxies of ours write X-Forwarded-For in
# front of the application (production runs gunicorn behind one; 0 reads REMOTE_ADDR).
PUBLIC_RATE_LIMIT = env_int("PUBLIC_RATE_LIMIT", 10)
PUBLIC_RATE_LIMIT_WINDOW = env_int("PUBLIC_RATE_LIMIT_WINDOW", 3600)
if PUBLIC_RATE_LIMIT_WINDOW < 1:
    raise ImproperlyConfigured("PUBLIC_RATE_LIMIT_WINDOW must be a number of seconds (1 or more).")
PUBLIC_RATE_LIMIT_PROXIES = env_int("PUBLIC_RATE_LIMIT_PROXIES", 0 if DEV else 1)

# --- Web hardening (docs/security.md) ---
# Content-Security-Policy (django-csp 4): nothing from outside, no inline script, no
# inline style but the nonce'd <style> of a network's colour; nobody may frame a page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
# Powerful browser features no page uses, denied to every page (core/middleware.py).
PERMISSIONS_POLICY_DENIED = (
    "accelerometer", "camera", "geolocation", "gyroscope",
    "magnetometer", "microphone", "payment", "usb",
)  # fmt: skip
SECURE_CONTENT_TYPE_NOSNIFF = True
# Uploads: a directory import is the only large one. A request body over the limit is
# refused before it is read (aiguillage/core/uploads.py); the form says the limit.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "aiguillage.core.uploads.BodySizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger files are spooled to disk
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # form fields (not files): a form is far smaller
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1_000
FILE_UPLOAD_PERMISSIONS = 0o640
# The JSON API's own limits per client (aiguillage/api/limits.py), apart from the
# portal's: every call, then the writes (booking, registering, cancelling). 0: off.
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 120)
API_RATE_LIMIT_WINDOW = env_int("API_RATE_LIMIT_WINDOW", 60)
API_WRITE_RATE_LIMIT = env_int("API_WRITE_RATE_LIMIT", 10)
API_WRITE_RATE_LIMIT_WINDOW = env_int("API_WRITE_RATE_LIMIT_WINDOW", 3600)
if min(API_RATE_LIMIT_WINDOW, API_WRITE_RATE_LIMIT_WINDOW) < 1:
    raise ImproperlyConfigured("API rate limit windows are numbers of seconds (1 or more).")
# A path holding a token (manage link, calendar feed, password reset) is logged as its
# URL pattern: Django logs the path of every 4xx/5xx (aiguillage/core/logfilters.py).
LOGGING["filters"] = {"redact_path_secrets": {"()": "aiguillage.core.logfilters.RedactPathSecrets"}}
LOGGING["handlers"]["console"]["filters"] = ["redact_path_secrets"]
