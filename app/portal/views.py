"""The customer portal's pages. Views are thin: the write path stores, the gate and
``visible_to`` decide what is seen, the modules beside this one build the pages."""

from __future__ import annotations

from contextlib import nullcontext

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.extensions import db
from app.fields.forms import build_ticket_form, create_defaults, ticket_form_class
from app.fields.gate import Viewer
from app.fields.layout import entries
from app.fields.schema import Stage, current_schema
from app.portal import formatting, links
from app.portal.access import customer_required, may_open_tickets, owner_required
from app.portal.attachments import attachment_response, may_download
from app.portal.forms import FilesForm, ReplyForm, RevokeLinksForm, upload_accept, upload_help
from app.portal.listing import list_query, list_rows, list_view, status_options
from app.portal.ticket_page import build_page, cascades_for, edit_form_for
from app.tickets.display import Names, display_context
from app.tickets.errors import TicketError
from app.tickets.models import Attachment, Ticket
from app.tickets.queries import QueryError, count_by_status, find_tickets, get_visible_ticket
from app.tickets.service import add_comment, create_ticket, update_ticket
from app.tickets.values import load_values
from app.web import MenuItem

bp = Blueprint("portal", __name__, url_prefix="/portal", template_folder="templates",
               static_folder="static")


def _is_customer(user) -> bool:
    return user.is_authenticated and user.is_customer


def _is_owner(user) -> bool:
    return user.is_authenticated and user.is_owner


#: The portal's entries of the header menu (added by ``app.web``).
MENU = (
    MenuItem("portal.tickets", _l("My tickets"), _is_customer, 10),
    MenuItem("portal.new_ticket", _l("New ticket"), _is_customer, 20),
    MenuItem("portal.links", _l("Access links"), _is_owner, 90),
)


@bp.context_processor
def _helpers():
    return {
        "local_time": formatting.local_time,
        "iso_time": formatting.iso_time,
        "safe_colour": formatting.safe_colour,
        "file_size": formatting.file_size,
        "upload_help": upload_help,
        "upload_accept": upload_accept,
    }


def _user():
    return current_user._get_current_object()


def _visible_or_404(number: str) -> Ticket:
    ticket = get_visible_ticket(_user(), number)
    if ticket is None:
        abort(404)
    return ticket


# -- the list ----------------------------------------------------------------------

@bp.route("/")
@bp.route("/tickets")
@customer_required
def tickets():
    user = _user()
    schema = current_schema()
    viewer = Viewer.of(user)
    view = list_view(schema, viewer, request.args)
    cursor = request.args.get("after") or None
    error = None
    try:
        page = find_tickets(user, list_query(schema, view, cursor))
    except QueryError as refused:  # a page link from before a change: the first page
        error = refused.message
        page = find_tickets(user, list_query(schema, view, None))
        cursor = None
    options = []
    if view.filter_by_status:
        options = status_options(schema, count_by_status(user, list_query(schema, view, None)))
    next_url = None
    if page.next_cursor:
        next_url = url_for(".tickets", status=view.status or None, q=view.text or None,
                           after=page.next_cursor)
    return render_template(
        "portal/list.html", view=view, rows=list_rows(schema, viewer, view, page),
        status_options=options, next_url=next_url, paged=bool(cursor), error=error,
        may_open=may_open_tickets(user),
    ), (400 if error else 200)


# -- a new ticket ------------------------------------------------------------------

def _follow_up_values(user, form_fields) -> dict:
    """A new ticket that follows a closed one mentions it (only a ticket the user sees)."""
    number = request.args.get("follow_up", "").strip()
    previous = get_visible_ticket(user, number) if number else None
    if previous is None:
        return {}
    text = _("Follow-up of ticket %(number)s (%(title)s).", number=previous.number,
             title=previous.title)
    if "description" in form_fields:
        return {"description": text + "\n\n"}
    if "title" in form_fields:
        return {"title": text[:200]}
    return {}


