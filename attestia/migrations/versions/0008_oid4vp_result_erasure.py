"""oid4vp result erasure

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 14:20:00

OpenID4VP transactions keep what the wallet disclosed only for the relying party's
retention period; ``result_erased_at`` records when housekeeping erased it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("verifier_oid4vp_transactions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("result_erased_at", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("verifier_oid4vp_transactions", schema=None) as batch_op:
        batch_op.drop_column("result_erased_at")
