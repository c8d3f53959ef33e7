"""Full-text search over titles, descriptions and comments.

SQLite uses an FTS5 table, PostgreSQL a tsvector column with a GIN index;
both are created by the migrations. One search row per document: the ticket
itself (row id = ticket id) and each comment (row id = minus the comment id),
with a flag so that customers never find a ticket by an internal note.
"""

from __future__ import annotations

import re

from sqlalchemy import Select, literal_column, select, text
from sqlalchemy.orm import Session

_WORD = re.compile(r"\w+", re.UNICODE)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


#: The statements of every write, parsed once.
_PG_UPSERT = text(
    "INSERT INTO ticket_fts (id, ticket_id, internal, document) "
    "VALUES (:id, :ticket_id, :internal, to_tsvector('simple', :body)) "
    "ON CONFLICT (id) DO UPDATE SET document = excluded.document, internal = excluded.internal"
)
_SQLITE_DELETE = text("DELETE FROM ticket_fts WHERE rowid = :id")
_SQLITE_INSERT = text(
    "INSERT INTO ticket_fts (rowid, body, ticket_id, internal) "
    "VALUES (:id, :body, :ticket_id, :internal)"
)


def _upsert(session: Session, row_id: int, ticket_id: int, internal: bool, body: str,
            new: bool = False) -> None:
    params = {"id": row_id, "ticket_id": ticket_id, "internal": internal, "body": body}
    connection = session.connection()
    if _dialect(session) == "postgresql":
        connection.execute(_PG_UPSERT, params)
    else:
        if not new:
            connection.execute(_SQLITE_DELETE, params)
        connection.execute(_SQLITE_INSERT, params)


def index_ticket(session: Session, ticket, new: bool = False) -> None:
    _upsert(session, ticket.id, ticket.id, False, f"{ticket.number}\n{ticket.title}\n"
            f"{ticket.description or ''}", new)


def index_comment(session: Session, comment) -> None:
    _upsert(session, -comment.id, comment.ticket_id, comment.internal, comment.body, new=True)


def words(query: str) -> list[str]:
    return _WORD.findall(query.lower())[:12]


def matching_ticket_ids(session: Session, query: str, include_internal: bool) -> Select | None:
    """A sub-select of the ids of tickets matching every word of ``query`` (as
    prefixes), or None when the query holds no word."""
    terms = words(query)
    if not terms:
        return None
    if _dialect(session) == "postgresql":
        tsquery = " & ".join(f"{term}:*" for term in terms)
        statement = select(literal_column("ticket_id")).select_from(text("ticket_fts")).where(
            text("document @@ to_tsquery('simple', :tsquery)").bindparams(tsquery=tsquery)
        )
        if not include_internal:
            statement = statement.where(text("NOT internal"))
    else:
        match = " ".join(f'"{term}"*' for term in terms)
        statement = select(literal_column("ticket_id")).select_from(text("ticket_fts")).where(
            text("ticket_fts MATCH :match").bindparams(match=match)
        )
        if not include_internal:
            statement = statement.where(text("internal = 0"))
    return statement
