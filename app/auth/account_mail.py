"""Account e-mails (reset, activation, confirmation...), throttled per address.

The throttle counts outbox rows, so every worker and host sees the same
count: a form cannot be used to flood someone's mailbox.
"""

from __future__ import annotations

from flask import current_app

from app.accounts.models import User
from app.notify.outbox import enqueue_mail, recent_mail_count

ACCOUNT_TEMPLATES = ("password_reset", "activation", "verify_email", "registration_attempt")


def send_account_mail(*, user: User, template: str, context: dict) -> bool:
    """Queue ``template`` for ``user`` in their language; False when throttled.

    Call inside ``atomic()``.
    """
    limit = int(current_app.config["SPORTELLO_ACCOUNT_MAILS_PER_HOUR"])
    if recent_mail_count(user.email, ACCOUNT_TEMPLATES) >= limit:
        current_app.logger.warning("Account mail %s to %s throttled", template, user.email)
        return False
    enqueue_mail(
        to_email=user.email, template=template, context={"user": user, **context},
        language=user.language, recipient=user,
    )
    return True
