"""Configuration classes for Sportello.

Settings are layered, each layer overriding the one before:

1. the class chosen here (``development``, ``testing`` or ``production``);
2. ``instance/config.py`` in the Flask instance folder, if present;
3. environment variables: ``SECRET_KEY``, ``DATABASE_URL``, ``MAIL_*`` and
   ``SPORTELLO_*`` (converted to the type of the default value);
4. the mapping given to ``create_app(config=...)`` (tests use this).
"""

from __future__ import annotations

#: The secret key of development and tests. Production refuses to start with it.
DEFAULT_SECRET_KEY = "sportello-development-key-not-secret"  # noqa: S105  (refused in production)


class Config:
    """Defaults shared by every environment."""

    ENV_NAME = "base"
    SECRET_KEY = DEFAULT_SECRET_KEY
    #: None means "sportello.db in the instance folder" (SQLite, WAL).
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = 10_000
    #: Pages in SQLite's write-ahead log before it is copied into the database (SQLite's
    #: default is 1,000). Each copy syncs the file; fewer, larger ones write each busy
    #: page once instead of many times (the log may grow to about 40 MB).
    SQLITE_WAL_AUTOCHECKPOINT = 10_000
    #: PostgreSQL's max_parallel_workers_per_gather for the app's connections. Pages
    #: ask short queries; a parallel plan costs more to start than it saves, and its
    #: workers take the cores other requests need.
    SPORTELLO_PG_PARALLEL_WORKERS = 0

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    MAX_CONTENT_LENGTH = 50 * 1024 * 1024

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"

    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "sportello@localhost"
    MAIL_SUPPRESS_SEND = False

    #: URL prefix under which every Sportello blueprint is mounted ("" or "/support").
    SPORTELLO_URL_PREFIX = ""
    #: Languages shipped with catalogs; the first is the fallback.
    SPORTELLO_LANGUAGES = ("en", "it")
    #: Where attachments are kept; None means "uploads" in the instance folder.
    SPORTELLO_UPLOAD_FOLDER: str | None = None
    #: Largest attachment accepted, in megabytes (a field may set a lower limit).
    SPORTELLO_MAX_UPLOAD_MB = 10
    #: File name extensions accepted for attachments (a field may narrow them).
    SPORTELLO_ALLOWED_EXTENSIONS = (
        "pdf", "png", "jpg", "jpeg", "gif", "webp", "txt", "log", "csv", "eml", "zip",
        "doc", "docx", "xls", "xlsx", "odt", "ods", "p7m", "xml",
    )
    #: A customer's reply re-opens a closed ticket within this many days; later the
    #: customer is invited to open a new ticket linked to the old one. The owner can
    #: change it on the Automatic transitions page (stored in the database).
    SPORTELLO_REOPEN_DAYS = 14
    #: ISO 4217 code of the currency of rates and intervention reports.
    SPORTELLO_CURRENCY = "EUR"
    #: Days a signed ticket link in an e-mail keeps working (the owner can revoke it sooner).
    SPORTELLO_TICKET_LINK_DAYS = 30
    #: Seconds during which the queue may show counts per status taken before the latest
    #: change, when counting is slow (large databases); small ones always count afresh.
    SPORTELLO_DESK_COUNTS_MAX_AGE = 10
    #: Days an agent's activation link stays valid.
    SPORTELLO_AGENT_ACTIVATION_DAYS = 7
    #: Failed logins for one account before it is locked for a while.
    SPORTELLO_LOGIN_MAX_FAILURES = 5
    #: Failed logins from one address (any account) before the address is locked.
    SPORTELLO_LOGIN_MAX_FAILURES_PER_ADDRESS = 20
    #: Reverse proxies (nginx, a load balancer) in front of Sportello whose
    #: X-Forwarded-For, -Proto and -Host headers are trusted; 0 trusts none. Behind a
    #: proxy every request seems to come from it: lock-outs per address need this.
    SPORTELLO_TRUSTED_PROXIES = 0
    SPORTELLO_LOGIN_LOCKOUT_MINUTES = 15
    #: Werkzeug password hashing method; tests use a cheap one to stay fast.
    SPORTELLO_PASSWORD_METHOD = "scrypt"  # noqa: S105  (a method name)
    #: Plugins to enable, by name, in the order they are registered; "*" enables
    #: every plugin found (bundled, then in the folders, then installed).
    SPORTELLO_PLUGINS: tuple[str, ...] = ("*",)
    #: Folders whose sub-packages are plugins, besides the bundled plugins/ folder.
    SPORTELLO_PLUGIN_FOLDERS: tuple[str, ...] = ()
    #: Start with every plugin disabled (the core only), e.g. to get past a broken one.
    SPORTELLO_SAFE_MODE = False
    #: Webhooks plugin: seconds to wait for an endpoint before counting a failed attempt.
    SPORTELLO_WEBHOOKS_TIMEOUT = 10
    #: Attempts before a delivery is marked failed (the owner can retry it from the log).
    SPORTELLO_WEBHOOKS_MAX_ATTEMPTS = 10
    #: Wait before the first retry, in seconds; it doubles at each attempt, up to six hours.
    SPORTELLO_WEBHOOKS_RETRY_SECONDS = 60
    #: Days the delivery log keeps deliveries that succeeded.
    SPORTELLO_WEBHOOKS_KEEP_DAYS = 30

    #: The public address of the portal (e.g. "https://support.example.com/support"), used
    #: for every link in e-mails. Empty: links use the address of the request that caused
    #: the mail, and mail queued outside a request (CLI, background) uses http://localhost:5000.
    SPORTELLO_BASE_URL = ""
    #: Deliver queued mail from a thread inside each web process (small installs); larger
    #: ones run `flask sportello send-mail --loop` instead.
    SPORTELLO_MAIL_BACKGROUND_SENDER = False
    #: Seconds between two passes of the background sender and of `send-mail --loop`.
    SPORTELLO_MAIL_SEND_INTERVAL = 10
    #: Delay before the first retry after a temporary failure; it doubles at each attempt...
    SPORTELLO_MAIL_RETRY_SECONDS = 60
    #: ...up to this delay between two attempts.
    SPORTELLO_MAIL_RETRY_MAX_SECONDS = 3600
    #: Attempts before a temporarily failing message is marked failed (100: about 4 days).
    SPORTELLO_MAIL_MAX_ATTEMPTS = 100
    #: A sender's claim on a message expires after this many seconds (a crashed sender).
    SPORTELLO_MAIL_LEASE_SECONDS = 300
    #: Seconds to wait for the SMTP server before counting a temporary failure.
    SPORTELLO_MAIL_TIMEOUT = 30
    #: Account e-mails (password reset, confirmation, ...) sent to one address per hour.
    SPORTELLO_ACCOUNT_MAILS_PER_HOUR = 5
    #: Validity of invite links, in days (the default of the creation form).
    SPORTELLO_INVITE_DAYS = 14
    #: Validity of password reset links, in minutes.
    SPORTELLO_PASSWORD_RESET_MINUTES = 60
    #: Validity of the activation link sent to persons added by staff, in days.
    SPORTELLO_ACTIVATION_DAYS = 7
    #: Validity of e-mail confirmation links, in days.
    SPORTELLO_VERIFY_EMAIL_DAYS = 7
    #: API requests one personal access token may make per window (0: no limit).
    SPORTELLO_API_RATE_LIMIT = 300
    #: Length of the API rate-limit window, in seconds.
    SPORTELLO_API_RATE_WINDOW_SECONDS = 60


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = False  # `flask run --debug` turns the debugger on explicitly


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SPORTELLO_PASSWORD_METHOD = "pbkdf2:sha256:1000"  # noqa: S105  (a method name)
    SPORTELLO_MAIL_BACKGROUND_SENDER = False  # a test that wants it turns it on
    SPORTELLO_MAIL_TIMEOUT = 5


class ProductionConfig(Config):
    ENV_NAME = "production"
    SECRET_KEY = ""  # must come from the environment or instance/config.py
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
