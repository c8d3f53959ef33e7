"""The sender against a real SMTP server: delivery, retries, permanent failures, leases,
the SQLite single-sender lock and no duplicates with concurrent senders on PostgreSQL."""

import os
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import update

from app import create_app
from app.accounts.profile import update_profile
from app.database import atomic
from app.extensions import db
from app.notify import locking
from app.notify.headers import thread_root_id
from app.notify.logo import LOGO_CID
from app.notify.models import MailMessage, MailStatus
from app.notify.outbox import enqueue_mail
from app.notify.sender import LOCK_NAME, send_pending
from app.plugins import hookimpl
from app.plugins.manager import get_plugin_manager
from app.timeutil import utcnow
from tests.fixtures.databases import engine_name
from tests.fixtures.mail import RefusingHandler, SmtpServer, drain_concurrently, outbox


def _enqueue(to_email="anna@example.com", **overrides):
    values = {"to_email": to_email, "template": "test_message", "context": {},
              "language": "en"} | overrides
    with atomic():
        return enqueue_mail(**values)


def _make_due(*messages):
    with atomic() as session:
        session.execute(update(MailMessage).where(
            MailMessage.id.in_([m.id for m in messages])
        ).values(next_attempt_at=utcnow() - timedelta(seconds=1)))


def _reload(message) -> MailMessage:
    return db.session.get(MailMessage, message.id, populate_existing=True)


def test_delivers_with_headers_and_both_bodies(app_ctx, smtp_server):
    update_profile(name="Assistenza Città")  # non-ASCII names are encoded, not refused
    first = _enqueue(thread_key="ticket-7", ticket_id=7)
    second = _enqueue(thread_key="ticket-7", ticket_id=7, language="it")
    report = send_pending()
    assert (report.claimed, report.sent, report.failed) == (2, 2, 0)
    assert len(smtp_server.messages) == 2
    received = {m.parsed()["Message-ID"]: m for m in smtp_server.messages}
    root = thread_root_id("ticket-7")
    for row in (first, second):
        sunk = received[row.message_id]
        email = sunk.parsed()
        assert sunk.rcpt_tos == ("anna@example.com",)
        assert email["In-Reply-To"] == root and email["References"] == root
        assert email["From"].addresses[0].display_name == "Assistenza Città"
        assert email["From"].addresses[0].addr_spec == "sportello@localhost"
        assert email["Subject"] == row.subject
        assert email.get_content_type() == "multipart/alternative"
        text = email.get_body(("plain",)).get_content()
        html = email.get_body(("html",)).get_content()
        assert "Replies to this e-mail are not read" in text or "non vengono lette" in text
        assert "<html" in html
        reloaded = _reload(row)
        assert reloaded.status == MailStatus.SENT and reloaded.sent_at is not None
        assert reloaded.attempts == 1 and reloaded.claim_token is None
    italian = received[second.message_id].parsed()
    assert italian["Subject"].startswith("Messaggio di prova")
    assert italian["Content-Language"] == "it"
    assert send_pending().claimed == 0  # nothing is sent twice


def test_logo_travels_inline(app_ctx, smtp_server):
    folder = os.path.join(app_ctx.instance_path, "branding")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "sender-logo.png")
    with open(path, "wb") as handle:
        handle.write(b"\x89PNG\r\n\x1a\nlogo-bytes")
    try:
        update_profile(logo_path="sender-logo.png")
        _enqueue()
        send_pending()
    finally:
        os.remove(path)
    email = smtp_server.messages[0].parsed()
    html_part = email.get_body(("related",))
    assert html_part.get_content_type() == "multipart/related"
    image = [part for part in email.walk() if part.get_content_maintype() == "image"][0]
    assert image["Content-ID"] == f"<{LOGO_CID}>"
    assert image.get_content() == b"\x89PNG\r\n\x1a\nlogo-bytes"


