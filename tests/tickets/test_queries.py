"""Who sees which ticket, text search, filters through the gate, stable keyset pages."""

import pytest

from app.accounts.models import Role, User
from app.extensions import db
from app.tickets.queries import (
    Filter,
    QueryError,
    Sort,
    TicketQuery,
    count_by_status,
    find_tickets,
    get_visible_ticket,
    parse_filters,
)
from app.tickets.service import add_comment, create_ticket

BASE = {"description": "d", "request_type": "incident", "product_family": "hardware"}


@pytest.fixture
def world(app, load_schema, make_user, make_company):
    load_schema()
    acme, other = make_company(name="Acme"), make_company(name="Other")
    return {
        "anna": make_user(Role.CUSTOMER, company=acme),
        "bruno": make_user(Role.CUSTOMER, company=acme),
        "boss": make_user(Role.CUSTOMER, company=acme, is_company_manager=True),
        "zoe": make_user(Role.CUSTOMER, company=other),
        "agent": make_user(Role.AGENT),
    }


def _open(app, user, title, **values):
    with app.app_context():
        return create_ticket(db.session.get(User, user.id), BASE | {"title": title} | values)


def _numbers(app, user, query: TicketQuery | None = None):
    with app.test_request_context():
        page = find_tickets(db.session.get(User, user.id), query or TicketQuery())
        return {t.number for t in page.tickets}


def test_each_person_sees_what_they_requested_or_are_named_on(app, world):
    anna_own = _open(app, world["anna"], "Anna's")
    named = _open(app, world["bruno"], "Bruno names Anna", notify_person=world["anna"].id)
    bruno_own = _open(app, world["bruno"], "Bruno's")
    zoe_own = _open(app, world["zoe"], "Zoe's")
    with app.app_context():
        agent = db.session.get(User, world["agent"].id)
        on_behalf = create_ticket(agent, BASE | {"title": "Phone call",
                                                  "company": world["anna"].company_id,
                                                  "requester": world["anna"].id})
    assert _numbers(app, world["anna"]) == {anna_own.number, named.number, on_behalf.number}
    assert _numbers(app, world["bruno"]) == {named.number, bruno_own.number}
    assert _numbers(app, world["boss"]) == {anna_own.number, named.number, bruno_own.number,
                                            on_behalf.number}
    assert _numbers(app, world["zoe"]) == {zoe_own.number}
    assert len(_numbers(app, world["agent"])) == 5
    with app.app_context():
        assert get_visible_ticket(db.session.get(User, world["zoe"].id), anna_own.number) is None
        assert get_visible_ticket(db.session.get(User, world["anna"].id), anna_own.number)


def test_text_search_never_finds_by_internal_notes_for_customers(app, world):
    ticket = _open(app, world["anna"], "Stampante guasta")
    with app.app_context():
        agent = db.session.get(User, world["agent"].id)
        add_comment(agent, ticket, "Il toner è finito", internal=False)
        add_comment(agent, ticket, "Cliente moroso, attenzione", internal=True)
    found = lambda user, text: _numbers(app, user, TicketQuery(text=text))  # noqa: E731
    assert found(world["anna"], "stampante") == {ticket.number}
    assert found(world["anna"], "toner") == {ticket.number}
    assert found(world["anna"], "stamp") == {ticket.number}  # prefixes match
    assert found(world["anna"], "moroso") == set()
    assert found(world["agent"], "moroso") == {ticket.number}
    assert found(world["zoe"], "stampante") == set()


def test_customers_cannot_filter_or_sort_on_hidden_fields(app, world):
    with app.test_request_context():
        anna = db.session.get(User, world["anna"].id)
        with pytest.raises(QueryError):
            find_tickets(anna, TicketQuery(filters=(Filter("root_cause", "contains", "x"),)))
        with pytest.raises(QueryError):
            find_tickets(anna, TicketQuery(sort=Sort("root_cause")))
        agent = db.session.get(User, world["agent"].id)
        find_tickets(agent, TicketQuery(filters=(Filter("root_cause", "contains", "x"),)))


def test_bad_operators_values_and_cursors_are_clear_errors(app, world):
    with app.test_request_context():
        agent = db.session.get(User, world["agent"].id)
        for query in (
            TicketQuery(filters=(Filter("impact", "gt", "team"),)),
            TicketQuery(filters=(Filter("request_date", "lt", "yesterday"),)),
            TicketQuery(filters=(Filter("no_such_field", "eq", 1),)),
            TicketQuery(cursor="not-a-cursor"),
            TicketQuery(sort=Sort("description")),
        ):
            with pytest.raises(QueryError):
                find_tickets(agent, query)


def test_keyset_pages_stay_stable_while_tickets_are_created(app, world):
    for n in range(7):
        _open(app, world["anna"], f"Old {n}")
    seen, cursor = [], None
    with app.test_request_context():
        anna = db.session.get(User, world["anna"].id)
        while True:
            page = find_tickets(anna, TicketQuery(limit=3, cursor=cursor,
                                                  sort=Sort("number", True)))
            seen += [t.number for t in page.tickets]
            cursor = page.next_cursor
            if cursor is None:
                break
            create_ticket(anna, BASE | {"title": "New while paging"})
    assert len(seen) == 7 and len(set(seen)) == 7
    assert all(number.startswith(seen[0][:5]) for number in seen)


def test_parse_filters_and_counts(app, world):
    _open(app, world["anna"], "one", impact="team")
    _open(app, world["anna"], "two", impact="company")
    with app.test_request_context():
        filters = parse_filters([("impact", "team,company"), ("status", "new")])
        assert filters[0] == Filter("impact", "in", ["team", "company"])
        agent = db.session.get(User, world["agent"].id)
        counts = count_by_status(agent, TicketQuery(filters=filters))
        assert counts["new"] == 2 and counts["closed"] == 0
        narrow = TicketQuery(filters=parse_filters([("impact", "team")]))
        assert len(find_tickets(agent, narrow).tickets) == 1
