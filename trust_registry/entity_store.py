"""Persistence plumbing shared by the registry's write functions.

Loads and locks an entity row, turns the projection into an
:class:`~trust_registry.history.EntityState`, and records one change: the event row (with
the whole new state), the trusted list's sequence bump and the audit entry, all in the
caller's transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trust_registry.audit import append_audit
from trust_registry.errors import EntityCancelledError, NotFoundError
from trust_registry.history import EntityState, TypeGrant
from trust_registry.models import SINGLETON_ID, EntityEvent, EntityType, ListState, TrustedEntity
from trust_registry.timestamps import utc
from trust_registry.validation import check_kind, check_status

#: LoTESequenceNumber of the list of an empty registry.
INITIAL_SEQUENCE = 1


def bump_list_sequence(session: Session, *, now: datetime) -> int:
    """Increment the trusted list's sequence number.

    The empty registry publishes sequence 1 (TS 119 602: the first list is 1), so the
    first change makes it 2.
    """
    row = session.execute(
        select(ListState).where(ListState.id == SINGLETON_ID).with_for_update()
    ).scalar_one_or_none()
    if row is None:
        row = ListState(id=SINGLETON_ID, sequence=INITIAL_SEQUENCE, changed_at=utc(now))
        session.add(row)
    row.sequence += 1
    row.changed_at = utc(now)
    session.flush()
    return row.sequence


def load_entity(session: Session, did: str) -> TrustedEntity:
    entity = session.execute(
        select(TrustedEntity).where(TrustedEntity.did == did).with_for_update()
    ).scalar_one_or_none()
    if entity is None:
        raise NotFoundError(f"no trusted entity {did!r}")
    return entity


def writable_entity(session: Session, did: str) -> TrustedEntity:
    entity = load_entity(session, did)
    if entity.status == "cancelled":
        raise EntityCancelledError(f"{did} is cancelled; cancellation is final")
    return entity


def entity_types(session: Session, entity: TrustedEntity) -> list[EntityType]:
    return list(
        session.execute(
            select(EntityType)
            .where(EntityType.entity_id == entity.id)
            .order_by(EntityType.kind, EntityType.type_value)
        ).scalars()
    )


def current_state(session: Session, entity: TrustedEntity) -> EntityState:
    """The projection of ``entity`` as an :class:`EntityState`."""
    grants = tuple(
        TypeGrant(check_kind(t.kind), t.type_value, t.valid_from, t.valid_until, t.granted_at)
        for t in entity_types(session, entity)
    )
    return EntityState(
        did=entity.did,
        legal_name=entity.legal_name,
        siren=entity.siren,
        country=entity.country,
        contact=entity.contact,
        x509_thumbprints=tuple(entity.x509_thumbprints),
        jwk_thumbprints=tuple(entity.jwk_thumbprints),
        status=check_status(entity.status),
        status_since=entity.status_since,
        accredited_by=entity.accredited_by,
        types=grants,
    )


def record_change(
    session: Session,
    entity: TrustedEntity,
    *,
    event: str,
    changes: dict[str, Any],
    before: EntityState | None,
    actor: str,
    reason: str | None,
    effective_at: datetime,
    now: datetime,
) -> EntityState:
    session.flush()
    after = current_state(session, entity)
    entity.revision += 1
    entity.updated_at = effective_at
    session.add(
        EntityEvent(
            entity_id=entity.id,
            revision=entity.revision,
            event=event,
            effective_at=effective_at,
            actor=actor,
            reason=reason,
            changes=changes,
            state=after.to_json(),
        )
    )
    bump_list_sequence(session, now=now)
    append_audit(
        session,
        actor=actor,
        action=f"entity.{event}",
        target=f"entity:{entity.did}",
        before=before.to_json() if before is not None else None,
        after={**after.to_json(), "revision": entity.revision},
        reason=reason,
        now=now,
    )
    return after


def effective_time(entity: TrustedEntity, now: datetime) -> datetime:
    return max(utc(now), entity.updated_at)
