"""Settings, all from the environment (see .env.example for every variable)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():  # `NAME=` in an env file means "the default", as if unset
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_pool() -> dict[str, object]:
    """A fixed pool of DB_POOL_SIZE connections per process (Django's, psycopg_pool), for the web processes: Django
    under ASGI runs each request on a thread of its own, so a persistent connection (CONN_MAX_AGE) would be one per
    request thread, never reused; without a pool each request opened one (4-15 ms and cold catalogue caches).
    `python -m migration_platform.web` sets it; Celery workers fork and keep one connection each, without."""
    size = int(env("DB_POOL_SIZE", "0"))
    return {"pool": {"min_size": size, "max_size": size, "timeout": 30}} if size else {}


def database_from_url(url: str) -> dict[str, object]:
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise ValueError(f"DATABASE_URL must be a postgres:// URL, got {parsed.scheme!r}")
    return {
        "ENGINE": "django_tenants.postgresql_backend",
        "NAME": unquote(parsed.path.lstrip("/")) or "migration_platform",
        "USER": unquote(parsed.username or "postgres"),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": unquote(parsed.hostname or "127.0.0.1"),
        "PORT": str(parsed.port or 5432),
        "CONN_MAX_AGE": int(env("DB_CONN_MAX_AGE", "0")),
        # JIT compilation pays off for long analytical queries, not for a page's: a list whose estimated cost
        # crossed jit_above_cost spent 30 ms compiling to run for 10 ms.
        "OPTIONS": {"options": "-c jit=off", **database_pool()},
    }


DEBUG = env_bool("DJANGO_DEBUG", False)
# The fallback key is for development and tests only; production sets DJANGO_SECRET_KEY. Its `django-insecure-`
# prefix makes `manage.py check --deploy` warn when it is left in place.
SECRET_KEY = env("DJANGO_SECRET_KEY", "django-insecure-development-key-set-DJANGO_SECRET_KEY-in-production")

BASE_DOMAIN = env("BASE_DOMAIN", "localhost")
SITE_SCHEME = env("SITE_SCHEME", "http")
SITE_PORT = env("SITE_PORT", "8000")
ALLOWED_HOSTS = [h for h in env("DJANGO_ALLOWED_HOSTS", "").split(",") if h] or [
    BASE_DOMAIN,
    f".{BASE_DOMAIN}",
    "127.0.0.1",
    "localhost",
    ".localhost",
]

SHARED_APPS = [
    "django_tenants",
    "daphne",
    "accounts",
    "tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_htmx",
    "template_partials",
    "channels",
    "migration_platform",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "engagements",
    "ai",
    "flows",
    "inventory",
    "imports",
    "assessments",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Client"
TENANT_DOMAIN_MODEL = "tenants.Domain"
# New clients are cloned from this migrated schema instead of running every migration (DESIGN.md).
TENANT_BASE_SCHEMA = "tenant_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
PUBLIC_SCHEMA_NAME = "public"
TENANT_LIMIT_SET_CALLS = True  # SET search_path only after a schema switch (all go through set_tenant/set_schema)

MIDDLEWARE = [
    "django_tenants.middleware.main.TenantMainMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "migration_platform.security.ContentSecurityPolicyMiddleware",
    "migration_platform.security.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tenants.middleware.MembershipMiddleware",
]

ROOT_URLCONF = "migration_platform.urls_tenant"
PUBLIC_SCHEMA_URLCONF = "migration_platform.urls_public"

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
                "tenants.context_processors.tenancy",
            ],
        },
    }
]

WSGI_APPLICATION = None
ASGI_APPLICATION = "migration_platform.asgi.application"

DATABASES = {"default": database_from_url(env("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/migration_platform"))}
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", "redis://127.0.0.1:6379/0")

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", "mp"),
    },
    # Counters that must not depend on the host's client (sign-in throttling): no per-schema key function.
    "platform": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", "mp") + "-platform",
    },
}

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL], "prefix": env("CHANNEL_PREFIX", "mp-asgi")},
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Tests create many users: a fast hasher there (pytest sets DJANGO_TESTING for the servers it starts too).
TESTING = env_bool("DJANGO_TESTING") or "pytest" in sys.modules
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Host-only cookies: browsers ignore Domain=localhost, so each client host signs in for itself.
SESSION_COOKIE_DOMAIN = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Served over HTTPS (SITE_SCHEME=https, not DEBUG): secure cookies, HSTS and the redirect to HTTPS are on by default.
# Behind a TLS-terminating proxy set BEHIND_TLS_PROXY=true (it must set X-Forwarded-Proto); the proxy may redirect to
# HTTPS itself (SECURE_SSL_REDIRECT=false), which `check --deploy` then reports as a warning.
HTTPS = not DEBUG and SITE_SCHEME == "https"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(365 * 24 * 3600) if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)  # clients live on subdomains
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^health$"]  # container health checks call http://127.0.0.1:8000/health
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (migration_platform/security.py): scripts and styles only from our own files, no inline
# script, no eval. connect-src 'self' covers the live pages' WebSocket on the same host.
CONTENT_SECURITY_POLICY = {
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
# Sign-in throttling (accounts/throttle.py): after this many failures within the window, per email and per client
# address, sign-in is refused until the window has passed. Counted in the cache (Redis), shared by every host.
SIGN_IN_FAILURES_PER_EMAIL = int(env("SIGN_IN_FAILURES_PER_EMAIL", "5"))
SIGN_IN_FAILURES_PER_ADDRESS = int(env("SIGN_IN_FAILURES_PER_ADDRESS", "20"))
SIGN_IN_LOCKOUT_SECONDS = int(env("SIGN_IN_LOCKOUT_SECONDS", "900"))

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "migration-platform@localhost")

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / ".data" / "staticfiles"
SERVE_STATIC = env_bool("SERVE_STATIC", True)
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / ".data" / "media")))
MEDIA_URL = "/media/"
# Upload limits: a form or JSON body (not files) up to 10 MB; files over 10 MB go to a temporary file; any request
# body over MAX_REQUEST_BYTES is refused with 413 before it is read (imports accept files up to 100 MB).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
MAX_REQUEST_BYTES = int(env("MAX_REQUEST_BYTES", str(110 * 1024 * 1024)))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["tenants.api.permissions.TenantRolePermission"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Migration platform API",
    "DESCRIPTION": "Per-client REST API: call it on the client's host (acme.localhost).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["tenants.api.permissions.TenantRolePermission"],  # members of the host's client only
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `status`; name each choice set so the schema's enums are stable and unambiguous.
    "ENUM_NAME_OVERRIDES": {
        "EngagementStatusEnum": "engagements.models.EngagementStatus",
        "FlowStatusEnum": "flows.models.FlowStatus",
        "PhaseStatusEnum": "flows.models.PhaseStatus",
        "ImportStatusEnum": "imports.models.ImportStatus",
        "RowStatusEnum": "imports.models.RowStatus",
        "AssetStatusEnum": "inventory.models.AssetStatus",
        "CriticalityEnum": "inventory.models.Criticality",
    },
}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", REDIS_URL)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", "celery")

# Flows (DESIGN.md Decisions, durability): a phase's lease lasts FLOW_LEASE_SECONDS and is renewed every
# FLOW_HEARTBEAT_SECONDS; the watchdog (every FLOW_WATCHDOG_SECONDS) retries a phase whose lease expired, waiting
# FLOW_RETRY_BACKOFF_SECONDS (doubled per attempt), and fails it after FLOW_MAX_ATTEMPTS attempts.
FLOW_LEASE_SECONDS = float(env("FLOW_LEASE_SECONDS", "30"))
FLOW_HEARTBEAT_SECONDS = float(env("FLOW_HEARTBEAT_SECONDS", "5"))
FLOW_MAX_ATTEMPTS = int(env("FLOW_MAX_ATTEMPTS", "3"))
FLOW_RETRY_BACKOFF_SECONDS = float(env("FLOW_RETRY_BACKOFF_SECONDS", "5"))
FLOW_WATCHDOG_SECONDS = float(env("FLOW_WATCHDOG_SECONDS", "15"))
CELERY_BEAT_SCHEDULE = {
    "flows-watchdog": {
        "task": "flows.watchdog",
        "schedule": FLOW_WATCHDOG_SECONDS,
        "options": {"expires": FLOW_WATCHDOG_SECONDS},  # sweeps missed while no worker ran are not worth running
    },
}

# The AI runtime (issue 3); empty model means deterministic-only.
LLM_MODEL = env("LLM_MODEL", "")
LLM_API_BASE = env("LLM_API_BASE", "https://api.deepinfra.com/v1/openai")
LLM_API_KEY = env("LLM_API_KEY", "")
LLM_TIMEOUT_SECONDS = float(env("LLM_TIMEOUT_SECONDS", "60"))
LLM_CREW_TIMEOUT_SECONDS = float(env("LLM_CREW_TIMEOUT_SECONDS", "0"))  # 0: three times LLM_TIMEOUT_SECONDS
LLM_CACHE_TTL_SECONDS = int(env("LLM_CACHE_TTL_SECONDS", str(7 * 24 * 3600)))
# The 6R crew reviews at most this many decisions per assessment, the least certain first (an LLM call each).
SIXR_CREW_MAX_APPS = int(env("SIXR_CREW_MAX_APPS", "25"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.channels.server": {"level": "WARNING"}},
}

# crewai reaches for the network and hangs at exit unless these are set before it is imported.
for _name in ("CREWAI_DISABLE_TELEMETRY", "OTEL_SDK_DISABLED"):
    os.environ.setdefault(_name, "true")
os.environ.setdefault("CREWAI_TRACING_ENABLED", "false")
os.environ.setdefault("CREWAI_DISABLE_VERSION_CHECK", "true")
