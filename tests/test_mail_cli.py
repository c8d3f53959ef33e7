"""flask sportello send-mail (once and --loop), send-test-mail and mail-sink; the
background sender."""

import os
import smtplib
import subprocess
import sys
import time
from email.message import EmailMessage
from types import SimpleNamespace

from app import create_app
from app.database import atomic
from app.extensions import db
from app.notify import cli as notify_cli
from app.notify.background import stop_background_sender
from app.notify.models import MailStatus
from app.notify.outbox import enqueue_mail
from tests.fixtures.mail import SmtpServer, outbox

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_send_test_mail_then_send_mail(app, smtp_server):
    runner = app.test_cli_runner()
    queued = runner.invoke(args=["sportello", "send-test-mail", "check@example.com",
                                 "--language", "it"])
    assert queued.exit_code == 0, queued.output
    assert "Queued <" in queued.output
    with app.app_context():
        assert outbox("check@example.com")[0].language == "it"
    assert smtp_server.messages == []  # queued only
    sent = runner.invoke(args=["sportello", "send-mail"])
    assert sent.exit_code == 0, sent.output
    assert "claimed 1, sent 1, retrying 0, failed 0" in sent.output
    assert [m.rcpt_tos for m in smtp_server.messages] == [("check@example.com",)]


def test_send_mail_reports_what_was_not_sent(app, smtp_factory):
    smtp_factory(start=False)
    app.test_cli_runner().invoke(args=["sportello", "send-test-mail", "later@example.com"])
    result = app.test_cli_runner().invoke(args=["sportello", "send-mail"])
    assert result.exit_code == 0
    assert "claimed 1, sent 0, retrying 1, failed 0" in result.output
    assert "not sent: later@example.com: ConnectionRefusedError" in result.output


def test_send_mail_drains_every_batch(app, smtp_server):
    with app.app_context(), atomic():
        for n in range(5):
            enqueue_mail(to_email=f"b{n}@example.com", template="test_message", context={},
                         language="en")
    result = app.test_cli_runner().invoke(args=["sportello", "send-mail", "--limit", "2"])
    assert result.exit_code == 0, result.output
    assert len(smtp_server.messages) == 5
    assert result.output.count("claimed") == 3  # 2 + 2 + 1


def test_send_mail_loop_sends_what_is_queued_between_passes(app, smtp_server, monkeypatch):
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 1:  # queued while the sender waits
            with atomic():
                enqueue_mail(to_email="loop@example.com", template="test_message",
                             context={}, language="en")
        else:
            raise KeyboardInterrupt  # Ctrl+C during the second wait

    # The command's own clock only: the SMTP server and SQLite go on sleeping for real.
    monkeypatch.setattr(notify_cli, "time", SimpleNamespace(sleep=sleep))
    result = app.test_cli_runner().invoke(
        args=["sportello", "send-mail", "--loop", "--interval", "7"])
    assert result.exit_code == 0, result.output
    assert sleeps == [7, 7]
    # The first pass had nothing to say; the second sent the message.
    assert result.output == "claimed 1, sent 1, retrying 0, failed 0\nStopped.\n"
    assert [m.rcpt_tos for m in smtp_server.messages] == [("loop@example.com",)]
    with app.app_context():
        assert [m.status for m in outbox("loop@example.com")] == [MailStatus.SENT]


def test_mail_sink_saves_and_announces_each_message(tmp_path):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    folder = tmp_path / "sink"
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "sportello", "mail-sink",
         "--port", "0", "--folder", str(folder)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        first = process.stdout.readline()
        assert first.startswith("Mail sink on 127.0.0.1:"), first
        port = int(first.split(":")[1].split(",")[0])
        message = EmailMessage()
        message["From"], message["To"] = "a@example.com", "b@example.com"
        message["Subject"] = "Hello sink"
        message.set_content("body")
        with smtplib.SMTP("127.0.0.1", port, timeout=5) as client:
            client.send_message(message)
        line = process.stdout.readline()
        assert "b@example.com | Hello sink |" in line
        files = list(folder.glob("*.eml"))
        assert len(files) == 1 and b"Subject: Hello sink" in files[0].read_bytes()
    finally:
        process.terminate()
        process.wait(10)
        process.stdout.close()


def test_background_sender_delivers_without_a_command(fresh_database_url):
    server = SmtpServer().start()
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": fresh_database_url, "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": server.port, "SPORTELLO_MAIL_BACKGROUND_SENDER": True,
        "SPORTELLO_MAIL_SEND_INTERVAL": 0.05,
    })
    try:
        with app.app_context(), atomic():
            enqueue_mail(to_email="bg@example.com", template="test_message", context={},
                         language="en")
        assert server.messages == []  # nothing runs before the first request
        app.test_client().get("/login")
        deadline = time.monotonic() + 10
        while not server.messages and time.monotonic() < deadline:
            time.sleep(0.02)
        assert [m.rcpt_tos for m in server.messages] == [("bg@example.com",)]
        stop_background_sender(app)
        with app.app_context():
            assert {m.status for m in outbox()} == {MailStatus.SENT}
    finally:
        stop_background_sender(app)
        server.stop()
        with app.app_context():
            db.engine.dispose()


def test_background_sender_is_off_by_default(app, smtp_server):
    app.test_client().get("/login")
    assert "sportello.mail_sender" not in app.extensions
