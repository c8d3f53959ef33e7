"""Turn an outbox row into a MIME message and hand it to Flask-Mail's SMTP connection."""

from __future__ import annotations

import smtplib
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate

from flask import current_app
from flask_mail import Connection, Message

from app.accounts.profile import get_profile
from app.extensions import mail
from app.notify.logo import LOGO_CID, Logo, load_logo
from app.notify.models import MailMessage


class OutboxEmail(Message):
    """A Flask-Mail message whose MIME tree is multipart/alternative (text, then
    HTML with its inline logo in multipart/related), with our threading headers."""

    def __init__(self, row: MailMessage, sender_name: str, logo: Logo | None) -> None:
        address = current_app.config["MAIL_DEFAULT_SENDER"]
        if isinstance(address, tuple | list):
            address = address[-1]
        super().__init__(
            subject=row.subject, recipients=[row.to_email], body=row.text_body,
            html=row.html_body, sender=address,
        )
        self.msgId = row.message_id
        #: Where the message comes from, for plugins (the row itself stays read only).
        self.outbox_id = row.id
        self.template = row.template
        self.ticket_id = row.ticket_id
        self.sender_name = sender_name
        self.logo = logo
        self.extra_headers = {
            "Auto-Submitted": "auto-generated",  # RFC 3834: no out-of-office replies
            "X-Auto-Response-Suppress": "All",
        }
        if row.in_reply_to:
            self.extra_headers["In-Reply-To"] = row.in_reply_to
        if row.reference_ids:
            self.extra_headers["References"] = row.reference_ids
        self.extra_headers["Content-Language"] = row.language

    def _message(self) -> EmailMessage:  # called by Flask-Mail's as_bytes()
        message = EmailMessage(policy=policy.SMTP)
        message.set_content(self.body or "", subtype="plain", charset="utf-8")
        if self.html:
            message.add_alternative(self.html, subtype="html", charset="utf-8")
            if self.logo is not None and f"cid:{LOGO_CID}" in self.html:
                html_part = message.get_payload()[1]
                html_part.add_related(
                    self.logo.data, self.logo.maintype, self.logo.subtype,
                    cid=f"<{LOGO_CID}>", filename=self.logo.filename, disposition="inline",
                )
        # Headers last: set_content() drops Content-* headers set before it.
        message["Subject"] = self.subject
        message["From"] = Address(display_name=self.sender_name, addr_spec=str(self.sender))
        message["To"] = ", ".join(str(recipient) for recipient in self.recipients)
        message["Date"] = formatdate(self.date, localtime=False)
        message["Message-ID"] = self.msgId
        for name, value in (self.extra_headers or {}).items():
            message[name] = value
        return message


class SmtpConnection(Connection):
    """Flask-Mail's connection with a socket timeout, so a hung server fails the attempt."""

    def configure_host(self) -> smtplib.SMTP:
        timeout = float(current_app.config["SPORTELLO_MAIL_TIMEOUT"])
        state = self.mail
        factory = smtplib.SMTP_SSL if state.use_ssl else smtplib.SMTP
        host = factory(state.server, state.port, timeout=timeout)
        if state.use_tls:
            host.starttls()
        if state.username and state.password:
            host.login(state.username, state.password)
        return host


def open_connection() -> SmtpConnection:
    """A connection built from the current configuration (read at each pass)."""
    state = mail.init_mail(current_app.config, current_app.debug, False)
    return SmtpConnection(state)


def build_email(row: MailMessage) -> OutboxEmail:
    return OutboxEmail(row, get_profile().name or "Sportello", load_logo())
