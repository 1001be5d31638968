"""Coding interviews: organisations' tasks, the candidate's code versions and runs, integrity
events; the task and language of an interview.

Revision ID: 0008_coding
Revises: 0007_webhooks_shares
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_coding"
down_revision = "0007_webhooks_shares"
branch_labels = None
depends_on = None


def _interview_id() -> sa.Column:
    return sa.Column(
        "interview_id", sa.String(36), sa.ForeignKey("interviews.id"), nullable=False, index=True
    )


def upgrade() -> None:
    tz = sa.DateTime(timezone=True)
    op.create_table(
        "coding_tasks",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("org_id", sa.String(36), sa.ForeignKey("organisations.id"), nullable=False, index=True),
        sa.Column("created_by", sa.String(36), nullable=True),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_at", tz, nullable=False),
    )
    op.create_table(
        "code_versions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _interview_id(),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(20), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("saved_at", tz, nullable=False),
    )
    op.create_table(
        "code_runs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _interview_id(),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("language", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("created_at", tz, nullable=False),
    )
    op.create_table(
        "integrity_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _interview_id(),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("at", tz, nullable=True),
        sa.Column("t", sa.Float(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("received_at", tz, nullable=False),
    )
    with op.batch_alter_table("interviews") as batch:
        batch.add_column(sa.Column("task_id", sa.String(80), nullable=True))
        batch.add_column(sa.Column("code_language", sa.String(20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("interviews") as batch:
        batch.drop_column("code_language")
        batch.drop_column("task_id")
    for table in ("integrity_events", "code_runs", "code_versions", "coding_tasks"):
        op.drop_table(table)
