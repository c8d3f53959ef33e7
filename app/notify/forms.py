"""The form of the e-mail preferences page."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField

from app.notify.preferences import PREFERENCES, offered_to


class PreferencesForm(FlaskForm):
    """One checkbox per preference; the page shows those offered to its reader."""

    @classmethod
    def for_user(cls, user: Any, current: dict[str, bool], **kwargs) -> PreferencesForm:
        form = cls(data=current, **kwargs)
        for preference in offered_to(user):
            form[preference.key].label.text = preference.label_for(user)
        return form

    def shown(self, user: Any) -> list:
        return [self[p.key] for p in offered_to(user)]

    def choices(self, user: Any) -> dict[str, bool]:
        return {p.key: bool(self[p.key].data) for p in offered_to(user)}


for _preference in PREFERENCES:
    setattr(PreferencesForm, _preference.key, BooleanField(_preference.key))
