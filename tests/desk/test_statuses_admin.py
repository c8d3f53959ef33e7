"""The owner's statuses page changes statuses through the schema document."""

from __future__ import annotations

from app.extensions import db
from app.fields.models import SchemaChange, SchemaState
from app.fields.schema import current_schema
from app.tickets.models import Status
from app.tickets.service import update_ticket


def _statuses(app) -> list[tuple[str, str, str, bool]]:
    with app.app_context():
        return [(s.key, s.name_en, s.category, s.active) for s in db.session.scalars(
            db.select(Status).order_by(Status.position))]


def test_add_edit_order_and_deactivate(app, browser, login, owner):
    login(owner)
    with app.app_context():
        version = db.session.get(SchemaState, 1).version
    response = browser.submit("/admin/statuses", {"name_en": "Waiting for parts",
                                                  "name_it": "In attesa di ricambi",
                                                  "category": "on_hold", "colour": "#aa5500"})
    assert response.status_code == 302
    assert _statuses(app)[-1] == ("waiting_for_parts", "Waiting for parts", "on_hold", True)
    with app.app_context():
        assert db.session.get(SchemaState, 1).version == version + 1
        change = db.session.scalars(
            db.select(SchemaChange).order_by(SchemaChange.id.desc())).first()
        assert change.actor_id == owner.id and "+ status waiting_for_parts" in change.summary
        assert current_schema().status("waiting_for_parts").name.it == "In attesa di ricambi"
    browser.submit("/admin/statuses/waiting_for_parts", {"name_en": "Parts on order",
                                                         "name_it": "", "category": "on_hold",
                                                         "colour": "#aa5500"})
    browser.submit("/admin/statuses/waiting_for_parts/deactivate", {}, form_url="/admin/statuses")
    assert ("waiting_for_parts", "Parts on order", "on_hold", False) in _statuses(app)


def test_statuses_are_reordered(app, browser, login, owner):
    login(owner)
    browser.submit("/admin/statuses/closed/up", {}, form_url="/admin/statuses")
    assert [row[0] for row in _statuses(app)][-2:] == ["closed", "done"]


def test_a_status_in_use_is_never_deleted(app, browser, login, owner, agent, make_ticket,
                                          run_as):
    ticket = make_ticket()
    run_as(agent, update_ticket, ticket, {"status": "suspended"})
    login(owner)
    page = browser.get("/admin/statuses").get_data(as_text=True)
    assert "/admin/statuses/suspended/delete" not in page
    assert "/admin/statuses/reschedule/delete" in page
    response = browser.submit("/admin/statuses/suspended/delete", {}, form_url="/admin/statuses")
    assert "Tickets have this status: deactivate it instead." in browser.get(
        response.headers["Location"]).get_data(as_text=True)
    assert "suspended" in [row[0] for row in _statuses(app)]
    browser.submit("/admin/statuses/reschedule/delete", {}, form_url="/admin/statuses")
    assert "reschedule" not in [row[0] for row in _statuses(app)]
    response = browser.submit("/admin/statuses/suspended", {"name_en": "Suspended",
                                                            "category": "closed",
                                                            "colour": "#6b7280"})
    assert response.status_code == 422
    assert "cannot move between closed and not closed" in response.get_data(as_text=True)


def test_the_last_closed_status_cannot_go(app, browser, login, owner):
    login(owner)
    browser.submit("/admin/statuses/done/deactivate", {}, form_url="/admin/statuses")
    response = browser.submit("/admin/statuses/closed/deactivate", {}, form_url="/admin/statuses")
    html = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "At least one active status must be of category Closed." in html
    assert ("closed", "Closed", "closed", True) in _statuses(app)


def test_bad_input_is_shown_next_to_the_field(browser, login, owner):
    login(owner)
    response = browser.submit("/admin/statuses", {"name_en": "", "category": "sleeping",
                                                  "colour": "red"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="name_en-error"' in html and 'id="category-error"' in html


def _colour(app, key: str) -> str:
    with app.app_context():
        return db.session.scalar(db.select(Status.colour).where(Status.key == key))


def test_the_submitted_colour_is_stored(app, browser, login, owner):
    login(owner)
    browser.submit("/admin/statuses", {"name_en": "Waiting for parts", "name_it": "",
                                       "category": "on_hold", "colour": "#aa5500"})
    assert _colour(app, "waiting_for_parts") == "#aa5500"
    browser.submit("/admin/statuses/waiting_for_parts", {"name_en": "Waiting for parts",
                                                         "name_it": "", "category": "on_hold",
                                                         "colour": "#0055aa"})
    assert _colour(app, "waiting_for_parts") == "#0055aa"
    with app.app_context():
        assert current_schema().status("waiting_for_parts").colour == "#0055aa"


def test_the_seven_default_statuses(app):
    with app.app_context():
        rows = [(s.key, s.name_en, s.name_it, s.category) for s in db.session.scalars(
            db.select(Status).order_by(Status.position))]
    assert rows == [
        ("new", "New", "Nuovo", "new"),
        ("in_progress", "In progress", "In gestione", "open"),
        ("waiting", "Waiting for your reply", "Attesa di risposta", "waiting"),
        ("suspended", "Suspended", "Sospeso", "on_hold"),
        ("reschedule", "To reschedule", "Riprogrammare", "on_hold"),
        ("done", "Done", "Eseguito", "closed"),
        ("closed", "Closed", "Chiuso", "closed"),
    ]
