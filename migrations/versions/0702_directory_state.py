"""The directory revision: names of companies and people, cached by each process

Revision ID: 0702
Revises: 0701
Create Date: 2026-11-25 12:50:00

Pages that print many names (the queue: a select of every customer company, the
names on 25 tickets) keep them in each process with the revision they were read
at; a change to a company's or a person's name, role or state gives the row a
new revision in the same transaction.
"""
import uuid

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0702'
down_revision = '0701'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "directory_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_state")),
    )
    op.bulk_insert(table, [{"id": 1, "revision": str(uuid.uuid4())}])


def downgrade():
    op.drop_table("directory_state")
