"""The signed trusted list: publish the registry as a JWS, and consume it on the verifier.

The payload is a JWT whose ``LoTE`` claim is the ETSI TS 119 602 document of
:mod:`trust_registry.lote`, with ``iss`` (the registry's DID) and ``iat``. It is a compact
JWS (RFC 7515 §7.1) signed by the registry's :class:`~credentials.keys.Signer`, with
protected header ``typ: trustlist+jwt`` (explicit typing, RFC 8725 §3.11; TS 119 602
carries LoTE JSON in a JAdES compact JWS but this project does not claim JAdES
conformance, hence its own media type) and ``kid``. Freshness is ``ListIssueDateTime`` and
``NextUpdate``, not ``exp``: a consumer refuses the list once ``NextUpdate`` + a grace
period has passed (ARF annex 2: trusted lists are signed, public and refreshed).

The verifier checks the signature against a configured trust anchor key only — never a key
named by the token — then rebuilds each service's status periods from
``ServiceInformation`` and ``ServiceHistory`` and answers :meth:`RemoteTrustChecker.is_authorized`
with the same rule as the local registry (:mod:`trust_registry.trust_checker`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from credentials.errors import ExpiredError, MalformedError, NotYetValidError
from credentials.jose import JosePolicy, sign_compact, verify_compact
from credentials.keys import PublicKey, Signer
from trust_registry.entity_store import INITIAL_SEQUENCE
from trust_registry.errors import RegistryError
from trust_registry.history import ServicePeriod, ServiceStatus
from trust_registry.lote import STATUS_URIS, ListProfile, build_lote
from trust_registry.models import SINGLETON_ID, ListState, TrustedEntity
from trust_registry.query import load_history
from trust_registry.timestamps import format_time, parse_time, utc
from trust_registry.trust_checker import TrustDecision
from trust_registry.validation import check_kind

TYP: Final = "trustlist+jwt"
DEFAULT_VALIDITY: Final = timedelta(hours=24)
DEFAULT_GRACE: Final = timedelta(hours=1)
#: Tolerated clock difference for a ``ListIssueDateTime`` slightly in the future.
ISSUE_LEEWAY: Final = timedelta(minutes=5)
_STATUS_BY_URI: Final[dict[str, ServiceStatus]] = {
    "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted": "granted",
    "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/withdrawn": "withdrawn",
    STATUS_URIS["suspended"]: "suspended",
}


def list_sequence(session: Session) -> int:
    value = session.execute(
        select(ListState.sequence).where(ListState.id == SINGLETON_ID)
    ).scalar_one_or_none()
    return value if value is not None else INITIAL_SEQUENCE


def build_trusted_list(
    session: Session,
    *,
    now: datetime,
    validity: timedelta = DEFAULT_VALIDITY,
    profile: ListProfile = ListProfile(),
) -> dict[str, Any]:
    """The current ``LoTE`` document (every entity, cancelled ones included)."""
    entities = session.execute(select(TrustedEntity).order_by(TrustedEntity.did)).scalars()
    histories = [load_history(session, entity) for entity in entities]
    return build_lote(
        histories,
        sequence=list_sequence(session),
        issued_at=utc(now),
        next_update=utc(now) + validity,
        profile=profile,
    )


def sign_trusted_list(
    session: Session,
    *,
    signer: Signer,
    registry_did: str,
    now: datetime,
    validity: timedelta = DEFAULT_VALIDITY,
    profile: ListProfile = ListProfile(),
) -> str:
    """The trusted list as a compact JWS signed by the registry's key."""
    lote = build_trusted_list(session, now=now, validity=validity, profile=profile)
    claims = {"iss": registry_did, "iat": int(utc(now).timestamp()), "LoTE": lote}
    return sign_compact({"typ": TYP, "kid": signer.kid}, claims, signer)


@dataclass(frozen=True, slots=True)
class RemoteEntity:
    """One trusted entity as read from a verified list."""

    did: str
    status: str
    status_since: datetime
    information: dict[str, Any]
    services: tuple[tuple[ServicePeriod, ...], ...]


@dataclass(frozen=True, slots=True)
class RemoteTrustChecker:
    """:class:`~trust_registry.trust_checker.TrustChecker` over a verified trusted list."""

    issuer: str
    sequence_number: int
    issued_at: datetime
    next_update: datetime
    grace: timedelta
    entities: Mapping[str, RemoteEntity] = field(repr=False)

    def is_stale(self, now: datetime) -> bool:
        return utc(now) > self.next_update + self.grace

    def is_authorized(
        self, issuer_id: str, credential_type: str, issued_at: datetime, now: datetime
    ) -> TrustDecision:
        if self.is_stale(now):
            return TrustDecision(False, "the trusted list is past NextUpdate; refresh it")
        entity = self.entities.get(issuer_id)
        if entity is None:
            return TrustDecision(False, f"issuer {issuer_id!r} is not in the trusted list")
        entry = entity.information
        if entity.status == "cancelled" and entity.status_since <= utc(now):
            return TrustDecision(False, "the issuer's registration is cancelled", entry)
        moment = utc(issued_at)
        reason = "the type was not granted at that time"
        for periods in entity.services:
            if periods[0].type != credential_type:
                continue
            in_force = [p for p in periods if p.start <= moment]
            if not in_force:
                continue
            period = in_force[-1]
            if period.covers(moment):
                return TrustDecision(True, "authorised", entry)
            if period.status == "suspended":
                reason = "the entity was suspended at that time"
            elif period.status == "granted":
                reason = "that time is outside the type's validity window"
        return TrustDecision(False, reason, entry)


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise MalformedError(f"{where} must be a JSON object")
    return value


