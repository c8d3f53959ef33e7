"""Saved views: an agent's named queue queries."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import Row, bindparam, select

from app.database import atomic
from app.desk.models import SavedView
from app.extensions import db

MAX_NAME = 100
MAX_QUERY = 4000


class ViewError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


#: An agent's views, built once: the queue lists them at every visit.
_VIEWS_OF = (select(SavedView.id, SavedView.name, SavedView.query)
             .where(SavedView.user_id == bindparam("user_id")).order_by(SavedView.name))


def list_views(user_id: int) -> list[Row]:
    """An agent's views by name: rows of their id, name and query."""
    return list(db.session.connection().execute(_VIEWS_OF, {"user_id": user_id}))


def save_view(user_id: int, name: str, query: str) -> SavedView:
    """Save the query under ``name``; a view of the same name is replaced."""
    name = " ".join(name.split())
    if not name:
        raise ViewError(_("Give the view a name."))
    if len(name) > MAX_NAME:
        raise ViewError(_("At most %(n)s characters.", n=MAX_NAME))
    if len(query) > MAX_QUERY:
        raise ViewError(_("This view has too many filters to be saved."))
    with atomic() as session:
        view = session.scalar(
            select(SavedView).where(SavedView.user_id == user_id, SavedView.name == name)
        )
        if view is None:
            view = SavedView(user_id=user_id, name=name)
            session.add(view)
        view.query = query
    return view


def delete_view(user_id: int, view_id: int) -> bool:
    """Delete one of the user's views; False when it is not theirs or does not exist."""
    with atomic() as session:
        view = session.get(SavedView, view_id)
        if view is None or view.user_id != user_id:
            return False
        session.delete(view)
    return True