@bp.route("/tickets/new", methods=["GET", "POST"])
@customer_required
def new_ticket():
    user = _user()
    if not may_open_tickets(user):
        return render_template("portal/cannot_open.html", user=user), 403
    schema = current_schema()
    viewer = Viewer.of(user)
    values = create_defaults(schema)

    def ticket_form(shown: bool):
        # Choices read from data (the company's persons) matter only on a form shown;
        # a post that succeeds spares the query.
        return build_ticket_form(schema, viewer, Stage.CREATE, values=values,
                                 company_id=user.company_id if shown else None)

    files_form = FilesForm()
    message, status, refused = None, 200, {}
    if request.method == "GET":
        writable = ticket_form_class(schema, viewer, Stage.CREATE).schema_fields
        values |= _follow_up_values(user, {f.key for f in writable})
    else:
        form = ticket_form(False)
        if form.validate_on_submit():
            try:
                ticket = create_ticket(
                    user, form.submitted_values(schema), form.uploaded_files(),
                    attachments=request.files.getlist("attachments"), via="portal",
                )
            except TicketError as error:
                refused = dict(error.fields)
                if "attachments" in refused:
                    files_form.attachments.errors = [refused.pop("attachments")]
                message, status = error.message, error.status_code
            else:
                return redirect(url_for(".created", number=ticket.number), 303)
        else:
            message, status = _("Nothing was saved: please correct the fields marked."), 422
    form = ticket_form(True)
    if request.method == "POST":
        form.validate()  # the messages of the form's own checks, on the form shown
        form.apply_errors(refused)
    context = display_context(Names(schema))
    return render_template(
        "portal/new.html", form=form, files_form=files_form, message=message,
        entries=entries(schema, viewer, Stage.CREATE, form, values, context,
                        include_readonly=False),
        cascades=cascades_for(schema, form),
    ), status


@bp.route("/tickets/<number>/created")
@customer_required
def created(number: str):
    return render_template("portal/created.html", ticket=_visible_or_404(number))


# -- a ticket ----------------------------------------------------------------------

def _render_ticket(user, ticket: Ticket, *, token: str | None = None, status: int = 200,
                   message: str | None = None, follow_up: bool = False, **forms):
    page = build_page(user, ticket, editable=token is None, **forms)
    if token is None:
        reply_url = url_for(".reply", number=ticket.number)
        edit_url = url_for(".edit", number=ticket.number)

        def file_url(attachment: Attachment) -> str:
            return url_for(".attachment", number=ticket.number, attachment_id=attachment.id)
    else:
        reply_url = url_for(".link", token=token)
        edit_url = None

        def file_url(attachment: Attachment) -> str:
            return url_for(".link_attachment", token=token, attachment_id=attachment.id)
    return render_template(
        "portal/ticket.html", page=page, link_mode=token is not None, reply_url=reply_url,
        edit_url=edit_url, file_url=file_url, message=message, follow_up=follow_up,
    ), status


def _reply(user, ticket: Ticket, *, token: str | None, redirect_to: str):
    """Post a reply as ``user``; on refusal the page again with the write path's message."""
    form = ReplyForm()
    if not form.validate_on_submit():
        return _render_ticket(user, ticket, token=token, status=422, reply_form=form,
                              message=_("Nothing was sent: please correct the fields marked."))
    try:
        add_comment(user, ticket, form.body.data or "",
                    files=request.files.getlist("attachments"),
                    via="portal" if token is None else "link")
    except TicketError as error:
        for key, text in error.fields.items():
            if key in form._fields:
                form[key].errors = [*form[key].errors, text]
        closed = current_schema().status_by_id(ticket.status_id).is_closed
        return _render_ticket(user, ticket, token=token, status=error.status_code,
                              reply_form=form, message=error.message,
                              follow_up=closed and not error.fields)
    flash(_("Your reply was sent."), "success")
    return redirect(redirect_to + "#reply", 303)


@bp.route("/tickets/<number>")
@customer_required
def ticket(number: str):
    return _render_ticket(_user(), _visible_or_404(number))


@bp.route("/tickets/<number>/reply", methods=["POST"])
@customer_required
def reply(number: str):
    ticket = _visible_or_404(number)
    return _reply(_user(), ticket, token=None,
                  redirect_to=url_for(".ticket", number=ticket.number))


