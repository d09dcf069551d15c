"""Registry state as of any time, replayed from the append-only event history.

What "authorised at time t" means here. An entity E is authorised to issue type T at t
when all of these hold in the state recorded at t (the last event of E whose
``effective_at`` <= t):

1. E existed and its status was ``active`` (not ``suspended``, not ``cancelled``);
2. T was among E's granted types (added and not removed); and
3. that grant's window contains t: ``valid_from`` <= t < ``valid_until`` (open-ended when
   ``valid_until`` is null).

Changes are never retroactive: an event takes effect when it is recorded, so a type added
(or a window widened) later does not authorise earlier times even if ``valid_from`` is
earlier, and a suspension or a narrowed window does not un-authorise the past. The one
retroactive signal is cancellation, which verifiers apply through "not cancelled now"
(:mod:`trust_registry.trust_checker`). This is the TRQP ``context.time`` question (ToIP
TRQP v2) and the ETSI TS 119 612 / TS 119 602 ``ServiceHistory`` reading of a service's
status at a past time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, TypeAlias

from trust_registry.timestamps import format_time, parse_time
from trust_registry.validation import EntityStatus, TypeKind, check_kind, check_status

ServiceStatus: TypeAlias = Literal["granted", "suspended", "withdrawn"]


@dataclass(frozen=True, slots=True)
class TypeGrant:
    """A credential type an entity may issue, with its window and when it was recorded."""

    kind: TypeKind
    type: str
    valid_from: datetime
    valid_until: datetime | None
    granted_at: datetime

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.type)

    def covers(self, moment: datetime) -> bool:
        return self.valid_from <= moment and (self.valid_until is None or moment < self.valid_until)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "type": self.type,
            "valid_from": format_time(self.valid_from),
            "valid_until": format_time(self.valid_until) if self.valid_until else None,
            "granted_at": format_time(self.granted_at),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TypeGrant:
        until = data.get("valid_until")
        return cls(
            kind=check_kind(str(data["kind"])),
            type=str(data["type"]),
            valid_from=parse_time(data["valid_from"]),
            valid_until=parse_time(until) if until is not None else None,
            granted_at=parse_time(data["granted_at"]),
        )


@dataclass(frozen=True, slots=True)
class EntityState:
    """Everything recorded about an entity at one revision."""

    did: str
    legal_name: str
    siren: str | None
    country: str
    contact: str | None
    x509_thumbprints: tuple[str, ...]
    jwk_thumbprints: tuple[str, ...]
    status: EntityStatus
    status_since: datetime
    accredited_by: str
    types: tuple[TypeGrant, ...] = field(default=())

    def grants_for(self, credential_type: str) -> list[TypeGrant]:
        return [grant for grant in self.types if grant.type == credential_type]

    def to_json(self) -> dict[str, Any]:
        return {
            "did": self.did,
            "legal_name": self.legal_name,
            "siren": self.siren,
            "country": self.country,
            "contact": self.contact,
            "x509_thumbprints": list(self.x509_thumbprints),
            "jwk_thumbprints": list(self.jwk_thumbprints),
            "status": self.status,
            "status_since": format_time(self.status_since),
            "accredited_by": self.accredited_by,
            "types": [grant.to_json() for grant in self.types],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> EntityState:
        return cls(
            did=str(data["did"]),
            legal_name=str(data["legal_name"]),
            siren=data.get("siren"),
            country=str(data["country"]),
            contact=data.get("contact"),
            x509_thumbprints=tuple(data.get("x509_thumbprints", ())),
            jwk_thumbprints=tuple(data.get("jwk_thumbprints", ())),
            status=check_status(str(data["status"])),
            status_since=parse_time(data["status_since"]),
            accredited_by=str(data["accredited_by"]),
            types=tuple(TypeGrant.from_json(item) for item in data.get("types", ())),
        )


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    """One recorded change and the entity state right after it."""

    revision: int
    event: str
    effective_at: datetime
    actor: str
    reason: str | None
    changes: Mapping[str, Any]
    state: EntityState


def state_at(events: Iterable[HistoryEvent], moment: datetime) -> EntityState | None:
    """The state recorded at ``moment``: that of the last event effective at or before it."""
    found: HistoryEvent | None = None
    for event in events:
        if event.effective_at <= moment and (found is None or event.revision > found.revision):
            found = event
    return found.state if found is not None else None


@dataclass(frozen=True, slots=True)
class Authorisation:
    """The answer to "was this entity authorised to issue this type at that time?"."""

    authorized: bool
    reason: str
    state: EntityState | None = None
    grant: TypeGrant | None = None


def authorisation_at(
    events: Sequence[HistoryEvent], credential_type: str, moment: datetime
) -> Authorisation:
    """Apply the rule of this module's docstring at ``moment`` (any type kind matches)."""
    state = state_at(events, moment)
    if state is None:
        return Authorisation(False, "the entity was not registered at that time")
    if state.status != "active":
        return Authorisation(False, f"the entity was {state.status} at that time", state)
    grants = state.grants_for(credential_type)
    if not grants:
        return Authorisation(False, "the type was not granted at that time", state)
    for grant in grants:
        if grant.covers(moment):
            return Authorisation(True, "authorised", state, grant)
    return Authorisation(False, "that time is outside the type's validity window", state)


@dataclass(frozen=True, slots=True)
class ServicePeriod:
    """From ``start`` on, a type's service status and window (one LoTE service instance)."""

    kind: TypeKind
    type: str
    status: ServiceStatus
    start: datetime
    valid_from: datetime | None
    valid_until: datetime | None

    def key_differs(self, other: ServicePeriod) -> bool:
        return (self.kind, self.type) != (other.kind, other.type)

    def covers(self, moment: datetime) -> bool:
        return (
            self.status == "granted"
            and self.valid_from is not None
            and self.valid_from <= moment
            and (self.valid_until is None or moment < self.valid_until)
        )


def service_timelines(events: Sequence[HistoryEvent]) -> dict[tuple[str, str], list[ServicePeriod]]:
    """Per (kind, type): the periods of its service status, oldest first.

    A type is ``granted`` while its entity is active and the grant is in force,
    ``suspended`` while its entity is suspended, ``withdrawn`` once removed or once the
    entity is cancelled. Events sharing one ``effective_at`` collapse to the last one, as
    in :func:`state_at`, so the periods answer exactly what :func:`authorisation_at` does.
    """
    ordered = sorted(events, key=lambda e: e.revision)
    moments: list[tuple[datetime, EntityState]] = []
    for event in ordered:
        if moments and moments[-1][0] == event.effective_at:
            moments[-1] = (event.effective_at, event.state)
        else:
            moments.append((event.effective_at, event.state))
    timelines: dict[tuple[str, str], list[ServicePeriod]] = {}
    for moment, state in moments:
        present = {grant.key: grant for grant in state.types}
        for key in list(timelines) + [k for k in present if k not in timelines]:
            periods = timelines.setdefault(key, [])
            grant = present.get(key)
            last = periods[-1] if periods else None
            status: ServiceStatus
            if state.status == "cancelled" or grant is None:
                status = "withdrawn"
            elif state.status == "suspended":
                status = "suspended"
            else:
                status = "granted"
            window_from = grant.valid_from if grant else (last.valid_from if last else None)
            window_until = grant.valid_until if grant else (last.valid_until if last else None)
            period = ServicePeriod(
                check_kind(key[0]), key[1], status, moment, window_from, window_until
            )
            if last is None or (last.status, last.valid_from, last.valid_until) != (
                period.status,
                period.valid_from,
                period.valid_until,
            ):
                periods.append(period)
    return timelines
