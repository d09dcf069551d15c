"""offer claims erasure

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 13:50:00

Offers keep the claims their credentials carried only while something can still mint from
them; ``claims_erased_at`` records when housekeeping erased them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("issuer_oid4vci_offer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claims_erased_at", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("issuer_oid4vci_offer", schema=None) as batch_op:
        batch_op.drop_column("claims_erased_at")
