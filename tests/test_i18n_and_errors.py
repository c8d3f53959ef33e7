"""Languages (preference, then browser) and error pages in both languages."""

import os
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from flask_babel import force_locale, get_translations

from app.accounts.models import Role
from app.i18n import translation_directories
from tests.fixtures.factories import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
_METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2"),
            ("**/templates/**.txt", "jinja2")]
_OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.do"},
            "**/templates/**.txt": {"extensions": "jinja2.ext.do"}}
_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
             "lazy_ngettext": (1, 2)}


def _source_messages() -> set[str]:
    found = set()
    for folder in ("app", "plugins"):
        for _file, _line, message, *_ in extract_from_dir(
            ROOT / folder, _METHODS, _OPTIONS, _KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def _page(client, url: str, language: str) -> str:
    return client.get(url, headers={"Accept-Language": language}).get_data(as_text=True)


def test_every_message_has_an_italian_translation(app):
    with app.test_request_context(), force_locale("it"):
        catalog = get_translations()._catalog
    translated = {
        (key if isinstance(key, str) else key[0])
        for key, value in catalog.items() if key and value
    }
    missing = sorted(_source_messages() - translated)
    assert not missing, f"add Italian translations for: {missing}"


def test_catalogs_are_compiled():
    for folder in translation_directories():
        assert os.path.exists(os.path.join(folder, "it", "LC_MESSAGES", "messages.mo")), folder


def test_browser_language_is_used(client):
    html = _page(client, "/login", "it-IT,it;q=0.9")
    assert "Accedi" in html and 'lang="it"' in html
    html = _page(client, "/login", "en-GB")
    assert "Log in" in html and 'lang="en"' in html


def test_unsupported_browser_language_falls_back_to_english(client):
    assert "Log in" in _page(client, "/login", "de")


def test_user_preference_beats_browser(browser, make_user):
    make_user(Role.AGENT, email="italiano@example.com", language="it")
    browser.login("italiano@example.com", PASSWORD)
    html = browser.get("/desk/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="it"' in html and "Coda" in html


def test_language_switch_for_visitors(browser):
    response = browser.submit("/language/it", {"next": "/login"}, form_url="/login")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "Accedi" in _page(browser, "/login", "en")


@pytest.mark.parametrize(("language", "text"), [("en", "Not found"), ("it", "Non trovato")])
def test_404_page_in_both_languages(client, language, text):
    response = client.get("/no/such/page", headers={"Accept-Language": language})
    assert response.status_code == 404
    assert text in response.get_data(as_text=True)


@pytest.mark.parametrize(("code", "english", "italian"), [
    (400, "Bad request", "Richiesta non valida"),
    (403, "Forbidden", "Accesso negato"),
    (413, "Too large", "Troppo grande"),
    (500, "Server error", "Errore del server"),
])
def test_error_pages(app, code, english, italian):
    from app.errors import render_error

    for language, title in (("en", english), ("it", italian)):
        with app.test_request_context("/x", headers={"Accept-Language": language}):
            body, status = render_error(code)
        assert status == code and title in body


def test_upload_too_large_gets_413(app, client):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post("/login", data=b"x" * (limit + 1),
                           headers={"Content-Type": "application/octet-stream"})
    assert response.status_code == 413
    assert "The upload is too large." in response.get_data(as_text=True)


def test_unexpected_error_renders_500_page(database_url):
    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "PROPAGATE_EXCEPTIONS": False})

    @app.route("/__boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/__boom", headers={"Accept-Language": "it"})
    assert response.status_code == 500
    assert "Errore del server" in response.get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()