def _arr(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise MalformedError(f"{where} must be a JSON array")
    return value


def _str(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise MalformedError(f"{where} must be a string")
    return value


def _time(value: Any, where: str) -> datetime:
    try:
        return parse_time(_str(value, where))
    except RegistryError:
        raise MalformedError(f"{where} is not an RFC 3339 date-time") from None


def _period(instance: Any, where: str) -> ServicePeriod:
    data = _obj(instance, where)
    status = _STATUS_BY_URI.get(_str(data.get("ServiceStatus"), f"{where}.ServiceStatus"))
    if status is None:
        raise MalformedError(f"{where}.ServiceStatus is not a known status URI")
    extensions = _arr(data.get("ServiceInformationExtensions"), f"{where} extensions")
    if len(extensions) != 1:
        raise MalformedError(f"{where} must carry one credential type extension")
    ext = _obj(extensions[0], f"{where} extension")
    try:
        kind = check_kind(_str(ext.get("CredentialTypeKind"), f"{where} kind"))
    except RegistryError:
        raise MalformedError(f"{where} has an unknown credential type kind") from None
    valid_from, valid_until = ext.get("ValidFrom"), ext.get("ValidUntil")
    return ServicePeriod(
        kind=kind,
        type=_str(ext.get("CredentialType"), f"{where} type"),
        status=status,
        start=_time(data.get("StatusStartingTime"), f"{where}.StatusStartingTime"),
        valid_from=_time(valid_from, f"{where} ValidFrom") if valid_from is not None else None,
        valid_until=_time(valid_until, f"{where} ValidUntil") if valid_until is not None else None,
    )


def _entity(item: Any, index: int) -> RemoteEntity:
    where = f"TrustedEntitiesList[{index}]"
    data = _obj(item, where)
    information = _obj(data.get("TrustedEntityInformation"), f"{where}.TrustedEntityInformation")
    extensions = _arr(information.get("TEInformationExtensions"), f"{where} extensions")
    if len(extensions) != 1:
        raise MalformedError(f"{where} must carry one registry extension")
    ext = _obj(extensions[0], f"{where} extension")
    status = _str(ext.get("RegistryStatus"), f"{where} RegistryStatus")
    if status not in ("active", "suspended", "cancelled"):
        raise MalformedError(f"{where} RegistryStatus is unknown")
    services: list[tuple[ServicePeriod, ...]] = []
    for number, service in enumerate(_arr(data.get("TrustedEntityServices"), f"{where} services")):
        svc_where = f"{where}.TrustedEntityServices[{number}]"
        svc = _obj(service, svc_where)
        current = _period(svc.get("ServiceInformation"), f"{svc_where}.ServiceInformation")
        older = [
            _period(instance, f"{svc_where}.ServiceHistory[{n}]")
            for n, instance in enumerate(_arr(svc.get("ServiceHistory", []), svc_where))
        ]
        periods = tuple(sorted([current, *older], key=lambda p: p.start))
        if any(p.key_differs(current) for p in periods):
            raise MalformedError(f"{svc_where} mixes credential types in its history")
        services.append(periods)
    return RemoteEntity(
        did=_str(ext.get("DID"), f"{where} DID"),
        status=status,
        status_since=_time(
            ext.get("RegistryStatusStartingTime"), f"{where} RegistryStatusStartingTime"
        ),
        information=information,
        services=tuple(services),
    )


def verify_trusted_list(
    token: str,
    anchor_public_key: PublicKey,
    now: datetime,
    grace: timedelta = DEFAULT_GRACE,
    *,
    policy: JosePolicy = JosePolicy(
        max_payload_bytes=4 * 1024 * 1024, max_token_bytes=6 * 1024 * 1024
    ),
) -> RemoteTrustChecker:
    """Verify a signed trusted list and return a checker answering from it.

    Raises :class:`~credentials.errors.SignatureError` (bad signature or algorithm),
    :class:`~credentials.errors.MalformedError` (not a trusted list),
    :class:`~credentials.errors.NotYetValidError` (issued in the future) or
    :class:`~credentials.errors.ExpiredError` (past ``NextUpdate`` + ``grace``).
    """
    decoded = verify_compact(
        token, policy=policy, typ=[TYP], key_resolver=lambda _header: anchor_public_key
    )
    claims = decoded.payload_json()
    lote = _obj(claims.get("LoTE"), "LoTE")
    scheme = _obj(lote.get("ListAndSchemeInformation"), "ListAndSchemeInformation")
    issued_at = _time(scheme.get("ListIssueDateTime"), "ListIssueDateTime")
    next_update = _time(scheme.get("NextUpdate"), "NextUpdate")
    sequence = scheme.get("LoTESequenceNumber")
    if isinstance(sequence, bool) or not isinstance(sequence, int) or sequence < 1:
        raise MalformedError("LoTESequenceNumber must be a positive integer")
    moment = utc(now)
    if issued_at > moment + ISSUE_LEEWAY:
        raise NotYetValidError("the trusted list was issued in the future")
    if moment > next_update + grace:
        raise ExpiredError(f"the trusted list expired at NextUpdate {format_time(next_update)}")
    entities: dict[str, RemoteEntity] = {}
    for index, item in enumerate(_arr(lote.get("TrustedEntitiesList"), "TrustedEntitiesList")):
        entity = _entity(item, index)
        if entity.did in entities:
            raise MalformedError(f"{entity.did} is listed twice")
        entities[entity.did] = entity
    return RemoteTrustChecker(
        issuer=_str(claims.get("iss"), "iss"),
        sequence_number=sequence,
        issued_at=issued_at,
        next_update=next_update,
        grace=grace,
        entities=entities,
    )
