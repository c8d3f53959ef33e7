"""Stand-in invite links for the API's staff endpoints, until this branch meets
onboarding's (then this revision and ``app/api/interim`` are dropped).

Revision ID: 0401
Revises: 0400
Create Date: 2026-11-25 09:36:12.987647

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
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('max_uses', sa.Integer(), nullable=False),
    sa.Column('uses', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_api_interim_invite_company_id_company')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_api_interim_invite_created_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_interim_invite')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_interim_invite_token_hash'))
    )
    with op.batch_alter_table('api_interim_invite', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_interim_invite_company_id'), ['company_id'], unique=False)



def downgrade():
    with op.batch_alter_table('api_interim_invite', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_interim_invite_company_id'))

    op.drop_table('api_interim_invite')
