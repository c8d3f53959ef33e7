"""The factory and its configuration layers."""

import pytest

from app import create_app
from app.extensions import db
from app.settings import ConfigError
from config import DEFAULT_SECRET_KEY


def test_testing_config_is_chosen_by_environment():
    app = create_app()
    assert app.config["ENV_NAME"] == "testing"
    assert app.config["TESTING"] is True


def test_config_by_name_and_overrides():
    app = create_app({"SPORTELLO_LOGIN_MAX_FAILURES": 9})
    assert app.config["SPORTELLO_LOGIN_MAX_FAILURES"] == 9
    assert create_app("development").config["ENV_NAME"] == "development"


def test_sqlite_in_instance_folder_by_default(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app("development")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{app.instance_path}/sportello.db"


def test_environment_overrides_with_types(monkeypatch):
    monkeypatch.setenv("SPORTELLO_LOGIN_MAX_FAILURES", "3")
    monkeypatch.setenv("MAIL_PORT", "2525")
    monkeypatch.setenv("MAIL_USE_TLS", "yes")
    monkeypatch.setenv("SPORTELLO_URL_PREFIX", "support")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db.example/sportello")
    monkeypatch.setenv("SQLITE_BUSY_TIMEOUT_MS", "2500")
    monkeypatch.setenv("SQLITE_UNKNOWN_THING", "1")  # not a setting: left alone
    app = create_app()
    assert app.config["SQLITE_BUSY_TIMEOUT_MS"] == 2500
    assert "SQLITE_UNKNOWN_THING" not in app.config
    assert app.config["SPORTELLO_LOGIN_MAX_FAILURES"] == 3
    assert app.config["MAIL_PORT"] == 2525
    assert app.config["MAIL_USE_TLS"] is True
    assert app.config["SPORTELLO_URL_PREFIX"] == "/support"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/sportello"


def test_unknown_setting_is_refused(monkeypatch):
    monkeypatch.setenv("SPORTELLO_LOGIN_MAX_FAILUERS", "3")
    with pytest.raises(ConfigError, match="SPORTELLO_LOGIN_MAX_FAILUERS"):
        create_app()


def test_badly_typed_setting_is_refused(monkeypatch):
    monkeypatch.setenv("SPORTELLO_LOGIN_MAX_FAILURES", "many")
    with pytest.raises(ConfigError, match="whole number"):
        create_app()


def test_instance_config_file_layer(tmp_path, monkeypatch):
    monkeypatch.setenv("SPORTELLO_INSTANCE_PATH", str(tmp_path))
    (tmp_path / "config.py").write_text(
        'SPORTELLO_LOGIN_LOCKOUT_MINUTES = 42\nMAIL_SERVER = "smtp.example"\n'
    )
    app = create_app()
    assert app.config["SPORTELLO_LOGIN_LOCKOUT_MINUTES"] == 42
    assert app.config["MAIL_SERVER"] == "smtp.example"
    monkeypatch.setenv("MAIL_SERVER", "env.example")
    assert create_app().config["MAIL_SERVER"] == "env.example"


@pytest.mark.parametrize("secret", ["", DEFAULT_SECRET_KEY])
def test_production_refuses_missing_or_default_secret(monkeypatch, secret):
    monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigError) as refused:
        create_app("production")
    message = str(refused.value)
    assert "SECRET_KEY" in message and "\n" not in message


def test_production_with_secret_has_secure_cookies(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret-value")
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_wsgi_refuses_to_start_without_secret(monkeypatch):
    import importlib
    import sys

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("SPORTELLO_CONFIG", raising=False)
    sys.modules.pop("wsgi", None)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        importlib.import_module("wsgi")


def test_url_prefix_mounts_every_blueprint(database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SPORTELLO_URL_PREFIX": "/support"})
    client = app.test_client()
    assert client.get("/support/login").status_code == 200
    assert client.get("/login").status_code == 404
    with app.app_context():
        db.engine.dispose()
