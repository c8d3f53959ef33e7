"""Interim invites for the API's staff endpoints, until onboarding's invites are on
main (then this revision and ``app/api/interim`` are dropped).

Revision ID: 0401
Revises: 0400
Create Date: 2026-11-25 08:24:22.084745

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0401'
down_revision = '0400'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_interim_invite',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('surname', sa.String(length=100), nullable=False),
    sa.Column('is_company_manager', sa.Boolean(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_api_interim_invite_company_id_company')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_api_interim_invite_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_interim_invite')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_interim_invite_token_hash'))
    )
    with op.batch_alter_table('api_interim_invite', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_interim_invite_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_api_interim_invite_email'), ['email'], unique=False)


def downgrade():
    with op.batch_alter_table('api_interim_invite', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_interim_invite_email'))
        batch_op.drop_index(batch_op.f('ix_api_interim_invite_company_id'))

    op.drop_table('api_interim_invite')
