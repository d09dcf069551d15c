"""The verifier's tables: their own declarative base, table names prefixed ``verifier_``.

The naming convention matches the composition layer's so that Alembic autogenerates stable
constraint names; the verifier does not import :mod:`attestia`.
"""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class VerifierBase(DeclarativeBase):
    """Tables owned by the verifier (OpenID4VP transactions, …)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
