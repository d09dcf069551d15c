"""Writes to the registry: entities, their credential types, and their status.

Every function takes the caller's :class:`~sqlalchemy.orm.Session` (the caller commits),
keyword-only arguments, the acting administrator's identity and an injected ``now``. In
one transaction each write: updates the current-state projection, appends an
:class:`~trust_registry.models.EntityEvent` carrying the whole new state, bumps the
trusted list's sequence number (LoTESequenceNumber, ETSI TS 119 602) and appends a
hash-chained audit entry with the state before and after.

``effective_at`` is the time the change is recorded: ``now``, or the entity's last
``effective_at`` if the injected clock is behind it (several processes, skewed clocks), so
an entity's history is never out of order. Retroactive and scheduled status changes are
not offered: what verifiers were told stays what the history says (see
:mod:`trust_registry.history`). A future start of authority is a type's ``valid_from``.

Life cycle (ARF annex 2 Reg_20a/22a): ``active`` ⇄ ``suspended`` → ``cancelled``;
cancelled is terminal and any later write raises
:class:`~trust_registry.errors.EntityCancelledError`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trust_registry.entity_store import (
    current_state,
    effective_time,
    entity_types,
    record_change,
    writable_entity,
)
from trust_registry.errors import ConflictError, InvalidTransitionError, NotFoundError
from trust_registry.history import EntityState
from trust_registry.models import EntityType, TrustedEntity
from trust_registry.timestamps import format_time, utc
from trust_registry.validation import (
    check_country,
    check_did,
    check_jwk_thumbprints,
    check_kind,
    check_siren,
    check_text,
    check_window,
    check_x509_thumbprints,
)


@dataclass(frozen=True, slots=True)
class EntityChanges:
    """Fields to change on an entity; ``None`` leaves a field as it is."""

    legal_name: str | None = None
    siren: str | None = None
    country: str | None = None
    contact: str | None = None
    x509_thumbprints: tuple[str, ...] | None = None
    jwk_thumbprints: tuple[str, ...] | None = None


def create_entity(
    session: Session,
    *,
    did: str,
    legal_name: str,
    siren: str | None,
    country: str = "FR",
    contact: str | None = None,
    x509_thumbprints: Iterable[str] = (),
    jwk_thumbprints: Iterable[str] = (),
    actor: str,
    reason: str | None = None,
    now: datetime,
) -> EntityState:
    """Register a new trusted entity, ``active`` from ``now``, accredited by ``actor``."""
    did = check_did(did)
    moment = utc(now)
    if session.execute(select(TrustedEntity.id).where(TrustedEntity.did == did)).first():
        raise ConflictError(f"{did} is already registered")
    entity = TrustedEntity(
        did=did,
        legal_name=check_text(legal_name, "legal_name"),
        siren=check_siren(siren),
        country=check_country(country),
        contact=check_text(contact, "contact") if contact is not None else None,
        x509_thumbprints=check_x509_thumbprints(x509_thumbprints),
        jwk_thumbprints=check_jwk_thumbprints(jwk_thumbprints),
        status="active",
        status_since=moment,
        accredited_by=check_text(actor, "actor"),
        created_at=moment,
        updated_at=moment,
        revision=0,
    )
    session.add(entity)
    session.flush()
    changes = {"did": did}
    return record_change(
        session,
        entity,
        event="created",
        changes=changes,
        before=None,
        actor=actor,
        reason=reason,
        effective_at=moment,
        now=now,
    )


def update_entity(
    session: Session,
    *,
    did: str,
    changes: EntityChanges,
    actor: str,
    reason: str | None = None,
    now: datetime,
) -> EntityState:
    """Change descriptive fields and identifiers (not status, not types)."""
    entity = writable_entity(session, did)
    before = current_state(session, entity)
    new: dict[str, Any] = {}
    if changes.legal_name is not None:
        new["legal_name"] = check_text(changes.legal_name, "legal_name")
    if changes.siren is not None:
        new["siren"] = check_siren(changes.siren)
    if changes.country is not None:
        new["country"] = check_country(changes.country)
    if changes.contact is not None:
        new["contact"] = check_text(changes.contact, "contact")
    if changes.x509_thumbprints is not None:
        new["x509_thumbprints"] = check_x509_thumbprints(changes.x509_thumbprints)
    if changes.jwk_thumbprints is not None:
        new["jwk_thumbprints"] = check_jwk_thumbprints(changes.jwk_thumbprints)
    for name, value in new.items():
        setattr(entity, name, value)
    return record_change(
        session,
        entity,
        event="updated",
        changes=new,
        before=before,
        actor=actor,
        reason=reason,
        effective_at=effective_time(entity, now),
        now=now,
    )


def _find_type(session: Session, entity: TrustedEntity, kind: str, type_value: str) -> EntityType:
    for row in entity_types(session, entity):
        if row.kind == kind and row.type_value == type_value:
            return row
    raise NotFoundError(f"{entity.did} has no {kind} {type_value!r}")


def add_type(
    session: Session,
    *,
    did: str,
    type_value: str,
    kind: str,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    actor: str,
    reason: str | None = None,
    now: datetime,
) -> EntityState:
    """Grant a credential type; it authorises nothing before it is recorded."""
    entity = writable_entity(session, did)
    kind = check_kind(kind)
    type_value = check_text(type_value, "type")
    start = utc(valid_from) if valid_from is not None else utc(now)
    until = utc(valid_until) if valid_until is not None else None
    check_window(start, until)
    if any(t.kind == kind and t.type_value == type_value for t in entity_types(session, entity)):
        raise ConflictError(f"{did} already has {kind} {type_value!r}")
    before = current_state(session, entity)
    effective = effective_time(entity, now)
    session.add(
        EntityType(
            entity_id=entity.id,
            kind=kind,
            type_value=type_value,
            valid_from=start,
            valid_until=until,
            granted_at=effective,
        )
    )
    changes = _type_changes(kind, type_value, start, until)
    return record_change(
        session,
        entity,
        event="type_added",
        changes=changes,
        before=before,
        actor=actor,
        reason=reason,
        effective_at=effective,
        now=now,
    )


def change_type_window(
    session: Session,
    *,
    did: str,
    type_value: str,
    kind: str,
    valid_from: datetime,
    valid_until: datetime | None,
    actor: str,
    reason: str | None = None,
    now: datetime,
) -> EntityState:
    """Replace a granted type's window, from now on."""
    entity = writable_entity(session, did)
    row = _find_type(session, entity, check_kind(kind), type_value)
    start = utc(valid_from)
    until = utc(valid_until) if valid_until is not None else None
    check_window(start, until)
    before = current_state(session, entity)
    effective = effective_time(entity, now)
    row.valid_from, row.valid_until, row.granted_at = start, until, effective
    changes = _type_changes(row.kind, type_value, start, until)
    return record_change(
        session,
        entity,
        event="type_window_changed",
        changes=changes,
        before=before,
        actor=actor,
        reason=reason,
        effective_at=effective,
        now=now,
    )


