"""Each permission cell through the HTML forms a customer uses (the portal)."""

import pytest

from app.accounts.models import Role, User
from app.extensions import db
from app.fields.schema import current_schema
from app.tickets.queries import get_visible_ticket
from app.tickets.service import update_ticket
from app.tickets.values import load_values
from app.timeutil import utcnow
from tests.fields.helpers import example, field
from tests.fields.test_gate import CELLS
from tests.fixtures.factories import PASSWORD

BASE = {"title": "Cells", "description": "d", "request_type": "question",
        "product_family": "services"}
SECRET = "value-only-staff-may-read"


@pytest.mark.parametrize(("visibility", "edit", "expected"), CELLS)
def test_permission_cells_through_portal_forms(app, browser, load_schema, make_user,
                                               visibility, edit, expected):
    document = example()
    document["fields"].append(field("cell", "text", visibility, edit))
    load_schema(document)
    customer = make_user(Role.CUSTOMER, email_verified_at=utcnow())
    agent = make_user(Role.AGENT)
    browser.login(customer.email, PASSWORD)
    create, open_, closed = (access.name == "WRITE" for access in expected)

    form = browser.get("/portal/tickets/new").get_data(as_text=True)
    assert ('name="cell"' in form) is create
    response = browser.submit("/portal/tickets/new", BASE | {"cell": "at creation"})
    assert response.status_code == (303 if create else 403)
    if not create:
        response = browser.submit("/portal/tickets/new", BASE)
        assert response.status_code == 303
    number = response.headers["Location"].rsplit("/", 2)[-2]
    page = f"/portal/tickets/{number}"

    with app.app_context():
        staff = db.session.get(User, agent.id)
        ticket = get_visible_ticket(staff, number)
        update_ticket(staff, ticket, {"cell": SECRET})
    html = browser.get(page).get_data(as_text=True)
    assert (SECRET in html) is (visibility != "hidden")
    assert ('name="cell"' in html) is open_
    response = browser.submit(f"{page}/edit", {"cell": "while open"}, form_url=page)
    assert response.status_code == (303 if open_ else 403)

    with app.app_context():
        staff = db.session.get(User, agent.id)
        ticket = get_visible_ticket(staff, number)
        update_ticket(staff, ticket, {"status": "closed", "root_cause": "known"})
    html = browser.get(page).get_data(as_text=True)
    assert ('name="cell"' in html) is closed
    response = browser.submit(f"{page}/edit", {"cell": "after closing"}, form_url=page)
    assert response.status_code == (303 if closed else 403)
    with app.app_context():
        stored = load_values(current_schema(), get_visible_ticket(
            db.session.get(User, agent.id), number))["cell"]
    assert stored == ("after closing" if closed else "while open" if open_ else SECRET)
