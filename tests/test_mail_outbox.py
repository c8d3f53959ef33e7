"""enqueue_mail: rendering in the recipient's language, threading headers, the outbox
row stored in the caller's transaction."""

import os

import pytest
from flask import g

from app.accounts.models import Role
from app.accounts.profile import update_profile
from app.database import atomic
from app.notify.headers import thread_root_id
from app.notify.logo import LOGO_CID
from app.notify.models import MailStatus
from app.notify.outbox import enqueue_mail, recent_mail_count
from tests.fixtures.mail import outbox


def _enqueue(**overrides):
    values = {"to_email": "anna@example.com", "template": "test_message", "context": {},
              "language": "en"} | overrides
    with atomic():
        return enqueue_mail(**values)


def test_message_is_rendered_in_both_bodies(app_ctx):
    update_profile(name="Acme Support", email="help@acme.example")
    message = _enqueue(context={"note": "Note <b>bold</b>"})
    assert message.status == MailStatus.PENDING and message.attempts == 0
    assert message.subject == "Test message from Acme Support"
    assert "If you can read it, e-mail works." in message.text_body
    assert "Note <b>bold</b>" in message.text_body  # plain text is not escaped
    assert "Note &lt;b&gt;bold&lt;/b&gt;" in message.html_body  # HTML is
    assert "Acme Support" in message.html_body and "help@acme.example" in message.text_body
    for body in (message.text_body, message.html_body):
        assert "Replies to this e-mail are not read" in body
        assert "http://localhost:5000/" in body  # the portal link, outside any request


def test_language_of_the_recipient(app_ctx, make_user):
    italian = make_user(Role.AGENT, language="it")
    with atomic():
        message = enqueue_mail(to_email=italian.email, template="test_message", context={},
                               language=None, recipient=italian)
    assert message.language == "it" and message.recipient_id == italian.id
    assert message.subject.startswith("Messaggio di prova")
    assert "Le risposte a questa e-mail non vengono lette" in message.text_body
    assert 'lang="it"' in message.html_body


def test_unknown_language_falls_back_to_the_owner_default(app_ctx):
    update_profile(default_language="it")
    assert _enqueue(language="de").language == "it"


def test_base_url_setting_is_used_for_links(app_ctx, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "SPORTELLO_BASE_URL", "https://help.example.com/support")
    assert "https://help.example.com/support/" in _enqueue().text_body


def test_links_follow_the_request_without_base_url(app):
    with app.test_request_context("/", base_url="http://portal.example:8080"):
        message = _enqueue()
    assert "http://portal.example:8080/" in message.text_body


def test_message_ids_are_unique_and_threads_share_a_root(app_ctx):
    first = _enqueue(thread_key="ticket-42", ticket_id=42)
    second = _enqueue(thread_key="ticket-42", ticket_id=42)
    other = _enqueue(thread_key="ticket-43")
    lone = _enqueue()
    ids = {m.message_id for m in (first, second, other, lone)}
    assert len(ids) == 4 and all(i.startswith("<") and i.endswith("@localhost>") for i in ids)
    root = thread_root_id("ticket-42")
    assert first.in_reply_to == second.in_reply_to == root
    assert first.reference_ids == second.reference_ids == root
    assert other.in_reply_to != root
    assert lone.in_reply_to == "" and lone.reference_ids == ""
    assert first.ticket_id == 42 and first.thread_key == "ticket-42"


def test_thread_root_is_stable_and_safe(app_ctx):
    assert thread_root_id("ticket-42") == thread_root_id("ticket-42")
    root = thread_root_id("odd key <with> spaces")
    assert " " not in root and root.count("<") == 1 and root.count(">") == 1


def test_mail_is_stored_with_the_change_or_not_at_all(app_ctx):
    with pytest.raises(RuntimeError), atomic():
        _enqueue(to_email="lost@example.com")
        raise RuntimeError("the change that caused the mail failed")
    assert outbox("lost@example.com") == []
    _enqueue(to_email="kept@example.com")
    assert len(outbox("kept@example.com")) == 1


def test_enqueue_does_not_commit(app_ctx):
    from app.extensions import db

    enqueue_mail(to_email="a@example.com", template="test_message", context={}, language="en")
    assert db.session.new  # added, waiting for the caller's commit
    db.session.rollback()
    assert outbox("a@example.com") == []


def test_logo_is_referenced_by_cid_only_when_present(app_ctx):
    assert LOGO_CID not in _enqueue().html_body
    folder = os.path.join(app_ctx.instance_path, "branding")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "test-logo.png"), "wb") as handle:
        handle.write(b"\x89PNG\r\n\x1a\nfake")
    try:
        update_profile(logo_path="test-logo.png")
        html = _enqueue().html_body
        assert f'src="cid:{LOGO_CID}"' in html and "/logo" not in html
    finally:
        os.remove(os.path.join(folder, "test-logo.png"))
        g.pop("owner_profile", None)


def test_recent_mail_count(app_ctx):
    _enqueue(to_email="count@example.com")
    _enqueue(to_email="count@example.com")
    assert recent_mail_count("count@example.com", ("test_message",)) == 2
    assert recent_mail_count("count@example.com", ("other",)) == 0
