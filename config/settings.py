"""Settings for every environment, read from environment variables.

Environments differ in values, not in code: see README.md, "Configuration".
"""

import re
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_decimal, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
CONTENT_DIR = Path(env_str("CONTENT_DIR", str(BASE_DIR / "content")))

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "accounts",
    "courses",
    "quizzes",
    "labs",
    "authoring",
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
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "accounts.context_processors.roles",
            ],
        },
    },
]

# Database: SQLite in var/ unless DATABASE_URL names another (PostgreSQL in production).
_default_sqlite = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
try:
    DATABASES = {
        "default": dj_database_url.parse(
            env_str("DATABASE_URL", _default_sqlite),
            conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; IMMEDIATE transactions take the
    # write lock up front, so two writers queue on busy_timeout instead of failing with
    # "database is locked" half-way through a transaction.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        # Seconds a request waits for another writer before failing (then it rolls back whole).
        "timeout": env_int("SQLITE_TIMEOUT", 20, minimum=1),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # Shared by the web server and the worker processes, unlike locmem.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "courses:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
# Password guesses (login, the old password of a change) allowed per username from one client
# address; then a wait of LOGIN_THROTTLE_WINDOW seconds that doubles with each further failure,
# up to LOGIN_THROTTLE_MAX_WAIT. See accounts/throttle.py.
LOGIN_THROTTLE_ATTEMPTS = env_int("LOGIN_THROTTLE_ATTEMPTS", 5, minimum=1)
LOGIN_THROTTLE_WINDOW = env_int("LOGIN_THROTTLE_WINDOW", 300, minimum=1)
LOGIN_THROTTLE_MAX_WAIT = env_int("LOGIN_THROTTLE_MAX_WAIT", 3600, minimum=1)
# Password-reset requests allowed per client address and per email address in the window.
PASSWORD_RESET_THROTTLE_ATTEMPTS = env_int("PASSWORD_RESET_THROTTLE_ATTEMPTS", 5, minimum=1)
PASSWORD_RESET_THROTTLE_WINDOW = env_int("PASSWORD_RESET_THROTTLE_WINDOW", 3600, minimum=1)

# A reverse proxy in front of the app. Only when TRUSTED_PROXY is on are its headers believed:
# without a proxy anyone can send X-Forwarded-For or X-Forwarded-Proto. TRUSTED_PROXY_HOPS is how
# many proxies append to TRUSTED_PROXY_HEADER; the client is the address the outermost one saw.
TRUSTED_PROXY = env_bool("TRUSTED_PROXY", False)
TRUSTED_PROXY_HEADER = env_str("TRUSTED_PROXY_HEADER", "X-Forwarded-For").strip()
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 1, minimum=1)
if TRUSTED_PROXY and not re.fullmatch(r"[A-Za-z0-9-]+", TRUSTED_PROXY_HEADER):
    raise ImproperlyConfigured(
        f"TRUSTED_PROXY_HEADER must be a header name such as X-Forwarded-For, "
        f"got {TRUSTED_PROXY_HEADER!r}"
    )
if TRUSTED_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Security headers. HTTPS settings are on whenever DEBUG is off; SECURE_SSL_REDIRECT can be
# turned off when a proxy already redirects.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads no cookie: the token travels in hx-headers
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Off only for load tests over plain HTTP on loopback.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Email: admin alerts (anomalies, errors) go to ADMINS.
ADMINS = [("Admin", addr) for addr in env_list("ADMIN_EMAILS")]
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env_str("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
# A request that sends mail (a password reset) must not hang on a slow mail server.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "course@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis when REDIS_URL is set; otherwise kombu's filesystem transport in var/, which
# needs no server and works across the processes of one machine.
BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    # The filesystem transport ignores the host; naming one stops kombu warning "No hostname
    # was supplied" in every process that connects.
    CELERY_BROKER_URL = "filesystem://localhost//"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        # The worker polls the folder; 0.1 s keeps a lab reply's start snappy at ~idle cost.
        "polling_interval": 0.1,
    }
CELERY_TASK_IGNORE_RESULT = True  # results live in database rows, not a result backend
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 120, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 150, minimum=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A learner waits on the publish: fail fast when the broker is down; the sweep re-queues.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# The sweep re-sends replies queued longer than this, and re-runs those running longer than the
# task's hard time limit plus this.
LAB_SWEEP_GRACE_SECONDS = env_int("LAB_SWEEP_GRACE_SECONDS", 30, minimum=1)
# A running reply's worker beats every quarter of this; a reply whose last beat is older is
# re-queued by the next sweep, so a dead worker's reply runs again within this plus the interval.
LAB_HEARTBEAT_TIMEOUT_SECONDS = env_int("LAB_HEARTBEAT_TIMEOUT_SECONDS", 20, minimum=2)
LAB_SWEEP_INTERVAL_SECONDS = env_int("LAB_SWEEP_INTERVAL_SECONDS", 10, minimum=1)
# A lab reply streams to the page over server-sent events. Each open stream holds a web worker
# thread, so it ends after this many seconds and the browser reconnects (a long reply costs a
# reconnect, never a thread held for minutes). The stream reads the reply's row every
# LAB_STREAM_POLL_MS: one primary-key query, the same on every broker and database.
LAB_STREAM_SECONDS = env_int("LAB_STREAM_SECONDS", 25, minimum=1)
LAB_STREAM_POLL_MS = env_int("LAB_STREAM_POLL_MS", 50, minimum=10)
CELERY_BEAT_SCHEDULE = {
    "sweep-lab-replies": {"task": "labs.sweep", "schedule": float(LAB_SWEEP_INTERVAL_SECONDS)},
    # Cheap when nothing changed: only labs whose prompt, prices or cases changed are re-run.
    "evaluate-labs": {"task": "labs.evaluate", "schedule": 900.0},
    # Statuses follow the calendar: once a day (claimed per date) the texts whose status
    # wording moved are stored again; the other hourly runs find the date done.
    "rerender-statuses": {"task": "authoring.rerender_statuses", "schedule": 3600.0},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)

# Claude and the labs.
ANTHROPIC_API_KEY = env_str("ANTHROPIC_API_KEY")
LABS_OFFLINE = env_bool("LABS_OFFLINE", False) or not ANTHROPIC_API_KEY
LAB_MODEL = env_str("LAB_MODEL", "claude-haiku-5-5")
# Re-run the golden evaluation against Claude too when what it measures changes (costs tokens).
LAB_EVAL_CLAUDE = env_bool("LAB_EVAL_CLAUDE", False)
LAB_MAX_TOKENS = env_int("LAB_MAX_TOKENS", 1024, minimum=1)
LAB_MAX_MESSAGE_CHARS = env_int("LAB_MAX_MESSAGE_CHARS", 4000, minimum=1)
LAB_MESSAGES_PER_HOUR = env_int("LAB_MESSAGES_PER_HOUR", 30, minimum=1)
LAB_DAILY_BUDGET_USD = env_decimal("LAB_DAILY_BUDGET_USD", "0.50")
SITE_DAILY_BUDGET_USD = env_decimal("SITE_DAILY_BUDGET_USD", "25")
LAB_TOOL_ROUNDS = env_int("LAB_TOOL_ROUNDS", 4, minimum=1)
# Once more than this many turns follow the summary, all but the last LAB_HISTORY_WINDOW are
# folded into it by LAB_SUMMARY_MODEL (when long enough to pay for it: labs/claude.py).
LAB_SUMMARY_AFTER_TURNS = env_int("LAB_SUMMARY_AFTER_TURNS", 8, minimum=2)
LAB_HISTORY_WINDOW = env_int("LAB_HISTORY_WINDOW", 4, minimum=1)
LAB_SUMMARY_MODEL = env_str("LAB_SUMMARY_MODEL", "claude-haiku-5-5")
CLAUDE_TIMEOUT_SECONDS = env_int("CLAUDE_TIMEOUT_SECONDS", 60, minimum=1)
CLAUDE_MAX_RETRIES = env_int("CLAUDE_MAX_RETRIES", 2)
# Spend alert: the last hour over 3x the trailing hourly average and over this floor.
LAB_ANOMALY_FLOOR_USD = env_decimal("LAB_ANOMALY_FLOOR_USD", "1.00")

# Module test retakes.
TEST_RETAKE_COOLDOWN_SECONDS = env_int("TEST_RETAKE_COOLDOWN_SECONDS", 600)
# When a test result shows the right option of a question missed: "after-passing" (until then a
# retake still tests what the learner knows), "always" or "never" (quizzes/review.py).
TEST_REVIEW_RIGHT_ANSWERS = env_str("TEST_REVIEW_RIGHT_ANSWERS", "after-passing").strip().lower()
if TEST_REVIEW_RIGHT_ANSWERS not in ("after-passing", "always", "never"):
    raise ImproperlyConfigured(
        "TEST_REVIEW_RIGHT_ANSWERS must be after-passing, always or never, "
        f"got {TEST_REVIEW_RIGHT_ANSWERS!r}"
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
