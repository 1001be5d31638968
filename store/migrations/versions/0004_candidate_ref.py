"""Interviews carry the candidate's reference (practice memory follows it).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("interviews") as batch:
        batch.add_column(sa.Column("candidate_id", sa.String(64), nullable=True))
        batch.create_index("ix_interviews_candidate_id", ["candidate_id"])


def downgrade() -> None:
    with op.batch_alter_table("interviews") as batch:
        batch.drop_index("ix_interviews_candidate_id")
        batch.drop_column("candidate_id")
