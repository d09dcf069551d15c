"""A deployment for Gaia-X tests: did:web, RSA issuer key with an x5u dev chain, fakes.

The DID document is built the way the composition layer builds it
(:func:`build_did_document` with ``gaia_x_published_key_extra``); the resolver and the
fetcher are in-memory fakes, so nothing touches the network.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from credentials.did.document import PublishedKey, build_did_document
from credentials.errors import KeyResolutionError
from credentials.keys import SoftwareSigner, generate_private_key
from credentials.net import FetchedDocument, FetchError
from issuer.company.models import Address, DataFreshness, Establishment, LegalForm, LegalUnit
from issuer.eligibility import Decision
from issuer.gaia_x import (
    CertificateChain,
    GaiaXIssuerConfig,
    ParticipantFacts,
    PostalFacts,
    chain_url,
    gaia_x_published_key_extra,
    generate_dev_chain,
)

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
BASE_URL = "https://attestia.example.fr"
DID = "did:web:attestia.example.fr"
SIREN = "552081317"  # fictitious use of a Luhn-valid SIREN

_RSA = generate_private_key("RSA")
_OTHER_RSA = generate_private_key("RSA")


class FakeResolver:
    """DID documents from a dict; anything else is unresolvable."""

    def __init__(self, documents: dict[str, dict[str, Any]]) -> None:
        self.documents = documents

    def resolve(self, did: str) -> dict[str, Any]:
        try:
            return copy.deepcopy(self.documents[did])
        except KeyError:
            raise KeyResolutionError(f"could not resolve {did}") from None


@dataclass
class FakeFetcher:
    """Serves fixed bodies by URL and records what was asked."""

    bodies: dict[str, bytes] = field(default_factory=dict)
    requested: list[str] = field(default_factory=list)

    def fetch(self, url: str, *, accept: str, max_bytes: int) -> FetchedDocument:
        self.requested.append(url)
        if url not in self.bodies:
            raise FetchError(f"no route to {url}")
        return FetchedDocument(200, "application/x-pem-file", self.bodies[url], url=url)


@dataclass
class Deployment:
    signer: SoftwareSigner
    chain: CertificateChain
    did_document: dict[str, Any]
    resolver: FakeResolver
    fetcher: FakeFetcher
    config: GaiaXIssuerConfig


def deployment(*, chain_key: Any = None, x5u: bool = True) -> Deployment:
    """The issuer RSA key, a dev chain for ``chain_key`` (default: that key), the DID doc."""
    signer = SoftwareSigner(_RSA, f"{DID}#rsa-1", "PS256")
    public = (chain_key or _RSA).public_key()
    chain = generate_dev_chain(public, host="attestia.example.fr", now=NOW)
    extra = gaia_x_published_key_extra(chain_url(BASE_URL)) if x5u else {"alg": "PS256"}
    document = build_did_document(DID, [PublishedKey("rsa-1", _RSA.public_key(), jwk_extra=extra)])
    return Deployment(
        signer=signer,
        chain=chain,
        did_document=document,
        resolver=FakeResolver({DID: document}),
        fetcher=FakeFetcher({chain_url(BASE_URL): chain.pem.encode()}),
        config=GaiaXIssuerConfig(base_url=BASE_URL, issuer_did=DID),
    )


def other_rsa_key() -> Any:
    return _OTHER_RSA


def paris_facts(subdivision: str = "FR-75C") -> ParticipantFacts:
    address = PostalFacts(
        country_code="FR",
        subdivision_code=subdivision,
        street="12 RUE DE L'EXEMPLE",
        postal_code="75008",
        locality="PARIS",
        nuts2="FR10",
    )
    return ParticipantFacts(
        siren=SIREN,
        legal_name="EXEMPLE SAS",
        vat_id="FR03552081317",
        legal_address=address,
        headquarters_address=address,
    )


def decision(*, postal_code: str = "69003", commune_code: str | None = "69383") -> Decision:
    freshness = DataFreshness(source="offline", fetched_at=NOW)
    unit = LegalUnit(
        siren=SIREN,
        legal_name="EXEMPLE SAS",
        legal_form=LegalForm("5710", "SAS"),
        category="company",
        naf="62.01Z",
        creation_date=date(2010, 1, 1),
        status="active",
        cessation_date=None,
        diffusion="public",
        vat_number="",
        head_office_siret=SIREN + "00013",
        freshness=freshness,
    )
    head = Establishment(
        siret=SIREN + "00013",
        siren=SIREN,
        address=Address("1 PLACE DE LA REPUBLIQUE", postal_code, "LYON", commune_code),
        head_office=True,
        status="active",
        closing_date=None,
        naf="62.01Z",
        freshness=freshness,
    )
    return Decision(
        "gaia_x_participant", True, legal_unit=unit, establishment=head, head_office=head
    )
