"""Plans from the job and the resume: sections, personas, difficulty, follow-up reasons,
LLM fallbacks; practice memory.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("interviews") as batch:
        batch.add_column(sa.Column("job_description", sa.Text(), nullable=True))
        batch.add_column(sa.Column("resume_text", sa.Text(), nullable=True))
        batch.add_column(sa.Column("analysis", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("personas", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("difficulty", sa.String(10), nullable=False, server_default="auto"))
        batch.add_column(sa.Column("memory", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("followup_reasons", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("fallbacks", sa.JSON(), nullable=True))
    with op.batch_alter_table("questions") as batch:
        batch.add_column(sa.Column("section", sa.String(20), nullable=False, server_default="technical"))
        batch.add_column(sa.Column("persona_id", sa.String(40), nullable=True))
        batch.add_column(sa.Column("source", sa.String(20), nullable=False, server_default="bank"))
        batch.add_column(sa.Column("level", sa.String(10), nullable=True))
        batch.add_column(sa.Column("followups", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("skipped", sa.Boolean(), nullable=False, server_default=sa.false()))
    # behavioural questions of older interviews were asked as such
    op.execute("UPDATE questions SET section = 'behavioural' WHERE category = 'behavioural'")


def downgrade() -> None:
    with op.batch_alter_table("questions") as batch:
        for name in ("skipped", "followups", "level", "source", "persona_id", "section"):
            batch.drop_column(name)
    with op.batch_alter_table("interviews") as batch:
        for name in (
            "fallbacks",
            "followup_reasons",
            "memory",
            "difficulty",
            "personas",
            "analysis",
            "resume_text",
            "job_description",
        ):
            batch.drop_column(name)
