"""What the ticket page shows a customer, built once for the logged-in page and the
signed-link page.

Every value passes the gate for the reader: details list only the fields the
customer may see (conditions applied to this ticket's values), the timeline
comes gate-filtered from ``build_timeline`` (no internal notes, no hidden
fields), and the edit form holds only the fields the customer may still write.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from app.fields.forms import TicketForm, build_ticket_form
from app.fields.gate import Viewer, permission, stage_for
from app.fields.layout import cascade_parents, entries
from app.fields.schema import FieldDef, Schema, current_schema
from app.portal.attachments import field_attachments, general_attachments
from app.portal.forms import ReplyForm
from app.tickets.display import Names, display_context
from app.tickets.models import Attachment, Ticket
from app.tickets.service import merged_into
from app.tickets.timeline import Entry, build_timeline
from app.tickets.values import load_values

#: Fields printed in the page's heading or body rather than in the details.
OWN_PLACES = ("title", "description", "status")


@dataclass(frozen=True)
class Detail:
    field: FieldDef
    text: str
    files: list[Attachment]


@dataclass
class TicketPage:
    schema: Schema
    ticket: Ticket
    values: dict[str, Any]
    status: Any
    show_status: bool
    details: list[Detail]
    description: str | None
    files: list[Attachment]
    timeline: list[Entry]
    reply_form: ReplyForm
    #: The ticket this one was merged into: replies go there, not here.
    merged_into: str | None = None
    edit_form: TicketForm | None = None
    edit_entries: list = field(default_factory=list)
    edit_cascades: str = "{}"


def _details(viewer: Viewer, schema: Schema, ticket: Ticket, values: dict,
             context) -> list[Detail]:
    stage = stage_for(schema.status_by_id(ticket.status_id).is_closed)
    details = []
    for field_def in schema.fields:
        if field_def.key in OWN_PLACES:
            continue
        if not permission(viewer, field_def, stage, values).visible:
            continue
        value = values.get(field_def.key)
        if field_def.type_name == "attachment":
            details.append(Detail(field_def, "", field_attachments(ticket, value or [])))
        else:
            details.append(Detail(field_def, field_def.type.display(field_def, value, context),
                                  []))
    return details


def cascades_for(schema: Schema, form: TicketForm, values: dict | None = None) -> str:
    """Cascade data for the dropdowns of this form only (nothing about other fields).

    When the parent is not an input of the form (it may no longer be changed),
    the browser cannot read it: the items offered under the ticket's stored
    parent are sent as unrestricted and the others keep their parents, so that
    the browser offers exactly the items the write path accepts.
    """
    every = json.loads(cascade_parents(schema))
    result = {}
    for key, spec in every.items():
        if key not in form._fields:
            continue
        if spec["parent"] not in form._fields:
            parent = (values or {}).get(spec["parent"])
            by_key = schema.by_key[key].list.by_key
            spec = {"parent": spec["parent"], "items": {
                item: [] if by_key[item].offered_under(parent) else parents
                for item, parents in spec["items"].items()
            }}
        result[key] = spec
    return json.dumps(result)


def edit_form_for(schema: Schema, viewer: Viewer, ticket: Ticket, values: dict,
                  *, submitted: bool) -> TicketForm | None:
    """The form of the fields the customer may still write, or None when there are none."""
    stage = stage_for(schema.status_by_id(ticket.status_id).is_closed)
    kwargs = {} if submitted else {"formdata": None}
    form = build_ticket_form(schema, viewer, stage, values=values,
                             company_id=ticket.company_id, **kwargs)
    return form if form.schema_fields else None


def build_page(
    user: Any,
    ticket: Ticket,
    *,
    editable: bool,
    reply_form: ReplyForm | None = None,
    edit_form: TicketForm | None = None,
    schema: Schema | None = None,
) -> TicketPage:
    """The page of ``ticket`` for ``user``; ``editable`` is False on signed links."""
    schema = schema or current_schema()
    viewer = Viewer.of(user)
    values = load_values(schema, ticket)
    status = schema.status_by_id(ticket.status_id)
    stage = stage_for(status.is_closed)
    names = Names(schema).prefetch([values])
    context = display_context(names)
    description_field = schema.by_key.get("description")
    description = None
    if description_field and permission(viewer, description_field, stage, values).visible:
        description = values.get("description") or ""
    page = TicketPage(
        schema=schema, ticket=ticket, values=values, status=status,
        show_status="status" in schema.by_key
        and permission(viewer, schema.by_key["status"], stage, values).visible,
        details=_details(viewer, schema, ticket, values, context), description=description,
        files=general_attachments(ticket),
        timeline=build_timeline(user, schema, ticket, values),
        reply_form=reply_form or ReplyForm(formdata=None),
        merged_into=merged_into(ticket),
    )
    if editable:
        form = edit_form or edit_form_for(schema, viewer, ticket, values, submitted=False)
        if form is not None:
            page.edit_entries = entries(schema, viewer, stage, form, values, context,
                                        include_readonly=False)
            if page.edit_entries:  # every input may be out of its condition here
                page.edit_form = form
                page.edit_cascades = cascades_for(schema, form, values)
    return page