@bp.route("/tickets/<number>/edit", methods=["POST"])
@customer_required
def edit(number: str):
    user = _user()
    ticket = _visible_or_404(number)
    schema = current_schema()
    values = load_values(schema, ticket)
    form = edit_form_for(schema, Viewer.of(user), ticket, values, submitted=True)
    if form is None:
        # Nothing here is the customer's to change; fields posted anyway go to the gate,
        # which refuses them and records the attempt.
        posted = {key: request.form.get(key) for key in request.form if key in schema.by_key}
        if posted:
            try:
                update_ticket(user, ticket, posted, via="portal")
            except TicketError as error:
                return _render_ticket(user, ticket, status=error.status_code,
                                      message=error.message)
        abort(403)
    if not form.validate_on_submit():
        return _render_ticket(user, ticket, status=422, edit_form=form,
                              message=_("Nothing was saved: please correct the fields marked."))
    try:
        changes = update_ticket(user, ticket, form.submitted_values(schema),
                                form.uploaded_files(), via="portal")
    except TicketError as error:
        form.apply_errors(error.fields)
        return _render_ticket(user, ticket, status=error.status_code, edit_form=form,
                              message=error.message)
    flash(_("Your changes were saved.") if changes else _("Nothing was changed."), "success")
    return redirect(url_for(".ticket", number=ticket.number) + "#details", 303)


@bp.route("/tickets/<number>/files/<int:attachment_id>")
@customer_required
def attachment(number: str, attachment_id: int):
    return _download(_user(), _visible_or_404(number), attachment_id)


def _download(user, ticket: Ticket, attachment_id: int):
    schema = current_schema()
    found = db.session.get(Attachment, attachment_id)
    if found is None or not may_download(user, schema, ticket, load_values(schema, ticket),
                                         found):
        abort(404)
    return attachment_response(found)


# -- signed links ------------------------------------------------------------------

def _link_access_or_404(token: str):
    access = links.resolve(token)
    if access is None:
        abort(404)
    return access


def _person_locale(person):
    language = person.language
    if language in current_app.config["SPORTELLO_LANGUAGES"]:
        return force_locale(language)
    return nullcontext()


def _private(response):
    """Link pages carry a secret in their URL: keep it out of caches and referrers."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/t/<token>", methods=["GET", "POST"])
def link(token: str):
    """One ticket for one person, read and reply only; nobody is logged in."""
    access = links.resolve(token)
    if access is None:
        return _private(current_app.make_response(
            (render_template("portal/link_invalid.html"), 404)
        ))
    with _person_locale(access.person):
        if request.method == "POST":
            result = _reply(access.person, access.ticket, token=token,
                            redirect_to=url_for(".link", token=token))
        else:
            result = _render_ticket(access.person, access.ticket, token=token)
    return _private(current_app.make_response(result))


@bp.route("/t/<token>/files/<int:attachment_id>")
def link_attachment(token: str, attachment_id: int):
    access = _link_access_or_404(token)
    return _private(_download(access.person, access.ticket, attachment_id))


# -- the owner's revocations -------------------------------------------------------

@bp.route("/links", methods=["GET", "POST"], endpoint="links")
@owner_required
def links_page():
    form = RevokeLinksForm()
    if form.validate_on_submit():
        scope = links.find_scope(form.number.data, form.email.data)
        for key, text in scope.errors.items():
            form[key].errors = [*form[key].errors, text]
        if not scope.errors and scope.ticket is None and scope.person is None \
                and not form.everything.data:
            form.everything.errors = [_("Give a ticket number or an e-mail, "
                                        "or tick this box to revoke every link.")]
        if not form.errors:
            links.revoke_links(_user(), ticket=scope.ticket, person=scope.person)
            flash(_("The links were revoked: they no longer open any ticket."), "success")
            return redirect(url_for(".links"), 303)
    status = 422 if form.errors else 200
    return render_template("portal/links.html", form=form,
                           revocations=links.recent_revocations()), status
