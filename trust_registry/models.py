"""Tables of the trust registry (SQLAlchemy 2, SQLite and PostgreSQL).

The registry is event-sourced: :class:`EntityEvent` rows are appended, never updated, and
each carries the full state of its entity after the change, so "was X trusted to issue T
at time t?" is answered by replaying history (:mod:`trust_registry.history`).
:class:`TrustedEntity` and :class:`EntityType` are the current-state projection, rewritten
in the same transaction as the event. :class:`AuditEntry` is the hash-chained audit log
(ARF annex 2 Reg_09: log every registration, update, suspension and cancellation).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar, Final

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION: Final = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ENTITY_STATUSES: Final = ("active", "suspended", "cancelled")
TYPE_KINDS: Final = ("vct", "vc_type", "gaiax_type")
EVENT_TYPES: Final = (
    "created",
    "updated",
    "type_added",
    "type_window_changed",
    "type_removed",
    "suspended",
    "reactivated",
    "cancelled",
)
ADMIN_ROLES: Final = ("admin", "auditor")

#: Primary key of the single-row tables (audit chain head, trusted-list sequence).
SINGLETON_ID: Final = 1


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class UTCDateTime(TypeDecorator[datetime]):
    """``DateTime(timezone=True)`` that always hands back aware UTC datetimes.

    SQLite has no time zone type and returns naive values; they are stored as UTC and
    re-tagged on the way out. Naive datetimes are refused on the way in.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class RegistryBase(DeclarativeBase):
    """Declarative base of every ``registry_`` table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


metadata = RegistryBase.metadata


class TrustedEntity(RegistryBase):
    """Current state of a trusted entity (an issuer); a projection of its events."""

    __tablename__ = "registry_entity"

    id: Mapped[int] = mapped_column(primary_key=True)
    did: Mapped[str] = mapped_column(String(512), unique=True)
    legal_name: Mapped[str] = mapped_column(String(512))
    siren: Mapped[str | None] = mapped_column(String(9), index=True)
    country: Mapped[str] = mapped_column(String(2))
    contact: Mapped[str | None] = mapped_column(String(512))
    x509_thumbprints: Mapped[list[str]] = mapped_column(JSON)
    jwk_thumbprints: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    status_since: Mapped[datetime]
    accredited_by: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    revision: Mapped[int] = mapped_column(Integer)

    __table_args__ = (CheckConstraint(_in("status", ENTITY_STATUSES), name="status"),)


class EntityType(RegistryBase):
    """A credential type an entity may issue now, with its validity window (projection)."""

    __tablename__ = "registry_entity_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("registry_entity.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    type_value: Mapped[str] = mapped_column(String(512))
    valid_from: Mapped[datetime]
    valid_until: Mapped[datetime | None]
    granted_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("entity_id", "kind", "type_value"),
        CheckConstraint(_in("kind", TYPE_KINDS), name="kind"),
    )


class EntityEvent(RegistryBase):
    """One change to an entity, never updated or deleted.

    ``changes`` says what the change was; ``state`` is the whole entity afterwards (the
    JSON of :func:`trust_registry.history.state_to_json`).
    """

    __tablename__ = "registry_entity_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("registry_entity.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    event: Mapped[str] = mapped_column(String(32))
    effective_at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(320))
    reason: Mapped[str | None] = mapped_column(Text)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[dict[str, Any]] = mapped_column(JSON)

    __table_args__ = (
        UniqueConstraint("entity_id", "revision"),
        CheckConstraint(_in("event", EVENT_TYPES), name="event"),
    )


class ListState(RegistryBase):
    """The trusted list's sequence number (LoTESequenceNumber), bumped by every change."""

    __tablename__ = "registry_list_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[datetime]

    __table_args__ = (CheckConstraint(f"id = {SINGLETON_ID}", name="singleton"),)


class AuditEntry(RegistryBase):
    """One entry of the hash-chained audit log."""

    __tablename__ = "registry_audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(600))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    reason: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(RegistryBase):
    """The last sequence number and hash of the audit chain; locked to append."""

    __tablename__ = "registry_audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (CheckConstraint(f"id = {SINGLETON_ID}", name="singleton"),)


class Administrator(RegistryBase):
    """A person allowed into the admin UI/API, by e-mail or ProConnect ``sub``."""

    __tablename__ = "registry_administrator"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    proconnect_sub: Mapped[str | None] = mapped_column(String(255), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean)
    added_by: Mapped[str] = mapped_column(String(320))
    added_at: Mapped[datetime]
    deactivated_by: Mapped[str | None] = mapped_column(String(320))
    deactivated_at: Mapped[datetime | None]

    __table_args__ = (
        CheckConstraint(_in("role", ADMIN_ROLES), name="role"),
        CheckConstraint("email IS NOT NULL OR proconnect_sub IS NOT NULL", name="identity"),
    )


class ApiToken(RegistryBase):
    """An API token; only the SHA-256 of its secret is stored."""

    __tablename__ = "registry_api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    owner: Mapped[str] = mapped_column(String(320))
    label: Mapped[str] = mapped_column(String(200))
    scopes: Mapped[list[str]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(320))
