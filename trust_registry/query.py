"""Read side of the registry: TRQP authorization queries, issuer lists and history.

Reads are public (ARF annex 2 Reg_04: "no authentication to read"); the router decides.
Every function returns plain JSON-able dicts.

:func:`authorize` follows the ToIP Trust Registry Query Protocol v2 authorization query:
request ``entity_id``, ``authority_id``, ``action``, ``resource`` and ``context.time``;
response with the same four, ``authorized``, ``time_requested``, ``time_evaluated`` and a
``message``. ``entity_id`` is the issuer's DID, ``authority_id`` this registry's DID, the
only ``action`` is ``issue`` and ``resource`` is a credential type string (vct, VC type or
Gaia-X type). Per the TRQP HTTPS binding ("404 Not Found — entity, authority, or assertion
not recognized") an unknown entity, authority or action raises
:class:`~trust_registry.errors.NotFoundError`; a known entity asked about a type it never
held gets ``authorized: false``. The answer is the recorded history at ``time``
(:mod:`trust_registry.history`); a cancellation after ``time`` is reported in ``message``
but does not change ``authorized`` — the verifier-side rule adding "not cancelled now" is
:func:`is_authorized`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Final

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from trust_registry.entity_store import current_state
from trust_registry.errors import InvalidEntryError, NotFoundError
from trust_registry.history import EntityState, HistoryEvent, authorisation_at, state_at
from trust_registry.models import EntityEvent, TrustedEntity
from trust_registry.timestamps import format_time, utc
from trust_registry.trust_checker import TrustDecision
from trust_registry.validation import check_status

ACTIONS: Final = frozenset({"issue"})
MAX_PAGE: Final = 500


def _entity(session: Session, did: str) -> TrustedEntity:
    entity = session.execute(
        select(TrustedEntity).where(TrustedEntity.did == did)
    ).scalar_one_or_none()
    if entity is None:
        raise NotFoundError(f"entity {did!r} is not in this registry")
    return entity


def load_history(session: Session, entity: TrustedEntity) -> list[HistoryEvent]:
    """An entity's events, oldest first, with their recorded states."""
    rows = session.execute(
        select(EntityEvent).where(EntityEvent.entity_id == entity.id).order_by(EntityEvent.revision)
    ).scalars()
    return [
        HistoryEvent(
            revision=row.revision,
            event=row.event,
            effective_at=row.effective_at,
            actor=row.actor,
            reason=row.reason,
            changes=row.changes,
            state=EntityState.from_json(row.state),
        )
        for row in rows
    ]


def authorize(
    session: Session,
    *,
    entity_id: str,
    authority_id: str,
    action: str,
    resource: str,
    time: datetime | None,
    now: datetime,
    registry_id: str,
) -> dict[str, Any]:
    """Answer a TRQP authorization query (see the module docstring)."""
    if not isinstance(resource, str) or not resource:
        raise InvalidEntryError("resource must be a non-empty string")
    if authority_id != registry_id:
        raise NotFoundError(f"authority {authority_id!r} is not this registry")
    if action not in ACTIONS:
        raise NotFoundError(f"action {action!r} is not recognised; use 'issue'")
    entity = _entity(session, entity_id)
    evaluated = utc(now)
    moment = utc(time) if time is not None else evaluated
    outcome = authorisation_at(load_history(session, entity), resource, moment)
    message = outcome.reason
    if entity.status == "cancelled" and entity.status_since > moment:
        message += f"; the entity was cancelled at {format_time(entity.status_since)}"
    response: dict[str, Any] = {
        "entity_id": entity_id,
        "authority_id": authority_id,
        "action": action,
        "resource": resource,
        "authorized": outcome.authorized,
        "time_requested": format_time(moment),
        "time_evaluated": format_time(evaluated),
        "message": message,
    }
    if time is not None:
        response["context"] = {"time": format_time(moment)}
    return response


