"""The endpoint form: one check box per event topic (no choices to keep in step)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, URLField
from wtforms.validators import Length

#: Each topic and the form field that subscribes to it.
TOPIC_FIELDS = {
    "ticket.created": "on_created",
    "ticket.updated": "on_updated",
    "ticket.status_changed": "on_status_changed",
    "ticket.replied": "on_replied",
    "ticket.closed": "on_closed",
}


class EndpointForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Length(max=100)],
                       description=_l("For you, e.g. “Team chat” or “Billing system”."))
    url = URLField(_l("Address (URL)"), validators=[Length(max=500)],
                   description=_l("Sportello sends a POST request with a JSON body here."))
    on_created = BooleanField(_l("A ticket is opened"))
    on_updated = BooleanField(_l("Fields of a ticket change"))
    on_status_changed = BooleanField(_l("The status of a ticket changes"))
    on_replied = BooleanField(_l("A reply is written (internal notes only to internal systems)"))
    on_closed = BooleanField(_l("A ticket is closed"))
    active = BooleanField(_l("Active"), default=True)
    internal = BooleanField(
        _l("Internal system"),
        description=_l("Also send fields hidden from customers, and internal notes. "
                       "Tick it only for systems of your own team."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        #: Messages about the events chosen (shown beside the group of check boxes).
        self.topic_errors: list[str] = []

    def topic_fields(self) -> list:
        return [self[name] for name in TOPIC_FIELDS.values()]

    def topics(self) -> list[str]:
        return [topic for topic, name in TOPIC_FIELDS.items() if self[name].data]

    def show_topics(self, topics: list[str]) -> None:
        for topic, name in TOPIC_FIELDS.items():
            self[name].data = topic in topics

    def apply_errors(self, errors: dict[str, str]) -> None:
        """Show the service's messages next to their fields."""
        for key, message in errors.items():
            if key == "topics":
                self.topic_errors.append(message)
            else:
                self[key].errors = [*self[key].errors, message]
