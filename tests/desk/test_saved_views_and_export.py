"""Saved views per agent, and the CSV export of the current view."""

from __future__ import annotations

import csv
import io
import re

from app.accounts.models import Role
from app.desk.models import SavedView
from app.extensions import db
from app.fields.document import export_document
from app.fields.schema import current_schema
from app.tickets.models import Ticket
from app.tickets.values import load_values


def test_saved_views_belong_to_their_agent(app, browser, login, agent, make_user):
    login(agent)
    response = browser.submit("/desk/views", {"name": "Mine", "query": "assignee=me&_q=vpn"},
                              form_url="/desk/")
    assert response.status_code == 302
    browser.submit("/desk/views", {"name": "Mine", "query": "status=new"}, form_url="/desk/")
    page = browser.get("/desk/").get_data(as_text=True)
    assert '<a href="/desk/?status=new">Mine</a>' in page
    with app.app_context():
        views = db.session.scalars(db.select(SavedView)).all()
        assert [(v.user_id, v.name, v.query) for v in views] == [(agent.id, "Mine", "status=new")]
        view_id = views[0].id
    browser.logout()
    other = make_user(Role.AGENT)
    login(other)
    assert "Mine" not in browser.get("/desk/").get_data(as_text=True)
    browser.submit(f"/desk/views/{view_id}/delete", {}, form_url="/desk/")
    with app.app_context():
        assert db.session.get(SavedView, view_id) is not None
    browser.logout()
    login(agent)
    browser.submit(f"/desk/views/{view_id}/delete", {}, form_url="/desk/")
    with app.app_context():
        assert db.session.get(SavedView, view_id) is None


def test_a_nameless_view_is_refused(browser, login, agent):
    login(agent)
    response = browser.submit("/desk/views", {"name": " ", "query": "status=new"},
                              form_url="/desk/")
    assert "Give the view a name." in browser.get(response.headers["Location"]).get_data(
        as_text=True)


def _csv(response, separator: str) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=separator))


def test_export_of_the_current_view(client, login, agent, desk_schema, make_ticket):
    make_ticket(title="Fattura errata", area="billing", units=3, code="=cmd()")
    make_ticket(title="Rete lenta", area="tech", units=1)
    login(agent)
    response = client.get("/desk/export.csv?area=billing&_cols=area,units,amount,code&_sep=;")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _csv(response, ";")
    assert rows[0] == ["Number", "Title", "Area", "Units", "Amount", "Code"]
    assert [row[1:] for row in rows[1:]] == [["Fattura errata", "Billing", "3", "", "'=cmd()"]]
    rows = _csv(client.get("/desk/export.csv?_sep=,&_sort=units"), ",")
    assert [row[1] for row in rows[1:]] == ["Rete lenta", "Fattura errata"]


def test_export_pages_through_every_ticket(client, login, agent, make_ticket):
    for n in range(105):
        make_ticket(title=f"T{n}")
    login(agent)
    rows = _csv(client.get("/desk/export.csv?_size=10&_sep=;"), ";")
    assert len(rows) == 106 and len({row[0] for row in rows[1:]}) == 105


def test_decimals_follow_the_separator(app, client, login, agent, desk_schema, make_ticket,
                                       run_as):
    from app.tickets.service import update_ticket

    ticket = make_ticket(title="Conto")
    run_as(agent, update_ticket, ticket, {"amount": 12.5})
    login(agent)
    semicolon = _csv(client.get("/desk/export.csv?_cols=amount&_sep=;"), ";")
    comma = _csv(client.get("/desk/export.csv?_cols=amount&_sep=,"), ",")
    assert semicolon[1][2] == "12,50" and comma[1][2] == "12.50"


def test_a_bad_export_filter_goes_back_to_the_queue(client, login, agent):
    login(agent)
    response = client.get("/desk/export.csv?nosuch=1&_sep=;")
    assert response.status_code == 302
    assert "Unknown field: nosuch." in client.get(response.headers["Location"]).get_data(
        as_text=True)


def _choices(html: str) -> list[tuple[str, str]]:
    """The column checkboxes of the view form: (key, label), in their order."""
    return re.findall(r'<input type="checkbox" name="_cols" value="([^"]+)"[^>]*> ([^<]+)</label>',
                      html)


def test_an_archived_field_can_still_be_chosen_and_exported(app, client, browser, login,
                                                            agent, desk_schema, make_ticket,
                                                            load_schema, make_user):
    make_ticket(title="Vecchio", code="ABC-7")
    with app.app_context():
        document = export_document()
    document["fields"] = [f for f in document["fields"] if f["key"] != "code"]
    load_schema(document)  # "code" is left out: archived, its values kept
    login(agent)
    html = client.get("/desk/").get_data(as_text=True)
    choices = _choices(html)
    assert choices[-1] == ("code", "Code (archived)")  # after every active field
    assert ("units", "Units") in choices and 'value="code" checked' not in html
    default = _csv(client.get("/desk/export.csv?_sep=;"), ";")  # not a default column
    assert "Code" not in default[0] and "ABC-7" not in sum(default, [])
    rows = _csv(client.get("/desk/export.csv?_cols=units,code&_sep=;"), ";")
    assert rows[0] == ["Number", "Title", "Units", "Code"]
    assert [row[1:] for row in rows[1:]] == [["Vecchio", "", "ABC-7"]]
    browser.logout()
    login(make_user(Role.AGENT, language="it"))
    choices = _choices(client.get("/desk/").get_data(as_text=True))
    assert choices[-1] == ("code", "Codice (archiviato)")


def test_export_leaves_out_a_value_hidden_by_its_condition(app, client, login, agent,
                                                           desk_schema, make_ticket,
                                                           load_schema, run_as):
    from app.tickets.service import update_ticket

    with app.app_context():
        document = export_document()
    document["fields"].append(
        {"key": "serial", "type": "text", "label": {"en": "Serial", "it": "Matricola"},
         "customer": {"visibility": "write", "edit": ["create"]},
         "condition": {"field": "area", "values": ["tech"]}})
    load_schema(document)
    moved = make_ticket(title="Spostato", area="tech", serial="SN-111")
    make_ticket(title="Tecnico", area="tech", serial="SN-222")
    run_as(agent, update_ticket, moved, {"area": "billing"})
    with app.app_context():
        assert load_values(current_schema(), db.session.get(Ticket, moved.id))["serial"] == (
            "SN-111")  # kept, only hidden while the condition fails
    login(agent)
    rows = _csv(client.get("/desk/export.csv?_cols=area,serial&_sort=number&_sep=;"), ";")
    assert rows[0] == ["Number", "Title", "Area", "Serial"]
    assert sorted(row[1:] for row in rows[1:]) == [["Spostato", "Billing", ""],
                                                   ["Tecnico", "Technical", "SN-222"]]
    assert "SN-111" not in sum(rows, [])
