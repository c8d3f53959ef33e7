"""A faster ``<select>`` for forms with long lists (companies, agents, persons).

WTForms' own Select widget builds each option through ``Markup.format`` and a
``SelectChoice``; with a few hundred customer companies that is most of the
time a ticket page takes. This widget prints the same HTML with plain string
formatting. It is set on the bound fields of one form instance, never on a
shared (cached) form class.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from html import escape
from typing import Any

from markupsafe import Markup
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import Select, html_params


def _pairs(choices: Any):
    for choice in choices or ():
        if isinstance(choice, SelectChoice):
            yield choice.value, choice.label
        elif isinstance(choice, tuple | list):
            yield choice[0], choice[1]
        else:
            yield choice, choice


def option_tags(pairs: Iterable[tuple[Any, Any]],
                selected: Callable[[Any], bool] = lambda _value: False) -> str:
    """``<option>`` elements of (value, label) pairs, escaped, in one string."""
    return "".join(
        f'<option value="{escape(str(value))}"{" selected" if selected(value) else ""}>'
        f"{escape(str(label))}</option>"
        for value, label in pairs
    )


def mark_selected(options: str, values: Iterable[str]) -> Markup:
    """``options`` (from :func:`option_tags`, none selected) with ``values`` selected:
    a long list is built once and kept, the choice marked per page."""
    for value in values:
        option = f'<option value="{escape(value)}">'
        options = options.replace(option, option[:-1] + " selected>", 1)
    return Markup(options)  # noqa: S704  (option_tags escapes)


def _selected(field, value: Any) -> bool:
    try:
        return field.coerce(value) == field.data
    except (TypeError, ValueError):
        return False


class FastSelect:
    """Renders a single-choice SelectField like WTForms' Select widget does."""

    def __call__(self, field, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        if field.flags.required and "required" not in kwargs:
            kwargs["required"] = True
        attributes = html_params(name=field.name, **kwargs)
        options = option_tags(_pairs(field.choices), lambda value: _selected(field, value))
        return Markup(f"<select {attributes}>{options}</select>")  # noqa: S704  (escaped)


def fast_selects(form: Any) -> Any:
    """Give the single-choice selects of ``form`` (an instance) the faster widget."""
    for field in form:
        if isinstance(field.widget, Select) and not field.widget.multiple:
            field.widget = FastSelect()
    return form
