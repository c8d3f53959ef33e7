"""hello: greetings

Revision ID: p_hello_1
Revises:
Create Date: 2026-11-25 08:09:09.534654

The first revision of the plugin's own branch: no ``down_revision``, a
branch label, and ``depends_on`` the core revision that creates the
``user_account`` table its foreign key points to.
"""
import sqlalchemy as sa
from alembic import op

revision = "p_hello_1"
down_revision = None
branch_labels = ("sportello_hello",)
depends_on = "0001"


def upgrade():
    op.create_table(
        "hello_greeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("ticket_number", sa.String(length=32), nullable=False),
        sa.Column("greeted_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["greeted_by_id"], ["user_account.id"],
            name=op.f("fk_hello_greeting_greeted_by_id_user_account"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hello_greeting")),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_hello_greeting_ticket_id")),
    )


def downgrade():
    op.drop_table("hello_greeting")
