"""Render a queued ticket e-mail for its reader, when the sender is about to send it.

Each message shows what its reader may see, asked of the gate as the reader
is now: the summary passes ``redact`` for the reader's role, customers get
public replies only. A reader who may no longer receive ticket mail
(deactivated, company switched off) gets nothing. Readers who would get the
very same message (every agent alerted about a new ticket, in one language)
share one rendering within a sender's pass.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flask_babel import force_locale, format_datetime
from markupsafe import Markup

from app.accounts.models import Company, User
from app.extensions import db
from app.fields.gate import Viewer, stage_for
from app.fields.schema import current_schema
from app.notify.models import MailMessage
from app.notify.recipients import may_receive
from app.notify.rendering import RenderedMail, render_mail
from app.notify.summary import Summary, summarise
from app.notify.ticket_mail import TEMPLATES, main_reason
from app.tickets.display import Names, display_context
from app.tickets.models import Comment, Ticket
from app.tickets.service import merged_into


@dataclass(frozen=True)
class Reply:
    author: str
    at: str
    body: str
    body_html: Markup
    internal: bool
    attachments: tuple[str, ...]


class _TicketView:
    """What the messages about one state of a ticket share, loaded once per pass."""

    def __init__(self, ticket: Ticket, values: dict[str, Any]) -> None:
        self.ticket = ticket
        self.schema = current_schema()
        self.values = values
        status = self.schema.status(values.get("status")) or self.schema.status_by_id(
            ticket.status_id)
        self.stage = stage_for(status.is_closed)
        self.names = Names(self.schema).prefetch([self.values])
        self.company = db.session.get(Company, ticket.company_id)
        self._summaries: dict[tuple[str, str], Summary] = {}

    def summary(self, viewer: Viewer, language: str) -> Summary:
        key = (viewer.role, language)
        if key not in self._summaries:
            with force_locale(language):
                self._summaries[key] = summarise(
                    viewer, self.schema, self.stage, self.values,
                    display_context(self.names, language),
                )
        return self._summaries[key]


def _reply(comment: Comment) -> Reply:
    return Reply(
        author=comment.author.full_name if comment.author is not None else "",
        at=format_datetime(comment.created_at, "short"),  # naive UTC: babel moves it
        body=comment.body,
        body_html=Markup(comment.body_html),  # noqa: S704  (sanitised when stored)
        internal=comment.internal,
        attachments=tuple(a.filename for a in comment.attachments),
    )


def _view(ticket_id: int, values: dict[str, Any], cache: dict) -> _TicketView | None:
    key = ("ticket", ticket_id, json.dumps(values, sort_keys=True))
    if key not in cache:
        ticket = db.session.get(Ticket, ticket_id)
        cache[key] = _TicketView(ticket, values) if ticket is not None else None
    return cache[key]


def _reopen_days(template: str, ticket: Ticket) -> int:
    """Days a reply re-opens a closed ticket, as the owner set them; 0 (say nothing)
    for other messages and for a duplicate merged into another ticket."""
    from app.desk.settings import reopen_days

    if template != "ticket_closed" or merged_into(ticket):
        return 0
    return reopen_days()


def render_ticket_row(row: MailMessage, cache: dict) -> tuple[str, RenderedMail] | None:
    """The template and rendering of ``row``; None when it has nothing left to say.

    ``cache`` lives for one sender pass: tickets and identical renderings are
    computed once in it.
    """
    context = row.render_context
    view = _view(context["ticket_id"], context["values"], cache)
    person = db.session.get(User, row.recipient_id) if row.recipient_id else None
    if view is None or person is None or not may_receive(
        person, view.company.id, view.company.ticketing_enabled
    ):
        return None
    viewer = Viewer.of(person)
    summary = view.summary(viewer, row.language)
    reasons = [r for r in context["reasons"] if r != "status" or summary.status]
    comments = [db.session.get(Comment, i) for i in context["reply_ids"]]
    comments = [c for c in comments if c is not None and (viewer.is_staff or not c.internal)]
    if not reasons or (reasons == ["reply"] and not comments):
        return None
    template = TEMPLATES[main_reason(reasons)]
    key = (viewer.role, row.language, template, tuple(reasons), tuple(c.id for c in comments),
           context["link"], context["preferences_url"], context.get("assigned_by"),
           context.get("note"), id(view))
    if key not in cache:
        with force_locale(row.language):
            replies = [_reply(comment) for comment in comments]
        cache[key] = render_mail(template, {
            "number": view.ticket.number,
            "summary": summary,
            "reasons": reasons,
            "replies": replies,
            "notes_only": bool(replies) and all(reply.internal for reply in replies),
            "link": context["link"],
            # The layout's footer sends replies through this link.
            "portal_url": context["link"],
            "preferences_url": context["preferences_url"],
            "staff": viewer.is_staff,
            "assigned_by": context.get("assigned_by", ""),
            "note": context.get("note", "") if viewer.is_staff else "",
            "reopen_days": _reopen_days(template, view.ticket),
        }, row.language)
    return template, cache[key]
