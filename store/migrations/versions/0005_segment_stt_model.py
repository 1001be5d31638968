"""Transcript segments record which speech-to-text model wrote their text (two-pass
transcription: the accurate pass replaces the fast one's); older rows stay NULL.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("transcript_segments") as batch:
        batch.add_column(sa.Column("stt_model", sa.String(40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("transcript_segments") as batch:
        batch.drop_column("stt_model")
