"""web sessions and pending logins

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "attestia_web_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("identity", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_attestia_web_sessions")),
    )
    with op.batch_alter_table("attestia_web_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attestia_web_sessions_expires_at"), ["expires_at"], unique=False
        )
    op.create_table(
        "attestia_web_login_states",
        sa.Column("state_hash", sa.String(length=64), nullable=False),
        sa.Column("session_hash", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_hash"],
            ["attestia_web_sessions.id_hash"],
            name=op.f("fk_attestia_web_login_states_session_hash_attestia_web_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("state_hash", name=op.f("pk_attestia_web_login_states")),
    )
    with op.batch_alter_table("attestia_web_login_states", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attestia_web_login_states_session_hash"),
            ["session_hash"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("attestia_web_login_states", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attestia_web_login_states_session_hash"))
    op.drop_table("attestia_web_login_states")
    with op.batch_alter_table("attestia_web_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attestia_web_sessions_expires_at"))
    op.drop_table("attestia_web_sessions")
