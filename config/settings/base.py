"""Settings shared by every environment.

The database comes from DATABASE_URL (PostgreSQL 15 in production); without it the embedded
default is a SQLite file under var/, in WAL mode, whose transactions BEGIN IMMEDIATE so that
writers serialize at the start of a transaction instead of failing half-way through it.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("TILLSHARE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # SQLite cannot create its file in a missing folder

SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY", "insecure-development-key-do-not-use-in-production"
)
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "djmoney",
    "ledger",
    "pos",
    "pos.rentals",
    "pos.cards",
    "treasury",
    "reports",
    "ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
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


PREPARE_ONLY_WHEN_ASKED = 2**31 - 1


def database_from_environment() -> dict:
    """Return the default database: DATABASE_URL if set, else the embedded SQLite file."""
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        if config["ENGINE"] == "django.db.backends.sqlite3":
            config = sqlite_database(Path(config["NAME"]))
        elif config["ENGINE"] == "django.db.backends.postgresql":
            # Django turns psycopg's prepared statements off (prepare_threshold None, for
            # poolers in transaction mode; Tillshare connects to PostgreSQL directly), and then
            # psycopg ignores even an explicit prepare=True. A threshold no statement reaches
            # prepares exactly those that ask: the fixed SQL of the hot paths (ledger.driver),
            # which PostgreSQL would otherwise parse and plan anew on every call. The ORM's
            # statements bind on the client and are never prepared.
            config["OPTIONS"] = {"prepare_threshold": PREPARE_ONLY_WHEN_ASKED}
        return config
    return sqlite_database(VAR_DIR / "tillshare.sqlite3")


def sqlite_database(path: Path) -> dict:
    """Return settings for a SQLite file: WAL journal, IMMEDIATE transactions, patient writers."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            # Writers take the write lock at BEGIN, so a read-then-write never fails mid-way.
            "transaction_mode": "IMMEDIATE",
            # Seconds a writer waits for the lock before giving up (busy_timeout).
            "timeout": 30,
            "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"),
        },
    }


DATABASES = {"default": database_from_environment()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# The venue's own clock: business dates (a ledger entry's effective date) are local dates.
TIME_ZONE = os.environ.get("TILLSHARE_TIME_ZONE", "America/Chicago")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Money: US dollars, never converted behind anyone's back.
CURRENCIES = ("USD",)
DEFAULT_CURRENCY = "USD"
AUTO_CONVERT_MONEY = False

# Ledger: the month (1-12) in which the fiscal year starts; quarters count from it.
LEDGER_FISCAL_YEAR_START_MONTH = int(os.environ.get("TILLSHARE_FISCAL_YEAR_START_MONTH", "1"))

# Point of sale.
# Sales tax is rounded half-up once per check and rate ("check") or on every line ("line").
POS_TAX_ROUNDING = os.environ.get("TILLSHARE_TAX_ROUNDING", "check")
# Sales after midnight belong to the evening before, until this hour (local time).
POS_BUSINESS_DAY_STARTS_AT_HOUR = 4
# A discount above this percentage needs a manager's PIN.
POS_DISCOUNT_APPROVAL_PERCENT = 20
# A drawer variance above this many cents (either way) needs a manager's PIN to close.
POS_VARIANCE_APPROVAL_CENTS = 500
# Staff PINs: failed attempts before a lockout, and its length in minutes.
POS_PIN_MAX_ATTEMPTS = 5
POS_PIN_LOCKOUT_MINUTES = 5
# Wrong PINs on one tablet (any staff members) before its PIN pad locks, within this window.
POS_PIN_DEVICE_MAX_FAILURES = 10
POS_PIN_DEVICE_WINDOW_MINUTES = 10
# Game rentals: a session still running at this local time is flagged for the manager.
RENTALS_CLOSING_TIME = os.environ.get("TILLSHARE_CLOSING_TIME", "01:00")
# Card payments (pos.cards): Stripe when STRIPE_SECRET_KEY is set, else the in-memory fake
# ("demo card payments"). STRIPE_API_BASE points the client at another server (localstripe).
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "https://api.stripe.com")
# Test mode without a Terminal reader only (localstripe): confirm with this PaymentMethod.
STRIPE_TEST_PAYMENT_METHOD = os.environ.get("STRIPE_TEST_PAYMENT_METHOD", "")
# The reader asks the guest for a tip on counter sales.
CARDS_ON_READER_TIPPING = os.environ.get("CARDS_ON_READER_TIPPING", "1") == "1"
# sweep_authorizations: a hold is stale after this many hours, or near its capture deadline
# when fewer than this many hours are left.
CARDS_HOLD_STALE_HOURS = 24
CARDS_HOLD_DEADLINE_MARGIN_HOURS = 6

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Tillshare API",
    "DESCRIPTION": "Point of sale and ledger for a nonprofit-owned family fun center.",
    "VERSION": "1.0.0",
    # Swagger UI from this site's static files: the docs work on the venue's own network, and
    # the page needs nothing beyond the site's Content-Security-Policy (config/csp.py).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    # WeasyPrint reports every layout step at INFO; only its warnings are worth reading.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
