"""desk: PostgreSQL statistics of which values each custom field holds

The queue filters custom values with ``field_id = ? AND text IN (...)``. The
planner takes the two conditions as independent and, at a million tickets,
underestimates a dropdown's share of tickets by a factor of ten; it then
walks the request-date index in parallel instead of the status index (50 ms
instead of 1 ms for a page). Extended statistics on the column pairs give it
the real shares. SQLite needs nothing: its planner already takes the index.

Revision ID: 0301
Revises: 0300
Create Date: 2026-11-25 09:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0301'
down_revision = '0300'
branch_labels = None
depends_on = None

STATISTICS = {
    "st_ticket_value_field_id_text": "field_id, text",
    "st_ticket_value_field_id_number": "field_id, number",
    "st_ticket_value_field_id_moment": "field_id, moment",
}


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, columns in STATISTICS.items():
        op.execute(f"CREATE STATISTICS IF NOT EXISTS {name} (dependencies, mcv) "
                   f"ON {columns} FROM ticket_value")
    op.execute("ANALYZE ticket_value")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in STATISTICS:
        op.execute(f"DROP STATISTICS IF EXISTS {name}")
