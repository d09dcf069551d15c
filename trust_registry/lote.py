"""The registry as an ETSI TS 119 602 "List of Trusted Entities" (LoTE) JSON document.

Field names follow TS 119 602 V1.1.1 (``LoTE`` → ``ListAndSchemeInformation`` +
``TrustedEntitiesList``). Project choices, where TS 119 602 leaves the vocabulary to the
scheme:

* ``LoTEType`` is :data:`LOTE_TYPE`; one trusted entity per registered issuer, one
  ``TrustedEntityService`` per credential type it holds or held.
* ``ServiceTypeIdentifier`` is ``urn:attestia:trust-registry:SvcType:<kind>:Issuance:``
  followed by the percent-encoded type; ``ServiceInformationExtensions`` repeats the kind,
  the type and the validity window (``ValidFrom``/``ValidUntil``) in clear.
* ``ServiceStatus`` uses the TS 119 612 ``granted``/``withdrawn`` URIs and a project URI
  for ``suspended`` (TS 119 612 has none). ``StatusStartingTime`` and the
  ``ServiceHistory`` instances (newest first) are the periods of
  :func:`trust_registry.history.service_timelines`, so a consumer can evaluate a service's
  status at any past time, as DSS does with a trusted list's history.
* ``ServiceDigitalIdentity.OtherIds`` holds the DID and RFC 9278 JWK thumbprint URIs;
  ``X509SHA256Thumbprints`` (project member) the certificate thumbprints in hex.
* ``TETradeName`` carries the SIREN as ``NTRFR-<SIREN>`` (the ETSI EN 319 412-1
  national trade register semantics identifier); ``TEInformationExtensions`` carries the
  registry status of the entity (``active``/``suspended``/``cancelled``) and its DID.
* ``HistoricalInformationPeriod`` is 65535, the TS 119 612 value for "kept forever".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final
from urllib.parse import quote

from trust_registry.history import EntityState, HistoryEvent, ServicePeriod, service_timelines
from trust_registry.timestamps import format_time

NAMESPACE: Final = "urn:attestia:trust-registry"
LOTE_TYPE: Final = f"{NAMESPACE}:LoTEType:CredentialIssuersList"
LOTE_VERSION: Final = 1
HISTORICAL_INFORMATION_PERIOD: Final = 65535
JWK_THUMBPRINT_URI: Final = "urn:ietf:params:oauth:jwk-thumbprint:sha-256:"
STATUS_URIS: Final = {
    "granted": "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted",
    "withdrawn": "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/withdrawn",
    "suspended": f"{NAMESPACE}:Svcstatus:suspended",
}


def service_type_identifier(kind: str, type_value: str) -> str:
    return f"{NAMESPACE}:SvcType:{kind}:Issuance:{quote(type_value, safe='')}"


@dataclass(frozen=True, slots=True)
class ListProfile:
    """What the scheme operator says about itself in ``ListAndSchemeInformation``."""

    operator_name: str = "Direction interministérielle du numérique (DINUM)"
    scheme_name: str = "Attestia trust registry of credential issuers"
    territory: str = "FR"
    lote_type: str = LOTE_TYPE
    scheme_information_uri: str | None = None


def _text(value: str, lang: str = "fr") -> list[dict[str, str]]:
    return [{"lang": lang, "value": value}]


def _digital_identity(state: EntityState) -> dict[str, Any]:
    identity: dict[str, Any] = {
        "OtherIds": [state.did] + [JWK_THUMBPRINT_URI + t for t in state.jwk_thumbprints]
    }
    if state.x509_thumbprints:
        identity["X509SHA256Thumbprints"] = list(state.x509_thumbprints)
    return identity


def _service_instance(period: ServicePeriod, identity: dict[str, Any]) -> dict[str, Any]:
    return {
        "ServiceName": _text(period.type, "en"),
        "ServiceTypeIdentifier": service_type_identifier(period.kind, period.type),
        "ServiceDigitalIdentity": identity,
        "ServiceStatus": STATUS_URIS[period.status],
        "StatusStartingTime": format_time(period.start),
        "ServiceInformationExtensions": [
            {
                "CredentialTypeKind": period.kind,
                "CredentialType": period.type,
                "ValidFrom": format_time(period.valid_from) if period.valid_from else None,
                "ValidUntil": format_time(period.valid_until) if period.valid_until else None,
            }
        ],
    }


def trusted_entity(events: Sequence[HistoryEvent]) -> dict[str, Any]:
    """One ``TrustedEntitiesList`` item from an entity's whole history."""
    state = max(events, key=lambda e: e.revision).state
    identity = _digital_identity(state)
    information: dict[str, Any] = {"TEName": _text(state.legal_name)}
    if state.siren is not None:
        information["TETradeName"] = _text(f"NTR{state.country}-{state.siren}")
    if state.contact is not None:
        information["TEAddress"] = {
            "TEElectronicAddress": [{"lang": "fr", "uriValue": state.contact}]
        }
    information["TEInformationExtensions"] = [
        {
            "DID": state.did,
            "Country": state.country,
            "SIREN": state.siren,
            "RegistryStatus": state.status,
            "RegistryStatusStartingTime": format_time(state.status_since),
        }
    ]
    services = []
    for periods in service_timelines(events).values():
        current, *older = reversed(periods)
        services.append(
            {
                "ServiceInformation": _service_instance(current, identity),
                "ServiceHistory": [_service_instance(p, identity) for p in older],
            }
        )
    return {"TrustedEntityInformation": information, "TrustedEntityServices": services}


def build_lote(
    histories: Sequence[Sequence[HistoryEvent]],
    *,
    sequence: int,
    issued_at: datetime,
    next_update: datetime,
    profile: ListProfile,
) -> dict[str, Any]:
    """The ``LoTE`` object for a set of entity histories (each non-empty)."""
    scheme: dict[str, Any] = {
        "LoTEVersionIdentifier": LOTE_VERSION,
        "LoTESequenceNumber": sequence,
        "LoTEType": profile.lote_type,
        "SchemeOperatorName": _text(profile.operator_name),
        "SchemeName": _text(profile.scheme_name),
        "SchemeTerritory": profile.territory,
        "HistoricalInformationPeriod": HISTORICAL_INFORMATION_PERIOD,
        "ListIssueDateTime": format_time(issued_at),
        "NextUpdate": format_time(next_update),
    }
    if profile.scheme_information_uri is not None:
        scheme["SchemeInformationURI"] = [
            {"lang": "en", "uriValue": profile.scheme_information_uri}
        ]
    return {
        "ListAndSchemeInformation": scheme,
        "TrustedEntitiesList": [trusted_entity(events) for events in histories if events],
    }
