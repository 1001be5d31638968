"""Interviews keep the newest fencing token that wrote to them: a worker that lost an
interview's lease (paused, cut off) cannot write after the new holder (store/lease.py); and
when their transcript became final for the report, so the accurate pass, which any worker may
run from the durable queue, changes it no more (orchestrator/refine_jobs.py).

Revision ID: 0009_lease_fencing
Revises: 0008_coding
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_lease_fencing"
down_revision = "0008_coding"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("interviews") as batch:
        batch.add_column(sa.Column("lease_token", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("transcript_final_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("interviews") as batch:
        batch.drop_column("transcript_final_at")
        batch.drop_column("lease_token")
