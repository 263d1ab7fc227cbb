"""Configuration classes; every value comes from an environment variable.

`APP_ENV` picks the class: development, testing or production (the default, so a
forgotten setting fails closed). `.env.example` lists every variable.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
_INSTANCE = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))

INSECURE_SECRETS = {"", "dev", "change-me", "changeme", "secret", "dev-secret-key-change-me"}
MIN_SECRET_LENGTH = 32


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres://"):  # the scheme some hosts still hand out
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url or f"sqlite:///{_INSTANCE / 'ats.db'}"


class Config:
    ENV_NAME = "production"
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    JWT_SECRET_KEY = os.environ.get("JWT_SECRET_KEY", "") or None
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # A pooled connection idle longer than this is pinged before use (app/db_pool.py).
    DATABASE_PING_AFTER_IDLE_SECONDS = float(os.environ.get("DATABASE_PING_AFTER_IDLE_SECONDS") or 5)
    REDIS_URL = os.environ.get("REDIS_URL", "")
    REDIS_KEY_PREFIX = os.environ.get("REDIS_KEY_PREFIX", "ats:")
    INSTANCE_DIR = str(_INSTANCE)
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(_INSTANCE / "uploads"))
    MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 6 * 1024 * 1024)
    RESUME_MAX_BYTES = _int("RESUME_MAX_BYTES", 5 * 1024 * 1024)
    # argon2id parameters (RFC 9106 second recommended option by default).
    ARGON2_TIME_COST = _int("ARGON2_TIME_COST", 3)
    ARGON2_MEMORY_COST = _int("ARGON2_MEMORY_COST", 65536)
    ARGON2_PARALLELISM = _int("ARGON2_PARALLELISM", 4)
    PUBLIC_COMPANY_SIGNUP = _bool("PUBLIC_COMPANY_SIGNUP", True)
    # Reverse proxies in front of the app (0: none). Their X-Forwarded-* headers
    # are trusted only then, so rate limits count real client addresses.
    PROXY_FIX_HOPS = _int("PROXY_FIX_HOPS", 0)
    # Anonymous public job search answers kept in Redis (app/public_cache.py); 0 turns it off.
    PUBLIC_CACHE_SECONDS = _int("PUBLIC_CACHE_SECONDS", 60)
    PUBLIC_CACHE_MAX_ENTRIES = _int("PUBLIC_CACHE_MAX_ENTRIES", 500)
    PUBLIC_CACHE_MAX_BYTES = _int("PUBLIC_CACHE_MAX_BYTES", 128 * 1024)
    PAGE_SIZE_DEFAULT = 20
    PAGE_SIZE_MAX = 100
    # Mail
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "ATS <no-reply@localhost>")
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")  # smtp | file | memory (tests)
    MAIL_QUEUE = os.environ.get("MAIL_QUEUE", "mail")  # the RQ queue is REDIS_KEY_PREFIX + MAIL_QUEUE
    SMTP_HOST = os.environ.get("SMTP_HOST", "localhost")
    SMTP_PORT = _int("SMTP_PORT", 25)
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SMTP_STARTTLS = _bool("SMTP_STARTTLS", False)
    SMTP_SSL = _bool("SMTP_SSL", False)
    SMTP_TIMEOUT = _int("SMTP_TIMEOUT", 10)
    # Kept SMTP connections: messages per connection (1: a new one each time), idle limit.
    SMTP_MAX_MESSAGES_PER_CONNECTION = _int("SMTP_MAX_MESSAGES_PER_CONNECTION", 100)
    SMTP_MAX_IDLE_SECONDS = _int("SMTP_MAX_IDLE_SECONDS", 30)
    MAIL_MAX_ATTEMPTS = _int("MAIL_MAX_ATTEMPTS", 5)
    MAIL_RETRY_INTERVALS = os.environ.get("MAIL_RETRY_INTERVALS", "10,30,60,90")  # seconds between attempts
    MAIL_SWEEP_INTERVAL = _int("MAIL_SWEEP_INTERVAL", 60)  # how often the worker re-enqueues stragglers
    MAIL_SWEEP_GRACE = _int("MAIL_SWEEP_GRACE", 120)  # pending and untouched this long: re-enqueue
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    # Web sessions
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = True
    PERMANENT_SESSION_LIFETIME = _int("SESSION_LIFETIME_SECONDS", 8 * 3600)
    BOOTSTRAP_SERVE_LOCAL = True
    WTF_CSRF_TIME_LIMIT = None
    # Rate limits
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    # Applying, per network address and per applicant email (guests and signed-in candidates alike).
    APPLY_RATE_LIMIT_IP = os.environ.get("APPLY_RATE_LIMIT_IP", "30 per hour")
    APPLY_RATE_LIMIT_EMAIL = os.environ.get("APPLY_RATE_LIMIT_EMAIL", "5 per hour")
    # JWT
    JWT_ACCESS_TOKEN_EXPIRES = _int("JWT_ACCESS_TOKEN_EXPIRES", 900)
    JWT_REFRESH_TOKEN_EXPIRES = _int("JWT_REFRESH_TOKEN_EXPIRES", 30 * 24 * 3600)
    # OpenAPI
    API_TITLE = "ATS API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    # The document at /api/v1/openapi.json (the docs page, /api/docs, is the API's own).
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "v1/openapi.json"

    @classmethod
    def check(cls, config: dict) -> None:
        """Refuse to start in production with missing or weak secrets."""
        for key in ("SECRET_KEY", "JWT_SECRET_KEY"):
            value = config.get(key) or ""
            if value.lower() in INSECURE_SECRETS or len(value) < MIN_SECRET_LENGTH:
                raise RuntimeError(
                    f"{key} is missing, a known default or shorter than {MIN_SECRET_LENGTH} "
                    f"characters; set it in the environment (for example: "
                    f'python -c "import secrets; print(secrets.token_urlsafe(48))").'
                )


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-secret-key-change-me"
    JWT_SECRET_KEY = os.environ.get("JWT_SECRET_KEY") or "dev-jwt-secret-key-change-me-please"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "file")

    @classmethod
    def check(cls, config: dict) -> None:
        return None


class TestingConfig(DevelopmentConfig):
    ENV_NAME = "testing"
    TESTING = True
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = True
    # Cheap hashes keep the suite fast; production parameters are untouched.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    ARGON2_PARALLELISM = 1
    MAIL_BACKEND = "smtp"
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"


class ProductionConfig(Config):
    pass


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None = None) -> type[Config]:
    name = (name or os.environ.get("APP_ENV") or "production").strip().lower()
    if name not in CONFIGS:
        raise RuntimeError(f"APP_ENV must be one of {', '.join(CONFIGS)}, not {name!r}")
    return CONFIGS[name]
