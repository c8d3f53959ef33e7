"""Routing rules: ordered, first match wins; each names an agent and conditions on fields."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.accounts.models import Company, Role, User
from app.desk import routing
from app.desk.forms import RuleForm
from app.desk.models import RoutingRule
from app.desk.views import admin_bp
from app.extensions import db
from app.fields.schema import FieldDef, Schema, current_language, current_schema

#: How each rule field is edited in the form.
_LIST_TYPES = ("dropdown", "multi_select")
_NUMBER_TYPES = ("integer", "decimal")


def _agents() -> list[SelectChoice]:
    rows = db.session.execute(
        select(User.id, User.name, User.surname)
        .where(User.role.in_([Role.OWNER.value, Role.AGENT.value]), User.active.is_(True))
        .order_by(User.surname, User.name)
    )
    return [SelectChoice("", "—")] + [SelectChoice(row.id, f"{row.name} {row.surname}".strip())
                                      for row in rows]


def _companies() -> list[tuple[int, str]]:
    return [tuple(row) for row in db.session.execute(
        select(Company.id, Company.name).order_by(Company.name))]


def _widget(field: FieldDef) -> str:
    if field.list is not None:
        return "choices"
    if field.type_name == "company":
        return "company"
    if field.type_name == "checkbox":
        return "yesno"
    return "number" if field.type_name in _NUMBER_TYPES else "text"


def _parse(schema: Schema, form) -> tuple[list[routing.Condition], dict[str, str]]:
    """Conditions from the submitted form; messages for the inputs that are not valid."""
    conditions, errors = [], {}
    for field in routing.rule_fields(schema):
        name = f"cond-{field.key}"
        widget = _widget(field)
        if widget == "choices":
            values = [v for v in form.getlist(name) if v in field.list.by_key]
        elif widget == "company":
            values = [int(v) for v in form.getlist(name) if v.isdigit()]
        elif widget == "yesno":
            raw = form.get(name, "")
            values = [raw == "1"] if raw in ("0", "1") else []
        else:
            parts = [p.strip() for p in form.get(name, "").split(",") if p.strip()]
            values = parts
            if widget == "number":
                try:
                    values = [float(p.replace(" ", "")) for p in parts]
                except ValueError:
                    errors[name] = _("Write numbers separated by commas.")
                    continue
                values = [int(v) if v.is_integer() else v for v in values]
        if values:
            conditions.append(routing.Condition(field.key, tuple(values)))
    return conditions, errors


def _describe(schema: Schema, rule: RoutingRule, companies: dict[int, str]) -> list[str]:
    language = current_language()
    parts = []
    for condition in routing.conditions_of(rule):
        field = schema.by_key.get(condition.field)
        if field is None or field.archived:
            parts.append(_("%(field)s (removed field: the rule never applies)",
                           field=condition.field))
            continue
        if field.list is not None:
            shown = [field.list.by_key[v].label.get(language) if v in field.list.by_key else v
                     for v in condition.values]
        elif field.type_name == "company":
            shown = [companies.get(v, f"#{v}") for v in condition.values]
        elif field.type_name == "checkbox":
            shown = [_("Yes") if v else _("No") for v in condition.values]
        else:
            shown = [str(v) for v in condition.values]
        parts.append(f"{field.label}: {' / '.join(shown)}")
    return parts


@admin_bp.route("/routing")
def routing_rules():
    schema = current_schema()
    companies = dict(_companies())
    rules = [(rule, _describe(schema, rule, companies)) for rule in routing.list_rules()]
    return render_template("desk/admin/routing.html", rules=rules)


def _rule_or_404(rule_id: int | None) -> RoutingRule | None:
    if rule_id is None:
        return None
    rule = db.session.get(RoutingRule, rule_id)
    if rule is None:
        abort(404)
    return rule


@admin_bp.route("/routing/new", methods=["GET", "POST"], defaults={"rule_id": None})
@admin_bp.route("/routing/<int:rule_id>", methods=["GET", "POST"])
def edit_rule(rule_id: int | None):
    schema = current_schema()
    rule = _rule_or_404(rule_id)
    form = RuleForm(obj=rule) if rule else RuleForm()
    form.assignee.choices = _agents()
    if rule is not None and request.method == "GET":
        form.assignee.data = rule.assignee_id
    chosen = {c.field: list(c.values) for c in routing.conditions_of(rule)} if rule else {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        conditions, errors = _parse(schema, request.form)
        chosen = {c.field: list(c.values) for c in conditions}
        if form.validate_on_submit() and not errors:
            try:
                routing.save_rule(schema, rule_id, name=form.name.data,
                                  assignee_id=form.assignee.data, conditions=conditions,
                                  active=form.active.data)
            except routing.RuleError as problem:
                for name, message in problem.fields.items():
                    if name in form:
                        form[name].errors = [*form[name].errors, message]
                    else:
                        errors[f"cond-{name}"] = message
            else:
                flash(_("Routing rule saved."), "success")
                return redirect(url_for("desk_admin.routing_rules"))
    fields = [(field, _widget(field)) for field in routing.rule_fields(schema)]
    code = 422 if request.method == "POST" else 200
    return render_template("desk/admin/rule_edit.html", rule=rule, form=form, fields=fields,
                           chosen=chosen, errors=errors, companies=_companies(),
                           language=current_language()), code


@admin_bp.route("/routing/<int:rule_id>/<action>", methods=["POST"])
def rule_action(rule_id: int, action: str):
    _rule_or_404(rule_id)
    if action == "up":
        routing.move_rule(rule_id, -1)
    elif action == "down":
        routing.move_rule(rule_id, 1)
    elif action == "delete":
        routing.delete_rule(rule_id)
        flash(_("Routing rule deleted."), "success")
    else:
        abort(404)
    return redirect(url_for("desk_admin.routing_rules"))
