"""The issuer's declarative base: every ``issuer_*`` table hangs off :class:`IssuerBase`.

The naming convention is the composition layer's (``attestia.db.NAMING_CONVENTION``), copied
rather than imported: dependencies point ``attestia`` → ``issuer`` → ``credentials``, and
Alembic migrates the union of every package's metadata, so the constraint names must follow
one convention.
"""

from __future__ import annotations

from typing import Any, Final, cast

from sqlalchemy import MetaData, Table
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION: Final = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class IssuerBase(DeclarativeBase):
    """Tables owned by the issuer (credential register, status lists)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table_of(model: type[Any]) -> Table:
    """The Core table of a mapped class.

    Hot paths insert and update through it rather than through the ORM unit of work: a
    plain ``INSERT`` costs about half the CPU of ``session.add`` + flush, and nothing on
    those paths needs the object afterwards.
    """
    return cast(Table, model.__table__)