def test_server_down_then_up_loses_nothing(app_ctx, smtp_factory):
    server = smtp_factory(start=False)  # configured, not listening: connection refused
    messages = [_enqueue(to_email=f"p{n}@example.com") for n in range(3)]
    report = send_pending()
    assert (report.sent, report.retrying, report.failed) == (0, 3, 0)
    for message in messages:
        row = _reload(message)
        assert row.status == MailStatus.PENDING and row.attempts == 1
        assert "ConnectionRefused" in row.last_error
        assert row.next_attempt_at > utcnow() + timedelta(seconds=50)  # backoff
    assert send_pending().claimed == 0  # not due yet
    server.start()
    _make_due(*messages)
    report = send_pending()
    assert report.sent == 3 and len(server.messages) == 3
    assert {_reload(m).status for m in messages} == {MailStatus.SENT}


def test_backoff_doubles_and_is_capped(app_ctx, smtp_factory):
    from app.notify.failures import retry_delay

    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert retry_delay(50).total_seconds() == 3600
    smtp_factory(start=False)
    message = _enqueue()
    delays = []
    for _ in range(3):
        _make_due(message)
        before = utcnow()
        send_pending()
        delays.append((_reload(message).next_attempt_at - before).total_seconds())
    assert [round(d, -1) for d in delays] == [60, 120, 240]


def test_out_of_attempts_becomes_failed(app_ctx, smtp_factory, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "SPORTELLO_MAIL_MAX_ATTEMPTS", 2)
    smtp_factory(start=False)
    message = _enqueue()
    send_pending()
    _make_due(message)
    report = send_pending()
    assert report.failed == 1
    assert _reload(message).status == MailStatus.FAILED


def test_permanent_refusal_fails_only_that_message(app_ctx, smtp_factory):
    server = smtp_factory(RefusingHandler({"gone@example.com"}))
    bad = _enqueue(to_email="gone@example.com")
    good = _enqueue(to_email="here@example.com")
    report = send_pending()
    assert (report.sent, report.failed, report.retrying) == (1, 1, 0)
    row = _reload(bad)
    assert row.status == MailStatus.FAILED and row.attempts == 1
    assert "550" in row.last_error and "No such user" in row.last_error
    assert _reload(good).status == MailStatus.SENT
    assert [m.rcpt_tos for m in server.messages] == [("here@example.com",)]


def test_temporary_refusal_is_retried(app_ctx, smtp_factory):
    class Busy(RefusingHandler):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            return "451 4.3.0 Try again later"

    smtp_factory(Busy(set()))
    message = _enqueue()
    report = send_pending()
    assert report.retrying == 1
    row = _reload(message)
    assert row.status == MailStatus.PENDING and "451" in row.last_error


def test_expired_lease_is_picked_up_again(app_ctx, smtp_server):
    message = _enqueue()
    with atomic() as session:  # a sender claimed it, then crashed
        session.execute(update(MailMessage).where(MailMessage.id == message.id).values(
            status=MailStatus.SENDING, claim_token="crashed", claimed_at=utcnow()))
    assert send_pending().claimed == 0  # the lease still runs
    with atomic() as session:
        session.execute(update(MailMessage).where(MailMessage.id == message.id).values(
            claimed_at=utcnow() - timedelta(seconds=301)))
    assert send_pending().sent == 1
    assert len(smtp_server.messages) == 1


def test_lost_claim_is_not_sent(app_ctx, smtp_server, monkeypatch):
    """A sender whose lease was taken over skips the message instead of sending it twice."""
    from app.notify import claims

    message = _enqueue()
    original = claims.claim_batch

    def claim_then_lose(token, limit):
        rows = original(token, limit)
        with atomic() as session:
            session.execute(update(MailMessage).where(MailMessage.id == message.id).values(
                claim_token="someone-else"))
        return rows

    monkeypatch.setattr(claims, "claim_batch", claim_then_lose)
    report = send_pending()
    assert report.claimed == 1 and report.sent == 0 and smtp_server.messages == []


