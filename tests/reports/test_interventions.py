"""Logging interventions: times (across midnight, summer time), duration, travel,
materials, and a message per bad input with nothing stored."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest

from app.accounts.models import User
from app.extensions import db
from app.reports.errors import InvalidInput, NotAllowed
from app.reports.interventions import (
    MaterialInput,
    as_input,
    delete_intervention,
    interventions_of,
    log_intervention,
    update_intervention,
)
from app.reports.models import Intervention, MaterialLine
from app.tickets.models import Ticket
from tests.reports.conftest import work


def _count(app, model) -> int:
    with app.app_context():
        return db.session.query(model).count()


def test_start_and_end_give_the_minutes(app, ticket, log):
    intervention = log(ticket, start_time=time(9, 10), end_time=time(11, 0))
    assert intervention.minutes == 110
    # stored in UTC: Rome is UTC+1 in March
    assert intervention.start_at == datetime(2026, 3, 10, 8, 10)
    assert intervention.end_at == datetime(2026, 3, 10, 10, 0)


def test_work_across_midnight_ends_the_next_day(app, ticket, log):
    intervention = log(ticket, start_time=time(22, 30), end_time=time(1, 15))
    assert intervention.minutes == 165
    assert intervention.work_date == date(2026, 3, 10)
    assert intervention.end_at == datetime(2026, 3, 11, 0, 15)
    with app.app_context():
        assert as_input(db.session.get(Intervention, intervention.id)).end_time == time(1, 15)


def test_summer_time_change_counts_real_minutes(app, ticket, log):
    # Europe/Rome skips 02:00-03:00 on 29 March 2026: 01:00 to 04:00 lasts two hours
    intervention = log(ticket, work_date=date(2026, 3, 29), start_time=time(1, 0),
                       end_time=time(4, 0))
    assert intervention.minutes == 120


def test_start_and_duration(app, ticket, log):
    intervention = log(ticket, start_time=time(23, 0), end_time=None, duration=90)
    assert intervention.minutes == 90
    assert intervention.end_at == datetime(2026, 3, 10, 23, 30)  # 00:30 in Rome
    with app.app_context():
        assert as_input(db.session.get(Intervention, intervention.id)).end_time == time(0, 30)


def test_duration_alone(app, ticket, log):
    intervention = log(ticket, start_time=None, end_time=None, duration=45)
    assert intervention.minutes == 45 and intervention.start_at is None


def test_on_site_with_travel_and_materials(app, ticket, log):
    intervention = log(ticket, on_site=True, travel_time=40, travel_km=Decimal("23.5"),
                       materials=[("Toner", Decimal("2"), "pcs", Decimal("49.90")),
                                  ("", None, "", None),  # a blank line is skipped
                                  ("Cable", Decimal("1.5"), "m", Decimal("2"))])
    with app.app_context():
        stored = db.session.get(Intervention, intervention.id)
        assert (stored.travel_minutes, stored.travel_km) == (40, Decimal("23.5"))
        assert [(m.description, m.quantity, m.unit, m.unit_price) for m in stored.materials] == [
            ("Toner", Decimal("2"), "pcs", Decimal("49.90")),
            ("Cable", Decimal("1.5"), "m", Decimal("2")),
        ]


@pytest.mark.parametrize(("overrides", "field"), [
    ({"work_date": None}, "work_date"),
    ({"description": "  "}, "description"),
    ({"start_time": None, "end_time": None}, "duration"),
    ({"start_time": None}, "start_time"),
    ({"end_time": None}, "end_time"),
    ({"duration": 30}, "duration"),  # an end time and a duration
    ({"start_time": time(9, 0), "end_time": time(9, 0)}, "end_time"),
    ({"start_time": None, "end_time": None, "duration": 0}, "duration"),
    ({"start_time": None, "end_time": None, "duration": 24 * 60 + 1}, "duration"),
    ({"travel_time": 30}, "travel_time"),  # remote work has no travel
    ({"travel_km": Decimal("5")}, "travel_km"),
    ({"on_site": True, "travel_km": Decimal("1.2345")}, "travel_km"),
    ({"operator_id": -1}, "operator_id"),
    ({"materials": [MaterialInput("Toner", None, "pcs", Decimal("1"))]}, "materials-0-quantity"),
    ({"materials": [MaterialInput("", Decimal("1"), "", Decimal("1"))]},
     "materials-0-description"),
    ({"materials": [MaterialInput("A", Decimal("1"), "", None)]}, "materials-0-unit_price"),
    ({"materials": [MaterialInput("A", Decimal("0"), "", Decimal("1"))]},
     "materials-0-quantity"),
    ({"materials": [MaterialInput("A", Decimal("1"), "", Decimal("1.00001"))]},
     "materials-0-unit_price"),
])
def test_bad_input_is_refused_with_a_message_per_field(app, ticket, agent, overrides, field):
    overrides.setdefault("operator_id", agent.id)
    with app.app_context(), pytest.raises(InvalidInput) as refused:
        log_intervention(db.session.get(User, agent.id), db.session.get(Ticket, ticket.id),
                         work(**overrides))
    assert field in refused.value.fields and refused.value.fields[field]
    assert _count(app, Intervention) == 0 and _count(app, MaterialLine) == 0


def test_a_customer_cannot_be_the_operator(app, ticket, agent, person):
    with app.app_context(), pytest.raises(InvalidInput) as refused:
        log_intervention(db.session.get(User, agent.id), db.session.get(Ticket, ticket.id),
                         work(operator_id=person.id))
    assert "operator_id" in refused.value.fields


def test_customers_cannot_log_interventions(app, ticket, person):
    with app.app_context(), pytest.raises(NotAllowed):
        log_intervention(db.session.get(User, person.id), db.session.get(Ticket, ticket.id),
                         work(operator_id=person.id))


def test_update_replaces_materials_and_delete_removes_them(app, ticket, agent, log):
    intervention = log(ticket, materials=[("Toner", Decimal("1"), "pcs", Decimal("10"))])
    with app.app_context():
        actor = db.session.get(User, agent.id)
        target = db.session.get(Ticket, ticket.id)
        update_intervention(actor, target, intervention.id, work(
            operator_id=agent.id, description="Changed",
            materials=[MaterialInput("Drum", Decimal("1"), "pcs", Decimal("80"))]))
    with app.app_context():
        target = db.session.get(Ticket, ticket.id)
        [stored] = interventions_of(target)
        assert stored.description == "Changed"
        assert [m.description for m in stored.materials] == ["Drum"]
        delete_intervention(db.session.get(User, agent.id), target, intervention.id)
    assert _count(app, Intervention) == 0 and _count(app, MaterialLine) == 0


def test_an_intervention_is_reached_only_through_its_ticket(app, ticket, make_ticket, person,
                                                            agent, log):
    intervention = log(ticket)
    other = make_ticket(actor=person)
    with app.app_context(), pytest.raises(InvalidInput):
        delete_intervention(db.session.get(User, agent.id), db.session.get(Ticket, other.id),
                            intervention.id)
    assert _count(app, Intervention) == 1
