"""The owner's company profile: texts, office hours, holidays, zone, language, logo."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

import pytest

from app.accounts.profile import get_profile, owner_zone
from app.desk.profile_settings import parse_holidays, parse_hours
from app.desk.templating import local_time
from app.extensions import db
from app.notify.rendering import mail_language
from app.tickets.models import Ticket

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _form(**changes) -> dict:
    values = {"name": "Assistenza Srl", "email": "help@example.com", "phone": "+39 051 1",
              "address": "Via Roma 1", "vat_number": "IT123", "website": "https://example.com",
              "timezone": "Europe/Rome", "default_language": "it", "holidays": "",
              **{f"hours_{day}": "" for day in ("mon", "tue", "wed", "thu", "fri", "sat",
                                                "sun")}}
    return {**values, **changes}


def test_hours_and_holidays_are_read_leniently_and_stored_strictly():
    assert parse_hours(" 8:30 - 12:30 ; 14:00-18:00 ") == [["08:30", "12:30"], ["14:00", "18:00"]]
    assert parse_hours("") == []
    for bad in ("9-12", "12:00-08:00", "08:00-12:00, 11:00-13:00", "25:00-26:00"):
        with pytest.raises(ValueError):
            parse_hours(bad)
    assert parse_holidays("25/12/2026\n2026-01-01\n\n01.01.2026") == ["2026-01-01", "2026-12-25"]
    with pytest.raises(ValueError):
        parse_holidays("Christmas")


def test_the_owner_saves_the_profile_and_the_logo(app, browser, login, owner):
    login(owner)
    response = browser.submit("/admin/settings", _form(
        hours_mon="08:30-12:30, 14:00-18:00", hours_fri="9:00-13:00",
        holidays="2026-12-25\n26/12/2026", logo=(io.BytesIO(PNG), "logo.png")),
        content_type="multipart/form-data")
    assert response.status_code == 302
    with app.test_request_context():
        profile = get_profile()
        assert (profile.name, profile.email, profile.default_language) == (
            "Assistenza Srl", "help@example.com", "it")
        assert profile.office_hours == {"mon": [["08:30", "12:30"], ["14:00", "18:00"]],
                                        "fri": [["09:00", "13:00"]]}
        assert profile.holidays == ["2026-12-25", "2026-12-26"]
        assert profile.logo_path.endswith(".png")
    logo = browser.get("/logo")
    assert logo.status_code == 200 and logo.data == PNG
    logo.close()
    page = browser.get("/desk/").get_data(as_text=True)
    assert '<img src="/logo"' in page and "Assistenza Srl" in page
    browser.submit("/admin/settings", _form(remove_logo="y"))
    assert browser.get("/logo").status_code == 404


def test_bad_values_are_refused_next_to_their_fields(app, browser, login, owner):
    login(owner)
    response = browser.submit("/admin/settings", _form(
        hours_tue="all day", holidays="soon", timezone="Mars/Olympus",
        logo=(io.BytesIO(b"<html>"), "logo.png")), content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="hours_tue-error">Write the hours as 08:30-12:30, 14:00-18:00.' in html
    assert "soon is not a date" in html
    assert "Upload a PNG, JPEG, GIF or WebP image." in html
    assert 'id="timezone-error"' in html
    with app.test_request_context():
        assert get_profile().name == ""  # nothing stored


def test_the_time_zone_and_the_default_language_are_stored_and_used(app, browser, login,
                                                                      owner, make_ticket):
    ticket = make_ticket()
    with app.test_request_context():
        assert (get_profile().timezone, mail_language(None)) == ("Europe/Rome", "it")
        moment = db.session.get(Ticket, ticket.id).request_date
    new_york, rome = (local_time(moment, "en", ZoneInfo(zone))
                      for zone in ("America/New_York", "Europe/Rome"))
    assert new_york != rome
    login(owner)
    response = browser.submit("/admin/settings", _form(timezone="America/New_York",
                                                       default_language="en"))
    assert response.status_code == 302
    with app.test_request_context():
        profile = get_profile()
        assert (profile.timezone, profile.default_language) == ("America/New_York", "en")
        assert owner_zone() == ZoneInfo("America/New_York")
        assert mail_language(None) == "en"  # for people who chose no language
    html = browser.get("/desk/").get_data(as_text=True)  # the queue shows the request date
    assert new_york in html and rome not in html
