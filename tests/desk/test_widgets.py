"""The faster select prints what WTForms' own Select prints."""

from __future__ import annotations

from html.parser import HTMLParser

from wtforms import Form, SelectField
from wtforms.fields.choices import SelectChoice

from app.desk.widgets import FastSelect, fast_selects


class _Select(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.attributes: dict = {}
        self.options: list = []
        self._option = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "select":
            self.attributes = dict(attrs)
        elif tag == "option":
            self._option = dict(attrs)

    def handle_data(self, data):
        if self._option is not None:
            self.options.append((self._option.get("value"), "selected" in self._option, data))
            self._option = None


class _Form(Form):
    agent = SelectField("Agent", coerce=int, choices=[
        SelectChoice(1, "Anna <Rossi> & \"Co\""), SelectChoice(2, "Luca Neri")])
    colour = SelectField("Colour", choices=[SelectChoice("red", "Red"),
                                            SelectChoice("blue", "Blue")])


def test_same_options_attributes_and_choice_as_wtforms():
    for data in ({"agent": 2, "colour": "blue"}, {"agent": 1, "colour": "red"}):
        plain, fast = _Form(data=data), fast_selects(_Form(data=data))
        for name in ("agent", "colour"):
            assert isinstance(fast[name].widget, FastSelect)
            expected = _Select(str(plain[name](class_="x", required=True)))
            printed = _Select(str(fast[name](class_="x", required=True)))
            assert printed.attributes == expected.attributes
            assert printed.options == expected.options