def remove_type(
    session: Session,
    *,
    did: str,
    type_value: str,
    kind: str,
    actor: str,
    reason: str | None = None,
    now: datetime,
) -> EntityState:
    """Withdraw a credential type from now on (its past grants stay in the history)."""
    entity = writable_entity(session, did)
    row = _find_type(session, entity, check_kind(kind), type_value)
    before = current_state(session, entity)
    session.delete(row)
    return record_change(
        session,
        entity,
        event="type_removed",
        changes={"kind": row.kind, "type": type_value},
        before=before,
        actor=actor,
        reason=reason,
        effective_at=effective_time(entity, now),
        now=now,
    )


def _type_changes(
    kind: str, type_value: str, start: datetime, until: datetime | None
) -> dict[str, Any]:
    return {
        "kind": kind,
        "type": type_value,
        "valid_from": format_time(start),
        "valid_until": format_time(until) if until is not None else None,
    }


def _set_status(
    session: Session,
    *,
    did: str,
    allowed_from: tuple[str, ...],
    to: str,
    event: str,
    actor: str,
    reason: str | None,
    now: datetime,
) -> EntityState:
    entity = writable_entity(session, did)
    if entity.status not in allowed_from:
        raise InvalidTransitionError(f"cannot go from {entity.status} to {to}")
    before = current_state(session, entity)
    effective = effective_time(entity, now)
    entity.status, entity.status_since = to, effective
    return record_change(
        session,
        entity,
        event=event,
        changes={"status": to},
        before=before,
        actor=actor,
        reason=reason,
        effective_at=effective,
        now=now,
    )


def suspend_entity(
    session: Session, *, did: str, actor: str, reason: str, now: datetime
) -> EntityState:
    """Suspend an active entity; it authorises nothing from now until reactivated."""
    return _set_status(
        session,
        did=did,
        allowed_from=("active",),
        to="suspended",
        event="suspended",
        actor=actor,
        reason=reason,
        now=now,
    )


def reactivate_entity(
    session: Session, *, did: str, actor: str, reason: str, now: datetime
) -> EntityState:
    """Lift a suspension."""
    return _set_status(
        session,
        did=did,
        allowed_from=("suspended",),
        to="active",
        event="reactivated",
        actor=actor,
        reason=reason,
        now=now,
    )


def cancel_entity(
    session: Session, *, did: str, actor: str, reason: str, now: datetime
) -> EntityState:
    """Cancel an entity for good; verifiers then refuse everything it ever issued."""
    return _set_status(
        session,
        did=did,
        allowed_from=("active", "suspended"),
        to="cancelled",
        event="cancelled",
        actor=actor,
        reason=reason,
        now=now,
    )
