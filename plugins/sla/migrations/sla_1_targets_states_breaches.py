"""sla: targets, states, breaches

Revision ID: sla_1
Revises:
Create Date: 2026-11-25 08:36:47.938062

The first revision of the SLA plugin's own branch; its states and breaches
point to tickets, so it depends on the core revision that creates them.
"""
import sqlalchemy as sa
from alembic import op

revision = "sla_1"
down_revision = None
branch_labels = ("sla",)
depends_on = "0002"


def upgrade():
    op.create_table(
        "sla_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("priority", sa.String(length=64), nullable=False),
        sa.Column("first_response_minutes", sa.Integer(), nullable=True),
        sa.Column("resolution_minutes", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_target")),
        sa.UniqueConstraint("priority", name=op.f("uq_sla_target_priority")),
    )
    op.create_table(
        "sla_breach",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=True),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"],
                                name=op.f("fk_sla_breach_ticket_id_ticket"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_breach")),
        sa.UniqueConstraint("ticket_id", "kind", name="uq_sla_breach_ticket_id_kind"),
    )
    with op.batch_alter_table("sla_breach", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sla_breach_detected_at"), ["detected_at"],
                              unique=False)
    op.create_table(
        "sla_state",
        sa.Column("ticket_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("priority", sa.String(length=64), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("counted_seconds", sa.Integer(), nullable=False),
        sa.Column("running_since", sa.DateTime(), nullable=True),
        sa.Column("first_response_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("first_response_due_at", sa.DateTime(), nullable=True),
        sa.Column("resolution_due_at", sa.DateTime(), nullable=True),
        sa.Column("first_response_breached", sa.Boolean(), nullable=False),
        sa.Column("resolution_breached", sa.Boolean(), nullable=False),
        sa.Column("basis", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"],
                                name=op.f("fk_sla_state_ticket_id_ticket"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("ticket_id", name=op.f("pk_sla_state")),
    )
    with op.batch_alter_table("sla_state", schema=None) as batch_op:
        batch_op.create_index("ix_sla_state_first_response_due_at", ["first_response_due_at"],
                              unique=False)
        batch_op.create_index("ix_sla_state_resolution_due_at", ["resolution_due_at"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("sla_state", schema=None) as batch_op:
        batch_op.drop_index("ix_sla_state_resolution_due_at")
        batch_op.drop_index("ix_sla_state_first_response_due_at")
    op.drop_table("sla_state")
    with op.batch_alter_table("sla_breach", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sla_breach_detected_at"))
    op.drop_table("sla_breach")
    op.drop_table("sla_target")
