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
    #: customer is invited to open a new ticket linked to the old one.
    SPORTELLO_REOPEN_DAYS = 14
    #: Failed logins for one account before it is locked for a while.
    SPORTELLO_LOGIN_MAX_FAILURES = 5
    #: Failed logins from one address (any account) before the address is locked.
    SPORTELLO_LOGIN_MAX_FAILURES_PER_ADDRESS = 20
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