def is_authorized(
    session: Session,
    *,
    issuer_id: str,
    credential_type: str,
    issued_at: datetime,
    now: datetime,
) -> TrustDecision:
    """Authorised when issued AND not cancelled now (:mod:`trust_registry.trust_checker`)."""
    entity = session.execute(
        select(TrustedEntity).where(TrustedEntity.did == issuer_id)
    ).scalar_one_or_none()
    if entity is None:
        return TrustDecision(False, f"issuer {issuer_id!r} is not in the trust registry")
    events = load_history(session, entity)
    current = state_at(events, utc(now))
    if current is not None and current.status == "cancelled":
        return TrustDecision(False, "the issuer's registration is cancelled", current.to_json())
    outcome = authorisation_at(events, credential_type, utc(issued_at))
    entry = outcome.state.to_json() if outcome.state is not None else None
    return TrustDecision(outcome.authorized, outcome.reason, entry)


class LocalTrustChecker:
    """:class:`~trust_registry.trust_checker.TrustChecker` over the registry database.

    ``sessions`` opens a session per question (a ``sessionmaker``); it is closed after.
    """

    def __init__(self, sessions: Callable[[], Session]) -> None:
        self._sessions = sessions

    def is_authorized(
        self, issuer_id: str, credential_type: str, issued_at: datetime, now: datetime
    ) -> TrustDecision:
        with self._sessions() as session:
            return is_authorized(
                session,
                issuer_id=issuer_id,
                credential_type=credential_type,
                issued_at=issued_at,
                now=now,
            )


def _issuer_json(session: Session, entity: TrustedEntity) -> dict[str, Any]:
    return {
        **current_state(session, entity).to_json(),
        "revision": entity.revision,
        "created_at": format_time(entity.created_at),
        "updated_at": format_time(entity.updated_at),
    }


def get_issuer(session: Session, *, did: str) -> dict[str, Any]:
    """The current entry of one issuer (EBSI TIR ``GET /issuers/{did}`` analogue)."""
    return _issuer_json(session, _entity(session, did))


def get_issuer_at(session: Session, *, did: str, time: datetime) -> dict[str, Any] | None:
    """The entry as recorded at ``time``; None if the issuer was not registered yet."""
    state = state_at(load_history(session, _entity(session, did)), utc(time))
    return state.to_json() if state is not None else None


def list_issuers(
    session: Session,
    *,
    status: str | None = None,
    credential_type: str | None = None,
    text: str | None = None,
    after: str | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Current entries ordered by DID; page with ``after`` (the last DID seen).

    ``text`` matches a part of the legal name (case-insensitive), of the DID, or the
    start of the SIREN.
    """
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidEntryError(f"limit must be between 1 and {MAX_PAGE}")
    query = select(TrustedEntity).order_by(TrustedEntity.did)
    if status is not None:
        query = query.where(TrustedEntity.status == check_status(status))
    if text is not None and text.strip():
        needle = text.strip().lower()
        query = query.where(
            or_(
                func.lower(TrustedEntity.legal_name).contains(needle, autoescape=True),
                func.lower(TrustedEntity.did).contains(needle, autoescape=True),
                TrustedEntity.siren.startswith(needle, autoescape=True),
            )
        )
    if after is not None:
        query = query.where(TrustedEntity.did > after)
    out: list[dict[str, Any]] = []
    for entity in session.execute(query).scalars():
        item = _issuer_json(session, entity)
        if credential_type is not None and not any(
            grant["type"] == credential_type for grant in item["types"]
        ):
            continue
        out.append(item)
        if len(out) == limit:
            break
    return out


def issuer_history(session: Session, *, did: str) -> list[dict[str, Any]]:
    """Every recorded change, oldest first (EBSI TIR ``/revisions`` analogue)."""
    return [
        {
            "revision": event.revision,
            "event": event.event,
            "effective_at": format_time(event.effective_at),
            "actor": event.actor,
            "reason": event.reason,
            "changes": dict(event.changes),
            "state": event.state.to_json(),
        }
        for event in load_history(session, _entity(session, did))
    ]
