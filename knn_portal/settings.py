"""Settings of the KNN portal: one file, read from the environment.

Every variable is parsed strictly: a value that cannot be understood stops the start-up
with a message that names the variable, instead of silently falling back to a default.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected one of true/false/1/0/yes/no/on/off")


def env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r}: must be at least {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false")
    SECRET_KEY = "dev-only-key-not-secret-6b1f0c2e9a7d4e3f8c5b1a0d9e8f7c6b5a4d3e2f1"

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is false")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "drf_spectacular",
    "network",
    "procurement",
    "building",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "network.middleware.GermanFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "network.middleware.MailDelayNoticeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # Production serves the vendored static files itself (no CDN, no extra web server).
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "knn_portal.urls"
WSGI_APPLICATION = "knn_portal.wsgi.application"

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
                "django.template.context_processors.i18n",
                "network.context_processors.navigation",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------
VAR_DIR = Path(os.environ.get("KNN_VAR_DIR", BASE_DIR / "var"))
_database_url = os.environ.get("DATABASE_URL", "").strip()
try:
    DATABASES = {
        "default": dj_database_url.parse(_database_url, conn_max_age=60)
        if _database_url
        else {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "knn_portal.sqlite3"}
    }
except ValueError as error:  # dj-database-url reports unknown schemes this way
    raise ImproperlyConfigured(f"DATABASE_URL: {error}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers wait for the lock instead of failing at once (runserver + eager tasks).
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- people -----------------------------------------------------------------------------
AUTH_USER_MODEL = "network.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "network:home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: a user name from one address is locked after five failures for 15 min.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# One counter per account (however the address is spelt) and per client address (behind
# DJANGO_PROXY_COUNT trusted proxies): network/throttle.py.
AXES_USERNAME_CALLABLE = "network.throttle.login_username"
AXES_CLIENT_IP_CALLABLE = "network.throttle.client_address"
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 0)

# Idle timeout: the session ends after this many minutes without a request.
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_IDLE_MINUTES", 60, minimum=5) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- language, time, formats ----------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
# German dates as 24.11.2026 (Django's own German format spells the month out).
FORMAT_MODULE_PATH = ["knn_portal.formats"]

# --- static files and uploads ------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded files are never served from a public URL: only through permission-checked views.
MEDIA_URL = "/nicht-oeffentlich/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
DOCUMENT_MAX_BYTES = env_int("KNN_DOCUMENT_MAX_MB", 20, minimum=1) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- e-mail ------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "KNN-Portal <portal@example.org>")
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
PORTAL_BASE_URL = os.environ.get("KNN_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- security ----------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# No inline script or style anywhere: everything comes from the portal's own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}


def env_origins(name: str) -> list[str]:
    """Comma-separated web origins ("https://www.luenen.de"): scheme and host (and port),
    no path, no wildcard; anything else fails at start-up."""
    from urllib.parse import urlsplit

    origins = []
    for item in env_list(name, []):
        parts = urlsplit(item)
        if (
            parts.scheme not in ("https", "http")
            or not parts.hostname
            or "*" in item
            or parts.path not in ("", "/")
            or parts.query
            or parts.fragment
            or parts.username
        ):
            raise ImproperlyConfigured(
                f"{name}: {item!r} is no origin (expected e.g. https://www.example.org)"
            )
        origins.append(f"{parts.scheme}://{parts.netloc}")
    return origins


# Who may frame the embeddable view of a member (/oeffentlich/<netz>/<kommune>/einbetten/):
# the origins the operator lists, and nobody else; every other page denies all framing.
KNN_EMBED_ORIGINS = env_origins("KNN_EMBED_ORIGINS")

# --- read-only API (network.api) -------------------------------------------------------------
# Personal access tokens only: no session, so no CSRF and no cookie; every answer is JSON.
# rest_framework itself is no installed app: its German catalogue would replace Django's own
# messages in every form of the portal (network/api/errors.py gives its few in German).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["network.api.auth.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": "600/hour"},
    "DEFAULT_PAGINATION_CLASS": "network.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "network.api.errors.german_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "KNN-Portal: Schnittstelle (nur lesen)",
    "DESCRIPTION": (
        "Die Daten der eigenen Netzwerke für eigene Systeme, mit genau den Rechten der "
        "Person, der der Zugangsschlüssel gehört. Schlüssel legen Sie in Ihrem Profil an; "
        "senden Sie ihn als `Authorization: Bearer <Schlüssel>`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- forms -------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- background work (Celery) ---------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "").strip()
# Without a broker (the embedded default) tasks run in-process, at once.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {"network.tasks.build_report": {"queue": "reports"}}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker child that grew beyond this (KiB) is replaced after its task: WeasyPrint is hungry.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_KB", 1_500_000, minimum=1)
# The broker hands an unacknowledged task to another worker after this many seconds. Every
# time limit below stays under it, so a slow report is not delivered twice while it runs;
# a report whose worker died does not wait for it either: its lease runs out (below) and
# the sweeper or the next delivery takes it over. Lower means a killed worker's other
# messages come back sooner; it must stay above the hard time limit (20 min > 15 min).
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 1200, minimum=10)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
# Clamped so that a short visibility timeout (the worker-kill test) keeps the order
# soft limit < hard limit < visibility timeout.
CELERY_TASK_TIME_LIMIT = min(900, CELERY_VISIBILITY_TIMEOUT * 3 // 4)
CELERY_TASK_SOFT_TIME_LIMIT = min(600, CELERY_TASK_TIME_LIMIT * 2 // 3)
# A report being built renews a lease every few seconds; when its process dies, the lease
# ends after this many seconds and the job is taken over (network.models.reports).
REPORT_LEASE_SECONDS = env_int("KNN_REPORT_LEASE_SECONDS", 60, minimum=2)
# Tries per request before a job whose process keeps dying fails with a German reason.
REPORT_MAX_ATTEMPTS = env_int("KNN_REPORT_MAX_ATTEMPTS", 3, minimum=1)
# The sweeper (beat, every REPORT_SWEEP_SECONDS) sends waiting jobs again that the broker
# never got (it was down) or got this long ago without any worker picking them up.
REPORT_SWEEP_SECONDS = env_int("KNN_REPORT_SWEEP_SECONDS", 60, minimum=5)
REPORT_RESEND_MINUTES = env_int("KNN_REPORT_RESEND_MINUTES", 30, minimum=1)
CELERY_BEAT_SCHEDULE = {
    # Daily, so a missed quarter start is caught up; the task is idempotent per quarter.
    "quarterly-progress-reports": {
        "task": "network.tasks.request_quarterly_reports",
        "schedule": crontab(minute=15, hour=6),
    },
    # Nothing stays waiting for ever: jobs the broker lost or never got, or whose worker died.
    "sweep-reports": {
        "task": "network.tasks.sweep_reports",
        "schedule": float(REPORT_SWEEP_SECONDS),
    },
    # Mails: the outbox every minute; reminders, the digests and the moderator's overview.
    "sweep-outbox": {"task": "network.tasks.sweep_outbox", "schedule": 60.0},
    "reminders": {"task": "network.tasks.send_reminders", "schedule": crontab(minute=30, hour=6)},
    "overdue-overview": {
        "task": "network.tasks.send_overdue_overview",
        "schedule": crontab(minute=45, hour=6, day_of_week="mon"),
    },
    # Key figures per quarter (network.timeseries): daily, so a missed quarter end is caught
    # up; the task does nothing for a network that has the quarter already.
    "figure-snapshots": {
        "task": "network.tasks.snapshot_figures",
        "schedule": crontab(minute=0, hour=5),
    },
    "daily-digest": {
        "task": "network.tasks.send_digests",
        "schedule": crontab(minute=0, hour=7),
        "args": ("daily",),
    },
    "weekly-digest": {
        "task": "network.tasks.send_digests",
        "schedule": crontab(minute=5, hour=7, day_of_week="mon"),
        "args": ("weekly",),
    },
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- cache ---------------------------------------------------------------------------------
# Dashboard figures are cached under their network's data stamp (network.freshness), so an
# entry is never stale: the cache only decides how often they are computed. With Redis the
# web processes share one copy; without CACHE_URL each process keeps its own in memory.
CACHE_URL = os.environ.get("CACHE_URL", "").strip()
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured(f"CACHE_URL={CACHE_URL!r}: expected redis://host:port/db")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    )
}

# After a change a worker computes the moderator dashboard's overview before the next
# visitor asks (network.overview). That needs a broker and a cache the web processes share
# with the worker; without them the visitor's own process does the same work.
OVERVIEW_REFRESH = env_bool("KNN_OVERVIEW_REFRESH", bool(CELERY_BROKER_URL and CACHE_URL))
OVERVIEW_REFRESH_DELAY = env_int("KNN_OVERVIEW_REFRESH_DELAY", 1)

# --- logging -----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# --- legal pages ---------------------------------------------------------------------------
# Impressum (§ 5 DDG), Datenschutzerklärung (Art. 13 DSGVO) and Erklärung zur
# Barrierefreiheit (§ 12b BGG, § 7 BITV 2.0) name whoever runs this installation. The texts
# are templates (templates/network/legal/); these are the operator's facts in them. Several
# lines are separated by "|". A required fact left unset shows as "noch nicht eingetragen"
# on the page and `manage.py check --deploy` warns (network/legal.py).


def env_lines(name: str, default: str = "") -> list[str]:
    # Empty counts as unset, so docker-compose can pass every variable through.
    raw = os.environ.get(name, "").strip() or default
    return [line.strip() for line in raw.split("|") if line.strip()]


def env_email(name: str) -> str:
    value = os.environ.get(name, "").strip()
    local, at, domain = value.partition("@")
    if value and not (local and at and "." in domain and " " not in value):
        raise ImproperlyConfigured(f"{name}={value!r}: expected an e-mail address")
    return value


def env_date(name: str, default: str):
    from datetime import date

    raw = os.environ.get(name, "").strip() or default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a date as YYYY-MM-DD") from None


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, "").strip().lower() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r}: expected one of {', '.join(choices)}")
    return value


LEGAL = {
    "operator": os.environ.get("KNN_OPERATOR_NAME", "").strip(),
    "address": env_lines("KNN_OPERATOR_ADDRESS"),
    "represented_by": os.environ.get("KNN_OPERATOR_REPRESENTED_BY", "").strip(),
    "email": env_email("KNN_OPERATOR_EMAIL"),
    "phone": os.environ.get("KNN_OPERATOR_PHONE", "").strip(),
    # A public body (a municipality, a Kreis) processes data for its public task
    # (Art. 6 (1) e DSGVO) and names its supervisory authority; a company does neither.
    "public_body": env_bool("KNN_OPERATOR_PUBLIC_BODY", False),
    "register": os.environ.get("KNN_OPERATOR_REGISTER", "").strip(),
    "vat_id": os.environ.get("KNN_OPERATOR_VAT_ID", "").strip(),
    "supervisory_authority": env_lines("KNN_OPERATOR_SUPERVISORY_AUTHORITY"),
    "content_responsible": env_lines("KNN_CONTENT_RESPONSIBLE"),
    "privacy_officer": env_lines("KNN_PRIVACY_OFFICER"),
    "privacy_authority": env_lines(
        "KNN_PRIVACY_AUTHORITY",
        "Landesbeauftragte für Datenschutz und Informationsfreiheit Nordrhein-Westfalen"
        "|Kavalleriestraße 2–4|40213 Düsseldorf",
    ),
    "privacy_retention": env_lines("KNN_PRIVACY_RETENTION"),
    "hosting": env_lines("KNN_HOSTING_PROVIDER"),
    "accessibility_email": env_email("KNN_ACCESSIBILITY_EMAIL"),
    "accessibility_phone": os.environ.get("KNN_ACCESSIBILITY_PHONE", "").strip(),
    "accessibility_status": env_choice(
        "KNN_ACCESSIBILITY_STATUS", "partial", ("full", "partial", "none")
    ),
    "accessibility_barriers": env_lines("KNN_ACCESSIBILITY_BARRIERS"),
    # When the statement was made: by default the self-assessment this release ships with
    # (the browser tests for WCAG 2.1 AA, reflow and non-text contrast).
    "accessibility_date": env_date("KNN_ACCESSIBILITY_DATE", "2026-12-01"),
    # The federal Schlichtungsstelle (§ 16 BGG); a public body of a Land names its own
    # (NRW: the Ombudsstelle für barrierefreie Informationstechnik, § 10d BGG NRW).
    "enforcement_body": env_lines(
        "KNN_ENFORCEMENT_BODY",
        "Schlichtungsstelle nach § 16 Behindertengleichstellungsgesetz (BGG)"
        "|bei dem Beauftragten der Bundesregierung für die Belange von Menschen mit"
        " Behinderungen|Mauerstraße 53|10117 Berlin|Telefon: 030 18 527-2805"
        "|E-Mail: info@schlichtungsstelle-bgg.de",
    ),
    "enforcement_url": os.environ.get("KNN_ENFORCEMENT_URL", "").strip()
    or "https://www.schlichtungsstelle-bgg.de",
}
