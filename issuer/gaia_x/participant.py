"""From an eligibility decision to signed Gaia-X participant bundles, and their submission.

The functions here are what the portal, the OpenID4VCI minting and the composition layer
call: :func:`build_loire_bundle` (the primary output: three VC-JWTs in a VP-JWT ready for a
GXDCH compliance service), :func:`build_tagus_bundle` (compatibility: JsonWebSignature2020
JSON-LD in an unsigned VP) and :func:`submit_participant` (POST to the configured compliance
service and keep the returned credential).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from credentials.jsonld import ContextRegistry
from credentials.keys import Signer
from issuer.eligibility import Decision
from issuer.gaia_x.compliance import ComplianceClient, ComplianceCredential
from issuer.gaia_x.errors import GaiaXError
from issuer.gaia_x.facts import ParticipantFacts, participant_facts
from issuer.gaia_x.identifiers import CredentialIds
from issuer.gaia_x.loire import (
    LoireCredentials,
    loire_credentials,
    loire_presentation,
    sign_loire_credentials,
)
from issuer.gaia_x.models import StoredCompliance, record_compliance
from issuer.gaia_x.tagus import (
    TagusCredentials,
    sign_tagus_credentials,
    tagus_credentials,
    tagus_presentation,
)

DEFAULT_VALIDITY = timedelta(days=365)


@dataclass(frozen=True, slots=True)
class GaiaXIssuerConfig:
    """Where the credentials live and who signs them (the deployment's did:web)."""

    base_url: str
    issuer_did: str
    validity: timedelta = DEFAULT_VALIDITY


@dataclass(frozen=True, slots=True)
class LoireBundle:
    credentials: LoireCredentials
    vc_jwts: tuple[str, ...]
    vp_jwt: str


@dataclass(frozen=True, slots=True)
class TagusBundle:
    credentials: TagusCredentials
    presentation: dict[str, Any]


def _facts(source: Decision | ParticipantFacts) -> ParticipantFacts:
    return participant_facts(source) if isinstance(source, Decision) else source


def _check_signer(signer: Signer, config: GaiaXIssuerConfig) -> None:
    if signer.algorithm != "PS256" or not signer.kid.startswith(config.issuer_did + "#"):
        raise GaiaXError("Gaia-X credentials are signed PS256 by the deployment's did:web RSA key")


def build_loire_bundle(
    source: Decision | ParticipantFacts,
    *,
    signer: Signer,
    config: GaiaXIssuerConfig,
    now: datetime,
) -> LoireBundle:
    """Loire ``gx:LegalPerson`` + ``gx:VatID`` + ``gx:Issuer`` VC-JWTs in a VP-JWT."""
    _check_signer(signer, config)
    facts = _facts(source)
    until = now + config.validity
    credentials = loire_credentials(
        facts,
        ids=CredentialIds.for_participant(config.base_url, facts.siren),
        issuer=config.issuer_did,
        valid_from=now,
        valid_until=until,
    )
    issued, expires = int(now.timestamp()), int(until.timestamp())
    vc_jwts = sign_loire_credentials(credentials, signer, issued_at=issued, expires_at=expires)
    vp_jwt = loire_presentation(
        vc_jwts, signer, holder=config.issuer_did, issued_at=issued, expires_at=expires
    )
    return LoireBundle(credentials, tuple(vc_jwts), vp_jwt)


def build_tagus_bundle(
    source: Decision | ParticipantFacts,
    *,
    signer: Signer,
    config: GaiaXIssuerConfig,
    registry: ContextRegistry,
    now: datetime,
) -> TagusBundle:
    """Tagus registration number + ``gx:LegalParticipant`` + T&C, JsonWebSignature2020."""
    _check_signer(signer, config)
    facts = _facts(source)
    unsigned = tagus_credentials(
        facts,
        ids=CredentialIds.for_participant(config.base_url, facts.siren),
        issuer=config.issuer_did,
        issued=now,
        expires=now + config.validity,
    )
    signed = sign_tagus_credentials(unsigned, signer, registry=registry, created=now)
    return TagusBundle(signed, tagus_presentation(signed))


def submit_participant(
    bundle: LoireBundle | TagusBundle,
    *,
    client: ComplianceClient,
    session: Session,
    siren: str,
    now: datetime,
) -> StoredCompliance:
    """POST the bundle to the compliance service and record the returned credential.

    Raises :class:`~issuer.gaia_x.errors.ComplianceRejected` (the service's reasons) or
    :class:`~issuer.gaia_x.errors.ComplianceError`; nothing is stored then.
    """
    outcome: ComplianceCredential
    if isinstance(bundle, LoireBundle):
        outcome = client.submit_loire(
            bundle.vp_jwt, vcid=bundle.credentials.legal_person["id"] + "/compliance"
        )
    else:
        outcome = client.submit_tagus(
            bundle.presentation, vcid=bundle.credentials.legal_participant["id"] + "/compliance"
        )
    return record_compliance(session, siren=siren, outcome=outcome, now=now)
