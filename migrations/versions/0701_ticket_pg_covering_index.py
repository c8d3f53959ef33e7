"""PostgreSQL: the ticket columns a queue filter checks, in an index on the id

Revision ID: 0701
Revises: 0700
Create Date: 2026-11-25 11:15:00

A queue sorted by a custom value walks that value's index and checks each
ticket's status (or priority, assignee, company) by its id. With the columns
included in an index on the id, PostgreSQL checks them without reading the
table (an index-only scan). SQLite stores the table itself ordered by id, so
it has nothing to gain.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0701'
down_revision = '0700'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE INDEX IF NOT EXISTS ix_ticket_pg_filters ON ticket (id) "
               "INCLUDE (status_id, priority, assignee_id, company_id)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_ticket_pg_filters")
