"""WTForms classes built from the Ticket Fields table.

A class holds the fields a kind of viewer (staff or customer) may write at a
stage; it is built once per schema revision and cached, never per request.
Conditions depend on a ticket's values, so they are applied per form
instance (and live in the browser), never baked into the class.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from flask import request
from flask_wtf import FlaskForm

from app.fields.gate import Viewer, writable_fields
from app.fields.schema import FieldDef, Schema, Stage, current_language, schema_cache
from app.fields.types.base import ChoiceContext

#: Names a field key may not take: they are attributes of every form.
RESERVED_KEYS = frozenset({
    "csrf_token", "data", "errors", "meta", "validate", "process", "populate_obj",
    "form_errors", "hidden_tag", "is_submitted", "validate_on_submit", "schema_fields",
    "extra_validators", "json_values", "uploaded_files", "apply_errors", "submitted_values",
    "fields", "body", "internal", "attachments", "note", "submit",
})


class TicketForm(FlaskForm):
    """Base of every form built from the schema."""

    schema_fields: ClassVar[tuple[FieldDef, ...]] = ()

    @classmethod
    def _unbound_fields_keys(cls) -> list[str]:
        return [field.key for field in cls.schema_fields]

    def json_values(self) -> dict[str, Any]:
        """The submitted values in their JSON form (files excluded)."""
        return {
            field.key: field.type.form_to_json(field, self[field.key].data)
            for field in self.schema_fields
            if field.type.name != "attachment"
        }

    def uploaded_files(self) -> dict[str, list]:
        return {
            field.key: request.files.getlist(field.key)
            for field in self.schema_fields
            if field.type.name == "attachment"
        }

    def submitted_values(self, schema: Schema) -> dict[str, Any]:
        """The values to hand to the write path, tampering included.

        WTForms ignores inputs it does not know; the gate must not. A submitted
        key of the schema that this form does not hold (a hidden or read-only
        field added by hand to the POST) is passed on as it came, so that the
        write path refuses the whole write and audits it.
        """
        values = self.json_values()
        known = {field.key for field in self.schema_fields}
        for key in request.form:
            if key in schema.by_key and key not in known:
                values[key] = request.form.get(key)
        for key in request.files:
            if key in schema.by_key and key not in known:
                values[key] = [0]
        return values

    def apply_errors(self, errors: Mapping[str, str]) -> None:
        """Show the write path's messages next to their fields."""
        for key, message in errors.items():
            if key in self._fields:
                self[key].errors = [*self[key].errors, message]
            else:
                self.form_errors.append(message)


def _build_class(schema: Schema, viewer: Viewer, stage: Stage) -> type[TicketForm]:
    fields = tuple(
        field for field in writable_fields(viewer, schema, stage)
        if field.key not in ("company", "requester") or viewer.is_staff
    )
    attrs: dict[str, Any] = {"schema_fields": fields}
    for field in fields:
        attrs[field.key] = field.type.form_field(
            field, label=field.label, description=field.help
        )
    name = f"TicketForm_{viewer.kind}_{stage.value}"
    return type(name, (TicketForm,), attrs)


def ticket_form_class(schema: Schema, viewer: Viewer, stage: Stage) -> type[TicketForm]:
    """The cached form class for this kind of viewer at this stage."""
    return schema_cache().derive(
        schema, ("form", viewer.kind, stage), lambda: _build_class(schema, viewer, stage)
    )


def build_ticket_form(
    schema: Schema,
    viewer: Viewer,
    stage: Stage,
    *,
    values: Mapping[str, Any] | None = None,
    company_id: int | None = None,
    **kwargs: Any,
) -> TicketForm:
    """A form instance: the cached class, filled with ``values`` (JSON form), with
    the choices that depend on data (persons of the company, agents)."""
    form_class = ticket_form_class(schema, viewer, stage)
    values = values or {}
    initial = {
        field.key: field.type.json_to_form(field, values[field.key])
        for field in form_class.schema_fields
        if values.get(field.key) is not None
    }
    form = form_class(data=initial, **kwargs)
    language = current_language()
    for field in form_class.schema_fields:
        choices = field.type.dynamic_choices(
            field, ChoiceContext(company_id=company_id, language=language,
                                 current=values.get(field.key))
        )
        if choices is not None:
            form[field.key].choices = choices
    return form


def create_defaults(schema: Schema) -> dict[str, Any]:
    """Default values of a new ticket, for the create form."""
    return {f.key: f.default for f in schema.active_fields if f.default is not None}
