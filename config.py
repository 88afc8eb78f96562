"""Configuration classes, every value read from AWARDS_* environment variables."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("AWARDS_INSTANCE_DIR", BASE_DIR / "instance"))

INSECURE_DEFAULT_KEY = "dev-only-insecure-key-change-me"


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_int(name: str, default: int) -> int:
    value = _env(name)
    return int(value) if value is not None else default


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = _env("AWARDS_SECRET_KEY", INSECURE_DEFAULT_KEY)
    DATABASE_URL = _env("AWARDS_DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'awards.sqlite3'}")
    REDIS_URL = _env("AWARDS_REDIS_URL")
    # The job queue is not configured here: awards/jobs.py builds it from AWARDS_REDIS_URL, AWARDS_REDIS_PREFIX
    # and AWARDS_HUEY_SQLITE when it is imported, before any app exists (the consumer has none).
    UPLOAD_FOLDER = Path(_env("AWARDS_UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads")))
    OUTPUT_FOLDER = Path(_env("AWARDS_OUTPUT_FOLDER", str(INSTANCE_DIR / "output")))
    SQLITE_BUSY_TIMEOUT_MS = _env_int("AWARDS_SQLITE_BUSY_TIMEOUT_MS", 15000)
    # Where pg_dump and pg_restore of the server's major version live (default: the PATH).
    PG_BIN_DIR = _env("AWARDS_PG_BIN_DIR")

    # Evidence files: 10 MB each by default; the request cap leaves room for form fields.
    MAX_UPLOAD_BYTES = _env_int("AWARDS_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
    MAX_CONTENT_LENGTH = _env_int("AWARDS_MAX_REQUEST_BYTES", MAX_UPLOAD_BYTES + 1024 * 1024)
    PAGE_SIZE = _env_int("AWARDS_PAGE_SIZE", 25)

    LOGIN_RATE_LIMIT = _env("AWARDS_LOGIN_RATE_LIMIT", "5 per minute;30 per hour")
    # Two-factor sign-in (TOTP): required of organizers and committee chairs when on (production's default).
    REQUIRE_TOTP = _env("AWARDS_REQUIRE_TOTP", "0") not in ("0", "false", "no", "off")
    # Codes typed at the second step of signing in and on the two-factor page (failures only count).
    TOTP_RATE_LIMIT = _env("AWARDS_TOTP_RATE_LIMIT", "5 per minute;20 per hour")
    # How long the second step waits for a code after the password was accepted.
    TOTP_PENDING_SECONDS = _env_int("AWARDS_TOTP_PENDING_SECONDS", 300)
    VERIFY_RATE_LIMIT = _env("AWARDS_VERIFY_RATE_LIMIT", "30 per minute")
    # One-time set-password links: how long one stays valid, and how often one address may try them.
    PASSWORD_LINK_HOURS = _env_int("AWARDS_PASSWORD_LINK_HOURS", 72)
    PASSWORD_LINK_RATE_LIMIT = _env("AWARDS_PASSWORD_LINK_RATE_LIMIT", "20 per minute")
    RATELIMIT_STORAGE_URI = _env("AWARDS_RATELIMIT_STORAGE_URI", REDIS_URL or "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down: count in this process's memory (a logged warning) and go back to Redis once it answers.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2}
    # Every Redis key (job queue, rate limits, consumer heartbeat) starts with this, so installs can share one.
    REDIS_PREFIX = _env("AWARDS_REDIS_PREFIX", "tandis")
    RATELIMIT_KEY_PREFIX = REDIS_PREFIX

    # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted (0: none, no ProxyFix).
    TRUSTED_PROXIES = _env_int("AWARDS_TRUSTED_PROXIES", 0)
    HSTS_SECONDS = _env_int("AWARDS_HSTS_SECONDS", 365 * 24 * 3600)
    # One JSON line per request (not static files) on stdout; "0" turns it off.
    REQUEST_LOG = _env("AWARDS_REQUEST_LOG", "1") not in ("0", "false", "no", "off")
    # A running job touches its heartbeat every few seconds; older than this, its consumer is taken as dead.
    JOB_STALE_SECONDS = _env_int("AWARDS_JOB_STALE_SECONDS", 120)
    # /healthz: the job consumer's heartbeat (written every minute) may be this old at most ...
    CONSUMER_STALE_SECONDS = _env_int("AWARDS_CONSUMER_STALE_SECONDS", 180)
    # ... and the upload and output folders need this much free space.
    MIN_FREE_DISK_MB = _env_int("AWARDS_MIN_FREE_DISK_MB", 500)

    BABEL_DEFAULT_LOCALE = "fa"
    BABEL_DEFAULT_TIMEZONE = "Asia/Tehran"
    LANGUAGES = ("fa", "en")

    WTF_CSRF_TIME_LIMIT = None  # the session lifetime bounds the token; a long form must not expire mid-typing

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(days=_env_int("AWARDS_REMEMBER_DAYS", 7))
    # Server-side sessions (awards/auth/sessions.py): both limits are judged from the session's record.
    # A signed-in user idle longer than this is signed out on the next request.
    IDLE_TIMEOUT = timedelta(minutes=_env_int("AWARDS_IDLE_TIMEOUT_MINUTES", 60))
    # No session id lives longer than this, however busy (remember me then issues a new one, if ticked).
    PERMANENT_SESSION_LIFETIME = timedelta(hours=_env_int("AWARDS_SESSION_HOURS", 12))
    # A session's "last seen" is written at most this often (a write per request would be one too many).
    SESSION_TOUCH_INTERVAL = timedelta(seconds=_env_int("AWARDS_SESSION_TOUCH_SECONDS", 60))
    SESSION_REDIS_URL = REDIS_URL  # sessions live in Redis when it is configured, else in the database
    SESSION_KEY_PREFIX = "awards:session:"
    # The session cookie is set once per sign-in (it is only an id); nothing re-sends it per request.
    SESSION_REFRESH_EACH_REQUEST = False

    DEMO_PASSWORD = _env("AWARDS_DEMO_PASSWORD", "demo-pass-1404")
    # The public address printed in certificate QR codes; by default the address the request came to.
    PUBLIC_BASE_URL = _env("AWARDS_PUBLIC_BASE_URL")
    CERTIFICATE_WORKERS = _env_int("AWARDS_CERTIFICATE_WORKERS", 2)
    CERTIFICATE_CHUNK_SIZE = _env_int("AWARDS_CERTIFICATE_CHUNK_SIZE", 50)
    # A results export with more rows than this (a category's nominees plus its submitted sheets) is built by a
    # background job the page follows; smaller ones are answered at once.
    EXPORT_JOB_ROWS = _env_int("AWARDS_EXPORT_JOB_ROWS", 2000)
    # Notification mail: through this SMTP server when AWARDS_SMTP_HOST is set; otherwise each message is
    # written as an .eml file to the outbox folder (the embedded default), listed at /notifications/outbox.
    SMTP_HOST = _env("AWARDS_SMTP_HOST")
    SMTP_PORT = _env_int("AWARDS_SMTP_PORT", 587)
    SMTP_USERNAME = _env("AWARDS_SMTP_USERNAME")
    SMTP_PASSWORD = _env("AWARDS_SMTP_PASSWORD")
    SMTP_STARTTLS = _env("AWARDS_SMTP_STARTTLS", "1") not in ("0", "false", "no", "off")
    SMTP_TIMEOUT_SECONDS = _env_int("AWARDS_SMTP_TIMEOUT_SECONDS", 20)
    MAIL_FROM = _env("AWARDS_SMTP_FROM", "tandis@localhost")
    MAIL_OUTBOX_FOLDER = Path(_env("AWARDS_MAIL_OUTBOX", str(INSTANCE_DIR / "outbox")))
    HUEY_IMMEDIATE = False
    TESTING = False
    DEBUG = False
    ENV_NAME = "base"


class DevelopmentConfig(Config):
    """Local development: the embedded SQLite database and in-memory limits."""

    DEBUG = False
    ENV_NAME = "development"


class TestingConfig(Config):
    """Tests: a database per test, jobs run inline, rate limits kept on (tests reset them)."""

    TESTING = True
    ENV_NAME = "testing"
    HUEY_IMMEDIATE = True
    CERTIFICATE_WORKERS = 1
    WTF_CSRF_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    REQUEST_LOG = False
    REQUIRE_TOTP = False  # tests that need it turn it on
    SQLITE_STRICT_WRITERS = True  # a request writing outside its write transaction fails the test (awards.db)
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105  (fast hashing, tests only)


class ProductionConfig(Config):
    """Production: refuses to start without a real secret key, and sets secure cookies."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_DURATION = timedelta(days=_env_int("AWARDS_REMEMBER_DAYS", 1))
    REQUIRE_TOTP = _env("AWARDS_REQUIRE_TOTP", "1") not in ("0", "false", "no", "off")

    @staticmethod
    def validate(settings: dict) -> None:
        """Refuse to run with the development key or a short key."""
        key = settings.get("SECRET_KEY") or ""
        if key == INSECURE_DEFAULT_KEY or len(key) < 32:
            raise RuntimeError(
                "AWARDS_SECRET_KEY must be set to a random value of at least 32 characters in production"
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
