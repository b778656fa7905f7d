"""Settings shared by every environment; every value can be set from the environment (see README)."""

from __future__ import annotations

import dj_database_url

from tamyr.settings.env import (
    BASE_DIR,
    env_bool,
    env_int,
    env_list,
    env_str,
    generated_secret_key,
    var_dir,
)

VAR_DIR = var_dir()

SECRET_KEY = env_str("TAMYR_SECRET_KEY") or generated_secret_key()
DEBUG = env_bool("TAMYR_DEBUG", False)
ALLOWED_HOSTS = env_list("TAMYR_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("TAMYR_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("TAMYR_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "huey.contrib.djhuey",
    "csp",
    "tamyr.core",
    "tamyr.accounts",
    "tamyr.registry",
    "tamyr.events",
    "tamyr.learning",
    "tamyr.calls",
    "tamyr.cooperation",
    "tamyr.content",
    "tamyr.analytics",
    "tamyr.cases",
    # after tamyr.accounts, whose drf_create_token (which marks machine tokens) must win over DRF's
    "rest_framework.authtoken",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "tamyr.accounts.middleware.RequireStaffMFAMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "tamyr.urls"
WSGI_APPLICATION = "tamyr.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tamyr" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "tamyr.accounts.context_processors.tamyr",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tamyr.sqlite3'}"),
        conn_max_age=env_int("TAMYR_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("TAMYR_DB_PREPARED", True):
    # Parameters bound by the server, and a statement sent five times by one connection prepared there: PostgreSQL
    # then plans it once instead of on every request (a quarter of its processor time per registration in a burst;
    # docs/decisions/0005). Behind PgBouncer in transaction mode older than 1.21, set TAMYR_DB_PREPARED=false.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and the worker share the embedded database.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
        "throttle": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
    }
else:
    CACHES = {
        # A database cache is shared by every process (web and worker), which login rate limits need.
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "tamyr_cache"},
        # API throttle counts: each process's memory, not two more database round trips per API request; the
        # limit is then per worker process (docs/decisions/0011).
        "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tamyr-throttle"},
    }

# How many reverse proxies (nginx: 1) stand before the application. The client's address is then the one the
# nearest proxy put in X-Forwarded-For; with 0 it is the connection's, and X-Forwarded-For is ignored, so nobody
# can pick their own address to escape a rate limit or to spend someone else's.
TRUSTED_PROXIES = env_int("TAMYR_TRUSTED_PROXIES", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXIES

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages -------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("kk", "Қазақша"),
    ("ru", "Русский"),
    ("tr", "Türkçe"),
    ("az", "Azərbaycanca"),
    ("uz", "Oʻzbekcha"),
    ("ky", "Кыргызча"),
    ("hu", "Magyar"),
]
LOCALE_PATHS = [BASE_DIR / "tamyr" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# --- Static and media ------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "tamyr" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env_str("TAMYR_MEDIA_ROOT", str(VAR_DIR / "media"))
SERVE_MEDIA = env_bool("TAMYR_SERVE_MEDIA", True)
# Files that are not public by nature (imports, answers, certificates, documents) live here, outside MEDIA_ROOT,
# and leave only through a view that asks `permissions.can()` (docs/deploy.md: X-Accel-Redirect).
PRIVATE_MEDIA_ROOT = env_str("TAMYR_PRIVATE_ROOT", str(VAR_DIR / "private"))
# Behind nginx: the internal location that serves PRIVATE_MEDIA_ROOT (e.g. /_private/); empty, Django streams files.
TAMYR_PRIVATE_ACCEL_PREFIX = env_str("TAMYR_PRIVATE_ACCEL_PREFIX", "")
# Uploaded import files and their reports are deleted this many days after the import (`tamyr purge_files`).
TAMYR_FILE_RETENTION_DAYS = env_int("TAMYR_FILE_RETENTION_DAYS", 30)
# Size limits of upload fields, by policy name (tamyr.core.uploads), e.g. {"people_import": 100 * 1024 * 1024};
# unset, each field keeps its own (logos 2 MB, banners 5 MB, photos 15 MB, answers 10 MB, materials 25 MB,
# people imports 50 MB).
TAMYR_UPLOAD_LIMITS: dict[str, int] = {}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- E-mail: console by default, a folder of .eml files or SMTP when configured -----
EMAIL_MODE = env_str("TAMYR_EMAIL", "console")
_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "memory": "django.core.mail.backends.locmem.EmailBackend",
}
# Mail leaves through the task queue so a slow mail server never holds up a page.
EMAIL_BACKEND = "tamyr.core.mail.QueuedEmailBackend"
TAMYR_DELIVERY_EMAIL_BACKEND = _EMAIL_BACKENDS.get(EMAIL_MODE, _EMAIL_BACKENDS["console"])
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Tamyr <no-reply@tamyr.local>")

