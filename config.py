"""Configuration classes; every value comes from an environment variable.

`APP_ENV` picks the class: development, testing or production (the default, so a
forgotten setting fails closed). `.env.example` lists every variable.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent

INSECURE_SECRETS = {"", "dev", "change-me", "changeme", "secret", "dev-secret-key-change-me"}
MIN_SECRET_LENGTH = 32
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


# Every reader treats an empty variable as unset, so `NAME=` in a .env file means "the default".
def _str(name: str, default: str = "") -> str:
    value = os.environ.get(name, "")
    return value if value.strip() else default


def _bool(name: str, default: bool = False) -> bool:
    value = _str(name).strip().lower()
    if not value:
        return default
    if value not in TRUE_WORDS | FALSE_WORDS:
        raise RuntimeError(f"{name} must be true or false, not {value!r}")
    return value in TRUE_WORDS


def _int(name: str, default: int) -> int:
    value = _str(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise RuntimeError(f"{name} must be a whole number, not {value!r}") from None


def _float(name: str, default: float) -> float:
    value = _str(name)
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        raise RuntimeError(f"{name} must be a number, not {value!r}") from None


def _path(name: str, default: Path) -> Path:
    """An absolute path; a relative one is taken from the project folder, not the current directory."""
    value = _str(name).strip()
    path = Path(value).expanduser() if value else default
    return path if path.is_absolute() else (BASE_DIR / path).resolve()


def _cookie_secure(name: str, default: bool | str) -> bool | str:
    """true, false or auto (Secure exactly when the request came over HTTPS, see app/core/cookies.py)."""
    value = _str(name).strip().lower()
    if not value:
        return default
    if value == "auto":
        return "auto"
    return _bool(name)


def _base_url() -> str:
    """BASE_URL, else the address `flask run` serves on (FLASK_RUN_HOST / FLASK_RUN_PORT, as `make run` sets)."""
    host = _str("FLASK_RUN_HOST", "127.0.0.1")
    if host in {"0.0.0.0", "::"}:  # noqa: S104 (every interface: links still need one address)
        host = "127.0.0.1"
    return _str("BASE_URL", f"http://{host}:{_int('FLASK_RUN_PORT', 5000)}").rstrip("/")


_INSTANCE = _path("INSTANCE_PATH", BASE_DIR / "instance")


def _database_url() -> str:
    url = _str("DATABASE_URL")
    if url.startswith("postgres://"):  # the scheme some hosts still hand out
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url or f"sqlite:///{_INSTANCE / 'ats.db'}"


class Config:
    ENV_NAME = "production"
    SECRET_KEY = _str("SECRET_KEY")
    JWT_SECRET_KEY = _str("JWT_SECRET_KEY") or None
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # A pooled connection idle longer than this is pinged before use (app/db_pool.py).
    DATABASE_PING_AFTER_IDLE_SECONDS = _float("DATABASE_PING_AFTER_IDLE_SECONDS", 5)
    REDIS_URL = _str("REDIS_URL", "")
    REDIS_KEY_PREFIX = _str("REDIS_KEY_PREFIX", "ats:")
    INSTANCE_DIR = str(_INSTANCE)
    UPLOAD_DIR = str(_path("UPLOAD_DIR", _INSTANCE / "uploads"))
    # Storage: where uploaded files live. "local" keeps them in UPLOAD_DIR (one web
    # host); "database" keeps them in the stored_files table, so every web host
    # sharing the database serves them (app/core/storage/).
    STORAGE_BACKEND = _str("STORAGE_BACKEND", "local").strip().lower()
    MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 6 * 1024 * 1024)
    RESUME_MAX_BYTES = _int("RESUME_MAX_BYTES", 5 * 1024 * 1024)
    # Candidate imports (app/services/candidate_imports.py): the CSV's size and rows, the ZIP of resumes
    # (its upload size, entries and unpacked size). Only the import's upload may exceed MAX_CONTENT_LENGTH.
    CANDIDATE_IMPORT_MAX_BYTES = _int("CANDIDATE_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
    CANDIDATE_IMPORT_MAX_ROWS = _int("CANDIDATE_IMPORT_MAX_ROWS", 100_000)
    CANDIDATE_IMPORT_ZIP_UPLOAD_BYTES = _int("CANDIDATE_IMPORT_ZIP_UPLOAD_BYTES", 200 * 1024 * 1024)
    CANDIDATE_IMPORT_ZIP_MAX_ENTRIES = _int("CANDIDATE_IMPORT_ZIP_MAX_ENTRIES", 5000)
    CANDIDATE_IMPORT_ZIP_MAX_BYTES = _int("CANDIDATE_IMPORT_ZIP_MAX_BYTES", 1024 * 1024 * 1024)
    # Runs of one import that may fail (raise) before it is marked failed; the sweep retries every 10 minutes.
    CANDIDATE_IMPORT_MAX_ATTEMPTS = _int("CANDIDATE_IMPORT_MAX_ATTEMPTS", 5)
    # argon2id parameters (RFC 9106 second recommended option by default).
    ARGON2_TIME_COST = _int("ARGON2_TIME_COST", 3)
    ARGON2_MEMORY_COST = _int("ARGON2_MEMORY_COST", 65536)
    ARGON2_PARALLELISM = _int("ARGON2_PARALLELISM", 4)
    # Anyone may create a company through POST /api/v1/companies: off for a self-hosted
    # server (companies come from `flask create-company`), on in development for the demo.
    PUBLIC_COMPANY_SIGNUP = _bool("PUBLIC_COMPANY_SIGNUP", False)
    # Reverse proxies in front of the app (0: none). Their X-Forwarded-* headers
    # are trusted only then, so rate limits count real client addresses.
    PROXY_FIX_HOPS = _int("PROXY_FIX_HOPS", 0)
    # Anonymous public job search answers kept in Redis (app/public_cache.py); 0 turns it off.
    PUBLIC_CACHE_SECONDS = _int("PUBLIC_CACHE_SECONDS", 60)
    # How long the person who moved an application may undo the move (seconds).
    UNDO_WINDOW_SECONDS = _int("UNDO_WINDOW_SECONDS", 600)
    # How long an API POST's Idempotency-Key and its first answer are kept (a retry gets that answer).
    IDEMPOTENCY_TTL_SECONDS = _int("IDEMPOTENCY_TTL_SECONDS", 24 * 3600)
    # A claim still running after this long belongs to a request that died before writing: it may run again.
    IDEMPOTENCY_LOCK_SECONDS = _int("IDEMPOTENCY_LOCK_SECONDS", 60)
    # The most applications one bulk action may name.
    BULK_MAX = _int("BULK_MAX", 500)
    PUBLIC_CACHE_MAX_ENTRIES = _int("PUBLIC_CACHE_MAX_ENTRIES", 500)
    PUBLIC_CACHE_MAX_BYTES = _int("PUBLIC_CACHE_MAX_BYTES", 128 * 1024)
    # The calling user's row kept in Redis for API calls (app/identity_cache.py); 0 turns it off.
    IDENTITY_CACHE_SECONDS = _int("IDENTITY_CACHE_SECONDS", 300)
    # Hiring reports kept in Redis until the company's data changes (app/report_cache.py); 0 turns it off.
    REPORT_CACHE_SECONDS = _int("REPORT_CACHE_SECONDS", 300)
    REPORT_CACHE_MAX_ENTRIES = _int("REPORT_CACHE_MAX_ENTRIES", 200)  # per company and generation
    REPORT_CACHE_MAX_BYTES = _int("REPORT_CACHE_MAX_BYTES", 256 * 1024)
    PAGE_SIZE_DEFAULT = 20
    PAGE_SIZE_MAX = 100
    # Mail
    MAIL_DEFAULT_SENDER = _str("MAIL_DEFAULT_SENDER", "ATS <no-reply@localhost>")
    MAIL_BACKEND = _str("MAIL_BACKEND", "smtp")  # smtp | file | memory (tests)
    MAIL_QUEUE = _str("MAIL_QUEUE", "mail")  # the RQ queue is REDIS_KEY_PREFIX + MAIL_QUEUE
    SMTP_HOST = _str("SMTP_HOST", "localhost")
    SMTP_PORT = _int("SMTP_PORT", 25)
    SMTP_USERNAME = _str("SMTP_USERNAME", "")
    SMTP_PASSWORD = _str("SMTP_PASSWORD", "")
    SMTP_STARTTLS = _bool("SMTP_STARTTLS", False)
    SMTP_SSL = _bool("SMTP_SSL", False)
    SMTP_TIMEOUT = _int("SMTP_TIMEOUT", 10)
    # Kept SMTP connections: messages per connection (1: a new one each time), idle limit.
    SMTP_MAX_MESSAGES_PER_CONNECTION = _int("SMTP_MAX_MESSAGES_PER_CONNECTION", 100)
    SMTP_MAX_IDLE_SECONDS = _int("SMTP_MAX_IDLE_SECONDS", 30)
    MAIL_MAX_ATTEMPTS = _int("MAIL_MAX_ATTEMPTS", 5)
    MAIL_RETRY_INTERVALS = _str("MAIL_RETRY_INTERVALS", "10,30,60,90")  # seconds between attempts
    # Interviewers are reminded this many minutes before an interview (0: no reminder).
    INTERVIEW_REMINDER_MINUTES = _int("INTERVIEW_REMINDER_MINUTES", 24 * 60)
    MAIL_SWEEP_INTERVAL = _int("MAIL_SWEEP_INTERVAL", 60)  # how often the worker re-enqueues stragglers
    MAIL_SWEEP_GRACE = _int("MAIL_SWEEP_GRACE", 120)  # pending and untouched this long: re-enqueue
    # Candidate search: how often the sweep indexes what no job did, and how long it leaves a change to its job.
    SEARCH_SWEEP_INTERVAL = _int("SEARCH_SWEEP_INTERVAL", 60)
    SEARCH_SWEEP_GRACE = _int("SEARCH_SWEEP_GRACE", 30)
    # Duplicate candidates: the pass that compares records changed since it last ran (nightly by default),
    # and how many days a merge can be undone.
    DUPLICATES_INTERVAL = _int("DUPLICATES_INTERVAL", 24 * 3600)
    MERGE_UNDO_DAYS = _int("MERGE_UNDO_DAYS", 30)
    # How long the link to a candidate's own data export works (and the ZIP is kept).
    DATA_EXPORT_DAYS = _int("DATA_EXPORT_DAYS", 7)
    # Rejection emails wait this long (seconds) before they go out: a rejection at 2 a.m. or by a
    # mis-click can still be undone or cancelled. 0 sends them at once.
    MAIL_REJECTION_DELAY = _int("MAIL_REJECTION_DELAY", 2 * 3600)
    # Replies: mail about an application carries Reply-To reply+<token>@MAIL_REPLY_DOMAIN (empty: no
    # Reply-To, and the receiver refuses every recipient). The receiver (`python worker.py inbound`)
    # listens on MAIL_INBOUND_HOST:MAIL_INBOUND_PORT and refuses messages above MAIL_INBOUND_MAX_BYTES.
    MAIL_REPLY_DOMAIN = _str("MAIL_REPLY_DOMAIN", "")
    MAIL_INBOUND_HOST = _str("MAIL_INBOUND_HOST", "127.0.0.1")
    MAIL_INBOUND_PORT = _int("MAIL_INBOUND_PORT", 2525)
    MAIL_INBOUND_MAX_BYTES = _int("MAIL_INBOUND_MAX_BYTES", 10 * 1024 * 1024)
    # The daily digest (staff, opt-out): sent from this hour on (UTC), at most once in 20 hours, checked
    # every DIGEST_INTERVAL seconds (0 turns it off); "waiting" = in a non-final stage this many days.
    DIGEST_HOUR = _int("DIGEST_HOUR", 8)
    DIGEST_WAITING_DAYS = _int("DIGEST_WAITING_DAYS", 3)
    DIGEST_INTERVAL = _int("DIGEST_INTERVAL", 3600)
    BASE_URL = _base_url()
    # Web sessions
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # true, false or auto: Secure exactly when the request came over HTTPS (behind a
    # TLS proxy, PROXY_FIX_HOPS makes its X-Forwarded-Proto count). app/core/cookies.py
    SESSION_COOKIE_SECURE = _cookie_secure("SESSION_COOKIE_SECURE", "auto")
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = _cookie_secure("REMEMBER_COOKIE_SECURE", "auto")
    PERMANENT_SESSION_LIFETIME = _int("SESSION_LIFETIME_SECONDS", 8 * 3600)
    BOOTSTRAP_SERVE_LOCAL = True
    WTF_CSRF_TIME_LIMIT = None
    # Rate limits
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    # Off: app/core/rate_limits.inject_headers writes them (never over another answer's Retry-After).
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_RATE_LIMIT = _str("LOGIN_RATE_LIMIT", "10 per minute")
    # Failed sign-ins per account (web and API together), then refused until the window moves on.
    ACCOUNT_LOGIN_FAILURE_LIMIT = _str("ACCOUNT_LOGIN_FAILURE_LIMIT", "10 per 15 minutes")
    # Wrong current passwords on the change-password form, per account.
    PASSWORD_CHANGE_FAILURE_LIMIT = _str("PASSWORD_CHANGE_FAILURE_LIMIT", "5 per 15 minutes")
    # Sign-ups per client address (web and API together): each one costs an argon2 hash.
    REGISTER_RATE_LIMIT = _str("REGISTER_RATE_LIMIT", "10 per hour")
    # Applying, per network address and per applicant email (guests and signed-in candidates alike).
    APPLY_RATE_LIMIT_IP = _str("APPLY_RATE_LIMIT_IP", "30 per hour")
    APPLY_RATE_LIMIT_EMAIL = _str("APPLY_RATE_LIMIT_EMAIL", "5 per hour")
    # The audit log: rows are sealed into their company's HMAC chain this often (seconds). The key of
    # the chain defaults to one derived from SECRET_KEY; set AUDIT_HMAC_KEY to keep it apart.
    AUDIT_SEAL_INTERVAL = _int("AUDIT_SEAL_INTERVAL", 60)
    AUDIT_HMAC_KEY = _str("AUDIT_HMAC_KEY") or None
    # Record every staff view of a candidate profile (page and API) in the audit log.
    AUDIT_PROFILE_VIEWS = _bool("AUDIT_PROFILE_VIEWS", False)
    # Retention policies run this often (seconds; 0 turns the schedule off), anonymising everyone due in
    # batches of RETENTION_BATCH candidates (a transaction each); the admin page previews at most
    # RETENTION_PREVIEW_LIMIT.
    RETENTION_INTERVAL = _int("RETENTION_INTERVAL", 86400)
    RETENTION_BATCH = _int("RETENTION_BATCH", 500)
    RETENTION_PREVIEW_LIMIT = _int("RETENTION_PREVIEW_LIMIT", 500)
    # Every API request, per credential (an API key or a token) and per client address.
    API_RATE_LIMIT = _str("API_RATE_LIMIT", "600 per minute")
    API_ADDRESS_RATE_LIMIT = _str("API_ADDRESS_RATE_LIMIT", "1200 per minute")
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
    # Operations: logs, health, metrics, the periodic tick (README "Running in production").
    LOG_FORMAT = (os.environ.get("LOG_FORMAT") or "text").strip().lower()  # text | json
    LOG_LEVEL = os.environ.get("LOG_LEVEL") or "INFO"
    LOG_REQUESTS = _bool("LOG_REQUESTS", True)  # one line per request: method, route pattern, status, time
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")  # empty: /metrics only from private addresses
    READYZ_REQUIRE_WORKER = _bool("READYZ_REQUIRE_WORKER", True)  # with Redis, /readyz wants a worker heartbeat
    READYZ_WORKER_MAX_AGE = _int("READYZ_WORKER_MAX_AGE", 120)  # seconds
    TICK_INTERVAL = _int("TICK_INTERVAL", 10)  # seconds between the clock's ticks
    # Webhooks (app/webhooks/): URLs must be https and resolve to public addresses; WEBHOOK_ALLOW_HTTP
    # allows http (development), WEBHOOK_ALLOWED_HOSTS (comma-separated host names or CIDR ranges)
    # allows listed internal hosts. Failed attempts are retried after WEBHOOK_RETRY_SCHEDULE (seconds,
    # about a day in all); WEBHOOK_DISABLE_AFTER failures in a row disable the endpoint.
    WEBHOOK_ALLOW_HTTP = _bool("WEBHOOK_ALLOW_HTTP", False)
    WEBHOOK_ALLOWED_HOSTS = _str("WEBHOOK_ALLOWED_HOSTS", "")
    WEBHOOK_TIMEOUT = _float("WEBHOOK_TIMEOUT", 10.0)
    WEBHOOK_RETRY_SCHEDULE = _str("WEBHOOK_RETRY_SCHEDULE", "10,60,300,900,1800,3600,7200,21600,50400")
    WEBHOOK_DISABLE_AFTER = _int("WEBHOOK_DISABLE_AFTER", 30)
    # Signing secrets are stored encrypted with this key (required in production; in development and
    # tests one derived from SECRET_KEY). To rotate: the new key here, the old one in
    # WEBHOOK_SECRET_OLD_KEYS (comma-separated, still read), then `flask webhooks reencrypt`.
    WEBHOOK_SECRET_KEY = _str("WEBHOOK_SECRET_KEY") or None
    WEBHOOK_SECRET_OLD_KEYS = _str("WEBHOOK_SECRET_OLD_KEYS", "")
    WEBHOOK_DUE_INTERVAL = _int("WEBHOOK_DUE_INTERVAL", 30)  # how often the clock hands on due deliveries
    EVENT_RETENTION_DAYS = _int("EVENT_RETENTION_DAYS", 30)  # the feed and delivery log keep this long

    @classmethod
    def check(cls, config: dict) -> None:
        """Refuse to start in production with missing or weak secrets."""
        for key in ("SECRET_KEY", "JWT_SECRET_KEY", "WEBHOOK_SECRET_KEY"):
            value = config.get(key) or ""
            if value.lower() in INSECURE_SECRETS or len(value) < MIN_SECRET_LENGTH:
                raise RuntimeError(
                    f"{key} is missing, a known default or shorter than {MIN_SECRET_LENGTH} "
                    f"characters; set it in the environment (for example: "
                    f'python -c "import secrets; print(secrets.token_urlsafe(48))").'
                )


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    SECRET_KEY = _str("SECRET_KEY", "dev-secret-key-change-me")
    JWT_SECRET_KEY = _str("JWT_SECRET_KEY", "dev-jwt-secret-key-change-me-please")
    SESSION_COOKIE_SECURE = _cookie_secure("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_SECURE = _cookie_secure("REMEMBER_COOKIE_SECURE", False)
    PUBLIC_COMPANY_SIGNUP = _bool("PUBLIC_COMPANY_SIGNUP", True)
    MAIL_BACKEND = _str("MAIL_BACKEND", "file")

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
    # The suite makes thousands of API calls from one address; tests of the API limits set their own.
    API_RATE_LIMIT = "100000 per minute"
    API_ADDRESS_RATE_LIMIT = "100000 per minute"


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