@contextmanager
def plugged(*functions):
    """Register each function as a plugin's ``sportello_mail_before_send`` for a while."""
    manager = get_plugin_manager()
    plugins = []
    for function in functions:
        plugin = type(function.__name__, (), {
            "sportello_mail_before_send": staticmethod(hookimpl(
                lambda message, f=function: f(message)
            )),
        })
        manager.register(plugin, name=f"test-{function.__name__}")
        plugins.append(plugin)
    try:
        yield
    finally:
        for plugin in plugins:
            manager.unregister(plugin)


def test_before_send_hook_sees_and_changes_each_message(app_ctx, smtp_server):
    seen = []

    def hook(message):
        seen.append((message.outbox_id, message.template, message.ticket_id))
        message.extra_headers["X-Sportello-Test"] = "yes"

    with plugged(hook):
        message = _enqueue(ticket_id=9)
        send_pending()
    assert seen == [(message.id, "test_message", 9)]
    assert smtp_server.messages[0].parsed()["X-Sportello-Test"] == "yes"


def test_a_hook_can_veto_and_every_hook_still_runs(app_ctx, smtp_server):
    seen = []

    def veto(message):
        return False if message.recipients == ["no@example.com"] else None

    def audit(message):
        seen.append(message.recipients[0])

    with plugged(audit, veto):
        vetoed = _enqueue(to_email="no@example.com")
        kept = _enqueue(to_email="yes@example.com")
        report = send_pending()
    assert (report.sent, report.dropped) == (1, 1)
    assert seen == ["no@example.com", "yes@example.com"]
    assert [m.rcpt_tos for m in smtp_server.messages] == [("yes@example.com",)]
    assert _reload(vetoed).status == MailStatus.DROPPED
    assert _reload(kept).status == MailStatus.SENT


def test_failing_hook_counts_as_temporary_failure(app_ctx, smtp_server):
    def broken(message):
        raise ValueError("plugin bug")

    with plugged(broken):
        message = _enqueue()
        report = send_pending()
    assert report.retrying == 1 and smtp_server.messages == []
    assert "plugin bug" in _reload(message).last_error


def test_sqlite_single_sender_lock(app_ctx, smtp_server):
    if engine_name() != "sqlite":
        pytest.skip("PostgreSQL senders run concurrently with SKIP LOCKED")
    message = _enqueue()
    assert locking.acquire(LOCK_NAME, "other-sender", timedelta(seconds=300))
    report = send_pending()
    assert report.locked and report.claimed == 0 and smtp_server.messages == []
    assert _reload(message).status == MailStatus.PENDING
    assert not locking.acquire(LOCK_NAME, "third-sender", timedelta(seconds=300))
    # The holder crashed: its lock expires and the next sender takes over.
    with atomic() as session:
        from app.notify.models import MailSenderLock

        session.get(MailSenderLock, LOCK_NAME).expires_at = utcnow() - timedelta(seconds=1)
    report = send_pending()
    assert not report.locked and report.sent == 1
    assert db.session.get(MailSenderLock, LOCK_NAME, populate_existing=True) is None  # released


def test_two_concurrent_senders_send_each_message_once(fresh_database_url):
    """Two senders with their own connections drain one outbox: every message once."""
    server = SmtpServer().start()
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": fresh_database_url, "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": server.port,
    })
    total = 100
    try:
        with app.app_context(), atomic():
            for n in range(total):
                enqueue_mail(to_email=f"p{n}@example.com", template="test_message",
                             context={}, language="en")
        reports = drain_concurrently(app)
        ids = [m.parsed()["Message-ID"] for m in server.messages]
        errors = [error for report in reports for error in report.errors]  # shown on failure
        assert len(ids) == total and len(set(ids)) == total, errors[:5]
        assert sum(r.sent for r in reports) == total
        assert sum(r.claimed for r in reports) == total  # no row was claimed twice
        with app.app_context():
            assert {m.status for m in outbox()} == {MailStatus.SENT}
    finally:
        server.stop()
        with app.app_context():
            db.engine.dispose()
