"""WTForms fields Sportello needs beyond WTForms' own."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from wtforms import DateTimeLocalField, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


class LocalDateTimeField(DateTimeLocalField):
    """A date-time typed in the owner's time zone, held as naive UTC.

    ``zone`` is a callable so that the owner's current time zone is read when
    the form is used, not when its class is cached. The input shows hours and
    minutes: a stored time with seconds (a request date, say) that comes back in
    the same minute keeps its seconds, so an unchanged form changes nothing.
    """

    def __init__(self, *args, zone=lambda: ZoneInfo("UTC"), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._zone = zone

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        if isinstance(self.data, datetime):
            local = self.data.replace(tzinfo=ZoneInfo("UTC")).astimezone(self._zone())
            return local.strftime("%Y-%m-%dT%H:%M")
        return ""

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        if isinstance(self.data, datetime):
            aware = self.data.replace(tzinfo=self._zone())
            self.data = aware.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
            shown = self.object_data
            if isinstance(shown, datetime) and shown.replace(second=0, microsecond=0) == self.data:
                self.data = shown


class CheckboxListField(SelectMultipleField):
    """A multi-select shown as a list of checkboxes (usable without JavaScript)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
