"""webhooks: endpoints and deliveries

Revision ID: wh_1
Revises:
Create Date: 2026-11-25 08:29:51.735998

The first revision of the webhooks plugin's own branch. It needs nothing of
the core's tables, but its deliveries come from ticket events, so it follows
the core revision that creates them.
"""
import sqlalchemy as sa
from alembic import op

revision = "wh_1"
down_revision = None
branch_labels = ("webhooks",)
depends_on = "0002"


def upgrade():
    op.create_table(
        "webhooks_endpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhooks_endpoint")),
    )
    op.create_table(
        "webhooks_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("endpoint_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("ticket_number", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["endpoint_id"], ["webhooks_endpoint.id"],
            name=op.f("fk_webhooks_delivery_endpoint_id_webhooks_endpoint"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhooks_delivery")),
        sa.UniqueConstraint("endpoint_id", "event_id",
                            name="uq_webhooks_delivery_endpoint_id_event_id"),
    )
    with op.batch_alter_table("webhooks_delivery", schema=None) as batch_op:
        batch_op.create_index("ix_webhooks_delivery_endpoint_id_id", ["endpoint_id", "id"],
                              unique=False)
        batch_op.create_index("ix_webhooks_delivery_status_next_attempt_at",
                              ["status", "next_attempt_at"], unique=False)


def downgrade():
    with op.batch_alter_table("webhooks_delivery", schema=None) as batch_op:
        batch_op.drop_index("ix_webhooks_delivery_status_next_attempt_at")
        batch_op.drop_index("ix_webhooks_delivery_endpoint_id_id")
    op.drop_table("webhooks_delivery")
    op.drop_table("webhooks_endpoint")
