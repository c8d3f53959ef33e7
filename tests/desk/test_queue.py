"""The queue: who may see it, filters from the query string, sorting, keyset pages, counts."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import event

from app.accounts.models import Role
from app.extensions import db
from app.tickets.service import add_comment, update_ticket
from tests.fixtures.factories import PASSWORD


def _numbers(html: str) -> list[str]:
    return re.findall(r'<td class="nowrap"><a href="/desk/tickets/([0-9-]+)">', html)


def _count_of(html: str, status: str) -> int:
    match = re.search(rf'href="/desk/\?(?:[^"]*&amp;)?status={status}"[^>]*>.*?'
                      r'<span class="count">(\d+)</span>', html)
    assert match, f"no tab for {status}"
    return int(match.group(1))


def test_customers_and_visitors_are_kept_out(client, login, customer):
    assert client.get("/desk/").status_code == 302
    login(customer)
    assert client.get("/desk/").status_code == 403
    assert client.get("/admin/statuses").status_code == 403


def test_agents_land_in_the_queue_and_cannot_open_owner_pages(client, browser, agent):
    response = browser.login(agent.email, PASSWORD)
    assert response.headers["Location"] == "/desk/"
    assert client.get("/desk/").status_code == 200
    assert client.get("/admin/settings").status_code == 403


def test_filters_on_builtin_and_custom_fields(client, login, agent, desk_schema, make_ticket,
                                              run_as):
    billing = make_ticket(area="billing", units=3, priority="high")
    tech = make_ticket(area="tech", units=10, priority="low")
    bare = make_ticket()
    run_as(agent, update_ticket, tech, {"assignee": agent.id})
    login(agent)

    def shown(query: str) -> set[str]:
        response = client.get(f"/desk/?{query}")
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        return set(_numbers(response.get_data(as_text=True)))

    assert shown("area=billing") == {billing.number}
    assert shown("area__not_in=billing") == {tech.number, bare.number}
    assert shown("area__empty=") == {bare.number}
    assert shown("units__gte=5") == {tech.number}
    assert shown("priority=high,low") == {billing.number, tech.number}
    assert shown("assignee=me") == {tech.number}
    assert shown("assignee__empty=") == {billing.number, bare.number}
    assert shown(f"company={billing.company_id}") == {billing.number}


def test_text_search_covers_replies_and_internal_notes(client, login, agent, make_ticket,
                                                       run_as):
    first, second = make_ticket(title="Printer jam"), make_ticket(title="Slow network")
    run_as(agent, add_comment, first, "Replaced the fuser unit")
    run_as(agent, add_comment, second, "Suspect the firewall", internal=True)
    login(agent)
    assert _numbers(client.get("/desk/?_q=fuser").get_data(as_text=True)) == [first.number]
    assert _numbers(client.get("/desk/?_q=firewall").get_data(as_text=True)) == [second.number]
    assert _numbers(client.get("/desk/?_q=printer").get_data(as_text=True)) == [first.number]


def test_text_search_covers_descriptions(client, login, agent, make_ticket):
    found = make_ticket(title="Printer jam", description="The toner cartridge leaks.")
    make_ticket(title="Slow network", description="Pages load slowly.")
    make_ticket(title="Cartridge order", description="Ordered new toner.")
    login(agent)
    assert _numbers(client.get("/desk/?_q=leaks").get_data(as_text=True)) == [found.number]
    assert _numbers(client.get("/desk/?_q=cartridge+leaks").get_data(as_text=True)) == [
        found.number]


def test_the_filter_form_is_redirected_to_its_canonical_query(client, login, agent, desk_schema):
    login(agent)
    response = client.get("/desk/?_q=&status=new&status=in_progress&priority.op=in&area.op=empty"
                          "&units.op=gte&units=&code.op=contains&code=ab&_sort=units&_dir=desc"
                          "&assignee=&_size=25")
    assert response.status_code == 302
    assert response.headers["Location"] == (
        "/desk/?status=new,in_progress&area__empty=&code__contains=ab&_sort=-units"
    )
    assert client.get(response.headers["Location"]).status_code == 200


def test_the_form_shows_the_filters_in_force(client, login, agent, desk_schema):
    login(agent)
    html = client.get("/desk/?status=waiting&area__not_in=tech&code__contains=x").get_data(
        as_text=True)
    assert re.search(r'name="status" value="waiting" checked', html)
    assert re.search(r'<option value="not_in" selected>', html)
    assert re.search(r'name="area" value="tech" checked', html)
    assert 'name="code" value="x"' in html
    assert "<details class=\"more-filters\" open>" in html


def test_sorting_and_keyset_pages(client, login, agent, desk_schema, make_ticket):
    made = [make_ticket(units=n) for n in (5, 1, 4, 2, 3)]
    login(agent)
    html = client.get("/desk/?_sort=units&_size=10").get_data(as_text=True)
    assert _numbers(html) == [made[i].number for i in (1, 3, 4, 2, 0)]
    html = client.get("/desk/?_sort=-units&_size=10").get_data(as_text=True)
    assert _numbers(html) == [made[i].number for i in (0, 2, 4, 3, 1)]
    seen, url = [], "/desk/?_sort=units&_size=10"
    more = [make_ticket(units=100 + n) for n in range(12)]
    while url:
        html = client.get(url).get_data(as_text=True)
        seen += _numbers(html)
        match = re.search(r'rel="next" href="\?([^"]+)"', html)
        url = "/desk/?" + match.group(1).replace("&amp;", "&") if match else None
    assert sorted(seen) == sorted(t.number for t in made + more)
    assert len(seen) == len(set(seen)) == 17


def test_counts_per_status_ignore_the_status_filter_only(client, login, agent, desk_schema,
                                                         make_ticket, run_as):
    one, _two, _three = (make_ticket(area="billing"), make_ticket(area="billing"),
                         make_ticket(area="tech"))
    run_as(agent, update_ticket, one, {"status": "in_progress"})
    login(agent)
    html = client.get("/desk/?status=new&area=billing").get_data(as_text=True)
    assert _count_of(html, "new") == 1
    assert _count_of(html, "in_progress") == 1
    html = client.get("/desk/?area=billing").get_data(as_text=True)
    assert _count_of(html, "new") == 1
    run_as(agent, update_ticket, _two, {"status": "in_progress"})  # the cached counts go
    html = client.get("/desk/?area=billing").get_data(as_text=True)
    assert (_count_of(html, "new"), _count_of(html, "in_progress")) == (0, 2)


def test_status_tabs_keep_the_view_and_mark_its_status(client, login, agent, desk_schema,
                                                      make_ticket):
    make_ticket(area="billing")
    login(agent)
    html = client.get("/desk/?area=billing&status=new&_size=10").get_data(as_text=True)
    start = html.index('class="status-tabs"')
    tabs = html[start:html.index("</nav>", start)]
    assert '<a href="/desk/?area=billing&amp;_size=10">All <span class="count">1</span>' in tabs
    assert ('<a href="/desk/?area=billing&amp;status=in_progress&amp;_size=10">'
            '<span class="badge"') in tabs
    assert re.findall(r'href="([^"]+)" aria-current="page"', tabs) == [
        "/desk/?area=billing&amp;status=new&amp;_size=10"]
    assert "status=closed" in tabs  # every active status has its tab, tickets or not


def test_a_bad_filter_is_answered_with_a_message(client, login, agent, desk_schema):
    login(agent)
    for query in ("nosuchfield=1", "units__contains=3", "units=abc", "_sort=nosuch",
                  "_after=garbage"):
        response = client.get(f"/desk/?{query}")
        assert response.status_code == 400, query
        assert 'class="flash flash-error" role="alert"' in response.get_data(as_text=True)


def test_the_queue_is_in_italian_for_italian_staff(client, login, make_user, desk_schema,
                                                   make_ticket):
    make_ticket(area="billing")
    login(make_user(Role.AGENT, language="it"))
    html = client.get("/desk/").get_data(as_text=True)
    assert "Coda" in html and "Fatturazione" in html and "Salva vista" in html


def test_statements_of_a_queue_page_do_not_grow_with_its_rows(app, client, login, agent,
                                                               desk_schema, make_ticket,
                                                               make_user):
    def statements_for(url: str) -> int:
        client.get(url)  # warm the schema and count caches
        seen = []

        def count(*_args):
            seen.append(1)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    people = [make_user(Role.CUSTOMER) for _ in range(5)]
    for n in range(5):
        make_ticket(actor=people[n], area="billing", units=n, code=f"c{n}")
    login(agent)
    few = statements_for("/desk/?area=billing&status=new")
    assert len(_numbers(client.get("/desk/?area=billing&status=new").get_data(as_text=True))) == 5
    for n in range(20):
        make_ticket(actor=people[n % 5], area="billing", units=n, code=f"d{n}")
    many = statements_for("/desk/?area=billing&status=new")
    assert len(_numbers(client.get("/desk/?area=billing&status=new").get_data(as_text=True))) == 25
    assert many == few


def test_a_view_asked_again_reuses_its_statement(client, login, agent, desk_schema,
                                                  make_ticket, monkeypatch):
    from app.tickets import queries

    built = []
    build = queries._page_statements
    monkeypatch.setattr(queries, "_page_statements",
                        lambda *args: built.append(args[2]) or build(*args))
    few, many = make_ticket(units=4242), make_ticket(units=4343)
    login(agent)

    def shown(query: str) -> set[str]:
        return set(_numbers(client.get(f"/desk/?{query}").get_data(as_text=True)))

    assert shown("units__gte=4242") == {few.number, many.number}
    assert shown("units__gte=4242") == {few.number, many.number}
    assert len(built) == 1  # the second visit ran the kept statement
    assert shown("units__gte=4300") == {many.number}  # another value: its own statement
    assert shown("units__gte=4242&_q=nothing-matches-this") == set()  # text: never kept
    empty = client.get("/desk/?units__gte=4242&_q=nothing-matches-this")
    assert "No ticket matches these filters." in empty.get_data(as_text=True)
    assert len(built) == 4
    later = "units__gte=4242&_after=" + queries._encode(1, datetime(2100, 1, 1), 10**9)
    assert shown(later) == shown(later) == {few.number, many.number}  # not the first page
    assert len(built) == 6


def test_postgresql_knows_which_values_each_field_holds(app_ctx):
    """Without these statistics the planner misjudges a dropdown filter at a million
    tickets and the queue page takes fifty times longer (see migration 0301)."""
    from sqlalchemy import text

    if db.engine.dialect.name != "postgresql":
        pytest.skip("extended statistics are a PostgreSQL feature")
    names = set(db.session.scalars(text("SELECT stxname FROM pg_statistic_ext")))
    assert {"st_ticket_value_field_id_text", "st_ticket_value_field_id_number",
            "st_ticket_value_field_id_moment"} <= names


def test_slow_counts_are_reused_for_a_while_after_a_change(app, agent, make_ticket):
    from datetime import timedelta

    from app.desk.counts import status_counts
    from app.desk.models import StatusCountCache
    from app.tickets.queries import TicketQuery

    make_ticket()
    with app.app_context():
        user = db.session.get(type(agent), agent.id)
        assert status_counts(user, TicketQuery())["new"] == 1
        row = db.session.scalars(db.select(StatusCountCache)).one()
        row.counts = {**row.counts, "new": 1000}  # what an earlier, slow count said
        row.stamp, row.cost_ms = "an older state of the tickets", 500
        db.session.commit()
        assert status_counts(user, TicketQuery())["new"] == 1000  # slow: reused
        row = db.session.scalars(db.select(StatusCountCache)).one()
        row.computed_at -= timedelta(seconds=app.config["SPORTELLO_DESK_COUNTS_MAX_AGE"] + 1)
        db.session.commit()
        assert status_counts(user, TicketQuery())["new"] == 1  # too old: counted again
        row = db.session.scalars(db.select(StatusCountCache)).one()
        row.counts, row.stamp, row.cost_ms = {"new": 1000}, "older", 3
        db.session.commit()
        assert status_counts(user, TicketQuery())["new"] == 1  # cheap: always counted afresh
