"""Where a portal upload lands: under the upload folder, with a random name, never in a
folder the web server hands out as static files."""

from __future__ import annotations

import io
import os
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.tickets.models import Attachment, Comment

UPLOADED = "quarterly-invoice.pdf"


def static_folders(app) -> list[Path]:
    """The application's static folder and every blueprint's."""
    folders = [app.static_folder] + [bp.static_folder for bp in app.blueprints.values()]
    return [Path(folder).resolve() for folder in folders if folder]


def test_a_portal_upload_is_stored_outside_static_under_a_random_name(
    app, people, as_user, open_ticket
):
    ticket = open_ticket(people.alice)
    url = f"/portal/tickets/{ticket.number}"
    response = as_user(people.alice).submit(f"{url}/reply", {
        "body": "The invoice", "attachments": [(io.BytesIO(b"%PDF-1.4 bytes"), UPLOADED)],
    }, form_url=url)
    assert response.status_code == 303
    with app.app_context():
        attachment = db.session.scalars(
            select(Attachment).join(Comment).where(Comment.ticket_id == ticket.id)).one()
        key = attachment.storage_key
    assert attachment.filename == UPLOADED  # the name is kept for display only...
    assert UPLOADED not in key and "quarterly" not in key and "." not in key  # ...not on disk
    assert len(key) >= 32 and key.isalnum()

    folder = Path(app.config["SPORTELLO_UPLOAD_FOLDER"]).resolve()
    stored = [Path(root, name).resolve() for root, _dirs, names in os.walk(folder)
              for name in names if name == key]
    assert len(stored) == 1 and stored[0].is_relative_to(folder)
    assert stored[0].read_bytes() == b"%PDF-1.4 bytes"
    assert all(UPLOADED not in part for part in stored[0].parts)

    for static in static_folders(app):
        assert not folder.is_relative_to(static), (folder, static)
        assert not any(static.rglob(key)) and not any(static.rglob(UPLOADED))
