"""The schema of release 0.1.0 (interviews, questions, transcript, events, reports, attention).

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    tz = sa.DateTime(timezone=True)
    op.create_table(
        "interviews",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("role", sa.String(200), nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("mode", sa.String(10), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("candidate_name", sa.String(200), nullable=True),
        sa.Column("language", sa.String(10), nullable=False),
        sa.Column("join_token", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("phase", sa.String(20), nullable=False),
        sa.Column("question_index", sa.Integer(), nullable=False),
        sa.Column("followup_asked", sa.Boolean(), nullable=False),
        sa.Column("created_at", tz, nullable=False),
        sa.Column("started_at", tz, nullable=True),
        sa.Column("ended_at", tz, nullable=True),
        sa.Column("attention_disclosed_at", tz, nullable=True),
        sa.Column("consent", sa.JSON(), nullable=True),
        sa.Column("consented_at", tz, nullable=True),
    )
    op.create_table(
        "questions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("interview_id", sa.String(36), sa.ForeignKey("interviews.id"), nullable=False, index=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(40), nullable=False),
        sa.Column("bank_id", sa.String(80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("followup", sa.Text(), nullable=False),
        sa.Column("key_points", sa.JSON(), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
    )
    op.create_table(
        "transcript_segments",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("interview_id", sa.String(36), sa.ForeignKey("interviews.id"), nullable=False, index=True),
        sa.Column("speaker", sa.String(20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("start", sa.Float(), nullable=False),
        sa.Column("end", sa.Float(), nullable=False),
        sa.Column("question_id", sa.String(40), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("words", sa.JSON(), nullable=False),
        sa.Column("interrupted", sa.Boolean(), nullable=False),
        sa.Column("created_at", tz, nullable=False),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("interview_id", sa.String(36), sa.ForeignKey("interviews.id"), nullable=False, index=True),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("ts", tz, nullable=False),
    )
    op.create_table(
        "reports",
        sa.Column("interview_id", sa.String(36), sa.ForeignKey("interviews.id"), primary_key=True),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_at", tz, nullable=False),
    )
    op.create_table(
        "attention_samples",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("interview_id", sa.String(36), sa.ForeignKey("interviews.id"), nullable=False, index=True),
        sa.Column("t", sa.Float(), nullable=False),
        sa.Column("faces", sa.Integer(), nullable=False),
        sa.Column("looking", sa.Boolean(), nullable=False),
        sa.Column("eyes_closed", sa.Boolean(), nullable=False),
        sa.Column("yaw", sa.Float(), nullable=True),
        sa.Column("pitch", sa.Float(), nullable=True),
        sa.Column("movement", sa.Float(), nullable=True),
        sa.Column("issue", sa.String(20), nullable=True),
        sa.Column("question_id", sa.String(40), nullable=True),
        sa.Column("answering", sa.Boolean(), nullable=False),
    )


def downgrade() -> None:
    for table in ("attention_samples", "reports", "events", "transcript_segments", "questions", "interviews"):
        op.drop_table(table)
