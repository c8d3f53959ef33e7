"""The owner's help texts and placeholders on the customer's new-ticket form, in the
customer's language (Italian falls back to English where the owner wrote none)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from app.accounts.models import Company
from app.timeutil import utcnow
from tests.portal.conftest import helpdesk_document, reload

NEW = "/portal/tickets/new"


def _text(en: str, it: str = "") -> dict:
    return {"en": en, "it": it} if it else {"en": en}


def texts_document() -> dict:
    """The portal's help-desk schema plus fields with help texts and placeholders."""
    document = helpdesk_document()
    document["lists"].append({"key": "channels", "name": _text("Channels", "Canali"), "items": [
        {"key": "phone", "label": _text("Phone", "Telefono")},
        {"key": "mail", "label": _text("E-mail", "Posta")},
    ]})
    create = {"visibility": "write", "edit": ["create"]}
    document["fields"] += [
        {"key": "asset_tag", "type": "text", "label": _text("Asset tag", "Etichetta"),
         "help": _text("Printed under the device.", "Stampata sotto il dispositivo."),
         "placeholder": _text("e.g. AT-0042", "es. AT-0042"), "customer": create},
        {"key": "steps", "type": "long_text", "label": _text("Steps", "Passi"),
         "help": _text("What you did before the error.", "Cosa hai fatto prima dell errore."),
         "placeholder": _text("One step per line", "Un passo per riga"), "customer": create},
        {"key": "affected", "type": "integer", "label": _text("People affected", "Persone"),
         "help": _text("Count yourself too.", "Conta anche te."),
         "placeholder": _text("How many", "Quante"), "customer": create},
        {"key": "legacy_code", "type": "text", "label": _text("Legacy code", "Codice vecchio"),
         "help": _text("Only for tickets of the old system."),
         "placeholder": _text("OLD-123"), "customer": create},
        {"key": "channels", "type": "multi_select", "list": "channels",
         "label": _text("Channels", "Canali"),
         "help": _text("How we may reach you.", "Come possiamo contattarti."),
         "customer": create},
    ]
    return document


class _FormReader(HTMLParser):
    """Attributes of inputs and text areas by name, and help paragraphs by id."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: dict[str, dict[str, str]] = {}
        self.helps: dict[str, str] = {}
        self.orphan_helps: list[str] = []  # help paragraphs without an id (fieldsets)
        self._help: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {key: value or "" for key, value in attrs}
        if tag in ("input", "textarea") and a.get("name"):
            self.inputs.setdefault(a["name"], a)
        elif tag == "p" and "help" in a.get("class", "").split():
            self._help = {"id": a.get("id"), "text": ""}

    def handle_data(self, data):
        if self._help is not None:
            self._help["text"] += data

    def handle_endtag(self, tag):
        if tag == "p" and self._help is not None:
            text = self._help["text"].strip()
            if self._help["id"]:
                self.helps[self._help["id"]] = text
            else:
                self.orphan_helps.append(text)
            self._help = None


def _form(browser) -> _FormReader:
    response = browser.get(NEW)
    assert response.status_code == 200
    reader = _FormReader()
    reader.feed(response.get_data(as_text=True))
    return reader


def _help_of(form: _FormReader, name: str) -> str:
    """The help text the input ``name`` is described by (as a screen reader reads it)."""
    described = form.inputs[name].get("aria-describedby", "").split()
    helps = [form.helps[ident] for ident in described if ident in form.helps]
    assert len(helps) == 1, f"{name} is described by {described}"
    return helps[0]


@pytest.fixture
def customers(app, people, load_schema, make_user):
    """Alice (English) and Italo, her Italian colleague, with the schema of this module."""
    load_schema(texts_document())
    acme = reload(app, Company, people.alice.company_id)
    italo = make_user(company=acme, name="Italo", surname="Rossi", language="it",
                      email_verified_at=utcnow())
    return people.alice, italo


EXPECTED = {
    "en": {"asset_tag": ("Printed under the device.", "e.g. AT-0042"),
           "steps": ("What you did before the error.", "One step per line"),
           "affected": ("Count yourself too.", "How many"),
           "legacy_code": ("Only for tickets of the old system.", "OLD-123")},
    "it": {"asset_tag": ("Stampata sotto il dispositivo.", "es. AT-0042"),
           "steps": ("Cosa hai fatto prima dell errore.", "Un passo per riga"),
           "affected": ("Conta anche te.", "Quante"),
           # No Italian written: the English texts.
           "legacy_code": ("Only for tickets of the old system.", "OLD-123")},
}


def test_help_and_placeholders_in_each_customer_language(customers, as_user):
    """Both languages from the one cached form class: texts are chosen per request."""
    alice, italo = customers
    for user, language, multi_help in ((alice, "en", "How we may reach you."),
                                       (italo, "it", "Come possiamo contattarti."),
                                       (alice, "en", "How we may reach you.")):
        form = _form(as_user(user))
        for name, (help_text, placeholder) in EXPECTED[language].items():
            assert _help_of(form, name) == help_text, (language, name)
            assert form.inputs[name].get("placeholder") == placeholder, (language, name)
        assert multi_help in form.orphan_helps, language
        other = {"en": "it", "it": "en"}[language]
        shown = {*form.helps.values(), *form.orphan_helps}
        assert EXPECTED[other]["asset_tag"][0] not in shown


def test_a_field_without_texts_has_no_help_nor_placeholder(customers, as_user):
    alice, _italo = customers
    form = _form(as_user(alice))
    assert "placeholder" not in form.inputs["seats"]
    assert "aria-describedby" not in form.inputs["seats"]
