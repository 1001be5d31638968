"""Organisations, users, refresh tokens, API keys; interviews belong to an organisation
and keep only a hash of the candidate's join token.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    tz = sa.DateTime(timezone=True)
    op.create_table(
        "organisations",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", tz, nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("org_id", sa.String(36), sa.ForeignKey("organisations.id"), nullable=False, index=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("created_at", tz, nullable=False),
    )
    op.create_table(
        "refresh_tokens",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "user_id",
            sa.String(36),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("expires_at", tz, nullable=False),
        sa.Column("revoked_at", tz, nullable=True),
        sa.Column("created_at", tz, nullable=False),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("org_id", sa.String(36), sa.ForeignKey("organisations.id"), nullable=False, index=True),
        sa.Column("created_by", sa.String(36), nullable=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False, unique=True),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("created_at", tz, nullable=False),
        sa.Column("last_used_at", tz, nullable=True),
        sa.Column("revoked_at", tz, nullable=True),
    )
    with op.batch_alter_table("interviews") as batch:
        batch.add_column(sa.Column("org_id", sa.String(36), nullable=True))
        batch.add_column(sa.Column("created_by", sa.String(36), nullable=True))
        batch.add_column(sa.Column("join_token_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("scheduled_at", tz, nullable=True))
    # Existing links keep working: hash the plaintext tokens, then drop them.
    conn = op.get_bind()
    for interview_id, token in conn.execute(sa.text("SELECT id, join_token FROM interviews")).all():
        digest = hashlib.sha256(token.encode()).hexdigest()
        conn.execute(
            sa.text("UPDATE interviews SET join_token_hash = :h WHERE id = :id"),
            {"h": digest, "id": interview_id},
        )
    with op.batch_alter_table("interviews") as batch:
        batch.alter_column("join_token_hash", existing_type=sa.String(64), nullable=False)
        batch.drop_column("join_token")
        batch.create_foreign_key("fk_interviews_org", "organisations", ["org_id"], ["id"])
        batch.create_index("ix_interviews_org_id", ["org_id"])
        batch.create_index("ix_interviews_join_token_hash", ["join_token_hash"])


def downgrade() -> None:
    raise NotImplementedError("join tokens are stored hashed from 0002 on; there is no way back")
