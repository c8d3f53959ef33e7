"""What Alembic's autogenerate compares, shared by migrations/env.py and the tests.

Full-text search structures differ per engine (an FTS5 virtual table and its
shadow tables on SQLite, a tsvector column and GIN index on PostgreSQL) and
are created by hand-written migration steps, so autogenerate leaves them alone; so
do PostgreSQL-only indexes (``ix_ticket_pg_*``).
"""

from __future__ import annotations

#: Tables and indexes made by engine-specific migration steps.
ENGINE_SPECIFIC_PREFIXES = ("ticket_fts", "ix_ticket_search", "ix_ticket_pg_")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    return not (name and name.startswith(ENGINE_SPECIFIC_PREFIXES))
