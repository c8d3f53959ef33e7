"""Agents: invite, list, reassign open tickets, deactivate; and the activation page."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from wtforms.fields.choices import SelectChoice

from app.accounts.models import Role, User
from app.accounts.services import AccountError
from app.desk import agents as service
from app.desk.forms import ActivateForm, InviteAgentForm, ReassignForm
from app.desk.views import admin_bp, bp
from app.extensions import db
from app.fields.schema import current_schema
from app.tickets.errors import TicketError


def _agent_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not user.is_staff:
        abort(404)
    return user


@admin_bp.route("/agents", methods=["GET", "POST"])
def agents():
    form = InviteAgentForm()
    invitation = None
    if form.validate_on_submit():
        try:
            invitation = service.invite_agent(email=form.email.data, name=form.name.data,
                                              surname=form.surname.data or "",
                                              language=form.language.data)
        except AccountError as problem:
            target = form._fields.get(problem.field or "", form.email)
            target.errors = [*target.errors, str(problem)]
        else:
            flash(_("%(name)s was sent an e-mail with the activation link, shown below too.",
                    name=invitation.user.full_name), "success")
            form = InviteAgentForm(formdata=None)
    code = 422 if request.method == "POST" and invitation is None else 200
    return render_template("desk/admin/agents.html", rows=service.list_staff(), form=form,
                           invitation=invitation), code


@admin_bp.route("/agents/<int:user_id>", methods=["GET", "POST"])
def agent(user_id: int):
    user = _agent_or_404(user_id)
    form = ReassignForm()
    form.assignee.choices = [SelectChoice("", _("Nobody"))] + [
        SelectChoice(row.user.id, row.user.full_name) for row in service.list_staff()
        if row.user.active and row.user.id != user.id
    ]
    if form.validate_on_submit():
        try:
            moved = service.reassign_open_tickets(current_user, user, form.assignee.data,
                                                  (form.note.data or "").strip())
        except (service.AgentError, TicketError) as problem:
            form.assignee.errors = [*form.assignee.errors, problem.message]
        else:
            flash(_("%(n)s tickets reassigned.", n=moved), "success")
            return redirect(url_for("desk_admin.agent", user_id=user.id))
    code = 422 if request.method == "POST" else 200
    return render_template("desk/admin/agent.html", agent=user, form=form,
                           tickets=service.open_tickets_of(user.id), link=None,
                           schema=current_schema()), code


@admin_bp.route("/agents/<int:user_id>/<action>", methods=["POST"])
def agent_action(user_id: int, action: str):
    user = _agent_or_404(user_id)
    if action == "link":
        if user.role != Role.AGENT.value or not user.active:
            abort(404)
        return render_template("desk/admin/agent.html", agent=user, form=None,
                               tickets=service.open_tickets_of(user.id),
                               link=service.activation_link(user), schema=current_schema())
    if action not in ("deactivate", "activate"):
        abort(404)
    try:
        service.set_agent_active(current_user, user, action == "activate")
    except service.AgentError as problem:
        flash(problem.message, "error")
    else:
        flash(_("%(name)s is deactivated.", name=user.full_name) if action == "deactivate"
              else _("%(name)s is active again.", name=user.full_name), "success")
    return redirect(url_for("desk_admin.agent", user_id=user.id))


@bp.route("/welcome/<token>", methods=["GET", "POST"])
def activate(token: str):
    """An invited agent chooses a password, then lands in the queue."""
    user = service.user_for_token(token)
    if user is None:
        return render_template("desk/activate.html", form=None), 404
    form = ActivateForm()
    if form.validate_on_submit():
        try:
            user = service.activate(token, form.password.data, form.confirm.data)
        except service.AgentError as problem:
            target = form._fields.get(problem.field or "", form.password)
            target.errors = [*target.errors, problem.message]
        else:
            login_user(user)
            flash(_("Welcome, %(name)s: your password is set.", name=user.name), "success")
            return redirect(url_for("desk.queue"))
    code = 422 if request.method == "POST" else 200
    return render_template("desk/activate.html", form=form, user=user), code
