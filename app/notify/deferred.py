"""Messages queued before they are rendered, and their rendering by the sender.

A write path that mails many people stores only the rows in its transaction
(who, why, which links: ``MailMessage.render_context``); the sender renders
each such row just before its first attempt and keeps the result, so retries
send the same message and the "Mail problems" page shows it.
``render_context["kind"]`` names the renderer.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from app.database import atomic
from app.notify.models import MailMessage, MailStatus
from app.notify.rendering import RenderedMail

#: (row, cache for this pass) -> (template, rendering), or None: nothing to send any more.
Renderer = Callable[[MailMessage, dict], tuple[str, RenderedMail] | None]


def _renderers() -> dict[str, Renderer]:
    from app.notify.ticket_render import render_ticket_row

    return {"ticket": render_ticket_row}


def render_claimed(row: MailMessage, token: str, cache: dict) -> bool:
    """Render ``row``, claimed by the sender ``token``, and store the result.

    False when the message has nothing left to say (its reader may no longer
    receive it): the sender drops it.
    """
    found = _renderers()[row.render_context["kind"]](row, cache)
    values: dict = {"render_context": None}  # what it held is not kept once used
    if found is not None:
        template, rendered = found
        values |= {"template": template, "subject": rendered.subject,
                   "text_body": rendered.text, "html_body": rendered.html}
    with atomic() as session:
        session.execute(
            update(MailMessage)
            .where(MailMessage.id == row.id, MailMessage.claim_token == token,
                   MailMessage.status == MailStatus.SENDING)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    for name, value in values.items():
        set_committed_value(row, name, value)
    return found is not None