# --- Task queue: Huey on SQLite by default, on Redis across machines ----------
# SIGTERM (systemctl stop/restart) stops the worker gracefully: running jobs checkpoint between items and hand
# themselves back (tamyr.core.worker, tamyr.core.jobs); after TAMYR_WORKER_SHUTDOWN_TIMEOUT seconds (keep it below
# systemd's TimeoutStopSec, 90 s) the worker exits anyway and the jobs' leases let the next worker take over.
HUEY = {
    "name": env_str("TAMYR_TASK_QUEUE", "tamyr"),  # a queue of its own on a shared Redis (benchmarks)
    "immediate": env_bool("TAMYR_TASKS_IMMEDIATE", False),
    "consumer": {
        "workers": env_int("TAMYR_WORKERS", 2),
        # "process" gives each worker its own interpreter: sending mailings is CPU-bound Python (bench/mailing.py)
        "worker_type": env_str("TAMYR_WORKER_TYPE", "thread"),
        "graceful_signal": "TERM",
        "shutdown_timeout": env_int("TAMYR_WORKER_SHUTDOWN_TIMEOUT", 60),
    },
}
if REDIS_URL:
    HUEY.update({"huey_class": "tamyr.core.worker.RedisHuey", "url": REDIS_URL})
else:
    HUEY.update({"huey_class": "tamyr.core.worker.SqliteHuey", "filename": str(VAR_DIR / "tasks.sqlite3")})
# A job's lease (tamyr.core.jobs): a killed worker's job is taken over this long after its last step began.
TAMYR_JOB_LEASE_SECONDS = env_int("TAMYR_JOB_LEASE_SECONDS", 120)

# Mailings (tamyr/content/delivery.py, docs/decisions/0032): messages claimed per batch; after how long a claim is a
# dead worker's (a live worker stops sending its batch at half of it); when a deferred message is retried and how
# often; how many sending chains a campaign runs; the provider's limit in messages per second (0: none); the shared
# secret of the bounce webhook (empty: the webhook answers 403); an address that processes unsubscribe e-mails.
TAMYR_MAILING_BATCH = env_int("TAMYR_MAILING_BATCH", 200)
TAMYR_MAILING_CLAIM_SECONDS = env_int("TAMYR_MAILING_CLAIM_SECONDS", 300)
TAMYR_MAILING_RETRY_SECONDS = env_int("TAMYR_MAILING_RETRY_SECONDS", 600)
TAMYR_MAILING_MAX_ATTEMPTS = env_int("TAMYR_MAILING_MAX_ATTEMPTS", 5)
TAMYR_MAILING_PARALLEL = env_int("TAMYR_MAILING_PARALLEL", 2)
TAMYR_MAILING_PROVIDER_RATE = env_int("TAMYR_MAILING_PROVIDER_RATE", 0)
TAMYR_BOUNCE_WEBHOOK_SECRET = env_str("TAMYR_BOUNCE_WEBHOOK_SECRET")
TAMYR_MAILING_UNSUBSCRIBE_MAILTO = env_str("TAMYR_MAILING_UNSUBSCRIBE_MAILTO")

# --- Accounts (django-allauth) ----------------------------------------------
SITE_ID = 1
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env_str("TAMYR_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
# Failed sign-ins: the key is the account *and* the client's address (tamyr.accounts.adapter), so wrong passwords
# typed elsewhere never lock an account for its owner; per address, 10 a minute and 30 an hour across all accounts,
# so one address cannot try many accounts either (docs/decisions/0011).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,30/h/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_ADAPTER = "tamyr.accounts.adapter.AccountAdapter"
# Sign-up asks for the name as the person writes it (and in Latin letters, optionally); allauth names accounts by it.
ACCOUNT_SIGNUP_FORM_CLASS = "tamyr.accounts.forms.SignupNameForm"
ACCOUNT_USER_DISPLAY = "tamyr.accounts.adapter.user_display"
# The confirmation link opened in the browser that signed up signs the person in and returns them to the `next`
# they came with (allauth does this only for the session that signed up, so a leaked link signs nobody in).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "tamyr.accounts.mfa.MFAAdapter"
MFA_TOTP_ISSUER = "Tamyr"
TAMYR_REQUIRE_STAFF_MFA = env_bool("TAMYR_REQUIRE_STAFF_MFA", True)

# How many learners `tamyr demo` generates (tamyr.learning.demo.LEARNERS when unset); fewer make a quicker demo.
if env_str("TAMYR_DEMO_LEARNERS"):
    TAMYR_DEMO_LEARNERS = env_int("TAMYR_DEMO_LEARNERS", 0)

# --- API -------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tamyr.accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "tamyr.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "tamyr.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "tamyr.api.exceptions.exception_handler",
    # per signed-in user, and per IP address for the anonymous; 429 with Retry-After (docs/decisions/0011)
    "DEFAULT_THROTTLE_CLASSES": ["tamyr.api.throttling.AnonThrottle", "tamyr.api.throttling.UserThrottle"],
    "NUM_PROXIES": TRUSTED_PROXIES,
}
# Requests per user (signed in) and per IP address (anonymous); read on every request. An empty value turns that
# throttle off (load tests; a deployment that throttles at its proxy instead).
TAMYR_API_THROTTLE_RATES = {
    "anon": env_str("TAMYR_API_ANON_RATE", "600/min") or None,
    "user": env_str("TAMYR_API_USER_RATE", "3000/min") or None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tamyr API",
    "DESCRIPTION": (
        "The diaspora network: countries, organizations, networks and people. Organizations and networks can also "
        "be loaded from network files (`tamyr load`), whose JSON Schema is at /api/v1/network-file/schema.json."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    # fields named "kind" and "status" mean different choices on different models: name each set of choices
    "ENUM_NAME_OVERRIDES": {
        "OrganizationKindEnum": "tamyr.registry.models.OrganizationKind",
        "EventKindEnum": "tamyr.events.models.EventKind",
        "SessionKindEnum": "tamyr.events.models.SessionKind",
        "QuestionKindEnum": "tamyr.events.models.QuestionKind",
        "EventStatusEnum": "tamyr.events.models.EventStatus",
        "RegistrationStatusEnum": "tamyr.events.models.RegistrationStatus",
        "CourseFormatEnum": "tamyr.learning.models.CourseFormat",
        "CourseLevelEnum": "tamyr.learning.models.Level",
        "EnrollmentStatusEnum": "tamyr.learning.models.EnrollmentStatus",
        "QuizQuestionKindEnum": "tamyr.learning.models.QuestionKind",
        "CallKindEnum": "tamyr.calls.models.CallKind",
        "CallStatusEnum": "tamyr.calls.models.CallStatus",
        "ApplicationStatusEnum": "tamyr.calls.models.ApplicationStatus",
        "OutcomeStatusEnum": "tamyr.calls.models.OutcomeStatus",
        "AwardStatusEnum": "tamyr.calls.models.AwardStatus",
        "TrancheStatusEnum": "tamyr.calls.models.TrancheStatus",
        "AwardReportStatusEnum": "tamyr.calls.models.ReportStatus",
        "PlanStatusEnum": "tamyr.cooperation.models.PlanStatus",
        "PlanVersionStatusEnum": "tamyr.cooperation.models.VersionStatus",
        "SignOffDecisionEnum": "tamyr.cooperation.models.Decision",
        "MeasureStatusEnum": "tamyr.cooperation.models.MeasureStatus",
        "ReportedValueStatusEnum": "tamyr.cooperation.models.ValueStatus",
        "ProjectKindEnum": "tamyr.cooperation.models.ProjectKind",
        "ProjectStatusEnum": "tamyr.cooperation.models.ProjectStatus",
        "PartnerRoleEnum": "tamyr.cooperation.models.PartnerRole",
        "MediaKindEnum": "tamyr.cooperation.models.MediaKind",
        "PracticeThemeEnum": "tamyr.cooperation.models.PracticeTheme",
        "PracticeStatusEnum": "tamyr.cooperation.models.PracticeStatus",
        "LearnRequestStatusEnum": "tamyr.cooperation.models.LearnStatus",
        "MembershipRoleEnum": "tamyr.registry.models.MembershipRole",
        "ContentStatusEnum": "tamyr.content.models.EntryStatus",
        "ContentKindEnum": "tamyr.content.models.EntryKind",
        "ContentLanguageEnum": "tamyr.content.api.serializers.LANGUAGE_CHOICES",
        "CampaignStatusEnum": "tamyr.content.models.CampaignStatus",
    },
}

# --- Security (tightened further in production.py) -------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # lesson videos: YouTube (privacy-enhanced mode) and Vimeo players, and video files from any https host
        "frame-src": ["https://www.youtube-nocookie.com", "https://www.youtube.com", "https://player.vimeo.com"],
        "media-src": ["'self'", "https:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("TAMYR_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "huey": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
