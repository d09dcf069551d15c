"""A self-contained test world: an issuer on did:web (served by a fake fetcher), holders
on did:jwk / did:key, status lists, a trust checker with a timeline, and builders for a
credential in every format. Nothing touches the network."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from credentials import jws2020
from credentials.data_integrity import (
    EDDSA_RDFC_2022,
    AssertionMethodPurpose,
    AuthenticationPurpose,
)
from credentials.data_integrity import add_proof as add_di_proof
from credentials.did import DidResolver
from credentials.did.document import PublishedKey, build_did_document
from credentials.did.jwk import JwkMethod, did_jwk_from_jwk
from credentials.did.key import KeyMethod, did_key_from_public_key
from credentials.did.web import WebMethod
from credentials.jsonld import ContextRegistry
from credentials.keys import SoftwareSigner, public_jwk
from credentials.net.fetcher import FetchedDocument, FetchError
from credentials.sd_jwt import SD, KeyBindingRequest, create_presentation
from credentials.sd_jwt_vc import StatusListReference, build_payload, issue_sd_jwt_vc
from credentials.status_list.bitstring import (
    build_status_entry,
    build_status_list_credential,
    new_bitstring,
)
from credentials.status_list.token import new_status_list, sign_status_list_token
from credentials.vc_jose import build_presentation, sign_vc_jwt, sign_vp_jwt
from trust_registry.trust_checker import TrustDecision
from verifier.pipeline import VerificationPipeline
from verifier.policies import load_policies

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
BASE_URL = "https://attestia.example"
ISSUER = "did:web:issuer.example"
OTHER_ISSUER = "did:web:other.example"
VERIFIER = "https://verifier.example"
NONCE = "n-0S6_WzA2Mj-0123456789"
VCT_MANDATE = f"{BASE_URL}/issuer/vct/legal_representative"
VCT_EXECUTIVE = f"{BASE_URL}/issuer/vct/executive_certification"
TOKEN_LIST = "https://issuer.example/status/token/1"
BSL_REVOCATION = "https://issuer.example/status/bsl/revocation"
BSL_SUSPENSION = "https://issuer.example/status/bsl/suspension"
V2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
V1 = "https://www.w3.org/2018/credentials/v1"
JWS2020_CONTEXT = "https://w3id.org/security/suites/jws-2020/v1"
REVOKED_IDX, SUSPENDED_IDX = 7, 9

MANDATE_CLAIMS = {
    "given_name": "Marie",
    "family_name": "Curie",
    "siren": "552100554",
    "legal_name": "EXEMPLE SAS",
    "role_label": "Présidente",
}


class FakeFetcher:
    """URL → (status, content type, body); a URL in ``down`` raises FetchError."""

    def __init__(self) -> None:
        self.documents: dict[str, tuple[int, str, bytes, dict[str, str]]] = {}
        self.down: set[str] = set()
        self.calls: list[str] = []

    def serve(
        self, url: str, body: bytes | str | Mapping[str, Any], content_type: str, **headers: str
    ) -> None:
        raw = (
            body
            if isinstance(body, bytes)
            else (body.encode() if isinstance(body, str) else json.dumps(body).encode())
        )
        self.documents[url] = (200, content_type, raw, headers)

    def fetch(self, url: str, *, accept: str, max_bytes: int) -> FetchedDocument:
        self.calls.append(url)
        if url in self.down:
            raise FetchError(f"connection to {url} refused")
        if url not in self.documents:
            return FetchedDocument(404, "text/plain", b"not found", {}, url)
        status, content_type, body, headers = self.documents[url]
        return FetchedDocument(status, content_type, body, headers, url)


@dataclass
class FakeTrust:
    """Issuer → type → list of (start, end, status) periods; cancelled_at per issuer."""

    grants: dict[str, dict[str, list[tuple[datetime, datetime | None, str]]]] = field(
        default_factory=dict
    )
    cancelled: dict[str, datetime] = field(default_factory=dict)

    def is_authorized(
        self, issuer_id: str, credential_type: str, issued_at: datetime, now: datetime
    ) -> TrustDecision:
        entry = {"did": issuer_id, "name": "Issuer"}
        types = self.grants.get(issuer_id)
        if types is None:
            return TrustDecision(False, f"issuer {issuer_id!r} is not in the trust registry")
        if issuer_id in self.cancelled and self.cancelled[issuer_id] <= now:
            return TrustDecision(False, "the issuer's registration is cancelled", entry)
        for start, end, status in types.get(credential_type, []):
            if start <= issued_at and (end is None or issued_at < end):
                if status == "suspended":
                    return TrustDecision(False, "the entity was suspended at that time", entry)
                return TrustDecision(True, "authorised", entry)
        return TrustDecision(False, "the type was not granted at that time", entry)


class World:
    """Keys, DID documents, status lists and a pipeline over them."""

    def __init__(self) -> None:
        self.now = NOW
        self.fetcher = FakeFetcher()
        self.issuer_es = SoftwareSigner(ec.generate_private_key(ec.SECP256R1()), f"{ISSUER}#es256")
        self.issuer_ed = SoftwareSigner(ed25519.Ed25519PrivateKey.generate(), f"{ISSUER}#ed")
        self.issuer_rsa = SoftwareSigner(
            rsa.generate_private_key(public_exponent=65537, key_size=2048), f"{ISSUER}#rsa", "PS256"
        )
        self.other_es = SoftwareSigner(
            ec.generate_private_key(ec.SECP256R1()), f"{OTHER_ISSUER}#es256"
        )
        holder_key = ec.generate_private_key(ec.SECP256R1())
        self.holder_did = did_jwk_from_jwk(public_jwk(holder_key.public_key()))
        self.holder = SoftwareSigner(holder_key, f"{self.holder_did}#0")
        ed_holder = ed25519.Ed25519PrivateKey.generate()
        self.ed_holder_did = did_key_from_public_key(ed_holder.public_key())
        self.ed_holder = SoftwareSigner(
            ed_holder, f"{self.ed_holder_did}#{self.ed_holder_did.split(':')[-1]}"
        )
        self.fetcher.serve(
            "https://issuer.example/.well-known/did.json",
            build_did_document(
                ISSUER,
                [
                    PublishedKey("es256", self.issuer_es.public_key()),
                    PublishedKey("ed", self.issuer_ed.public_key()),
                    PublishedKey("rsa", self.issuer_rsa.public_key()),
                ],
            ),
            "application/did+json",
        )
        self.fetcher.serve(
            "https://other.example/.well-known/did.json",
            build_did_document(OTHER_ISSUER, [PublishedKey("es256", self.other_es.public_key())]),
            "application/did+json",
        )
        self.contexts = ContextRegistry.standard()
        self.trust = FakeTrust()
        day0 = NOW - timedelta(days=400)
        for kind in (
            VCT_MANDATE,
            VCT_EXECUTIVE,
            "LegalRepresentativeCredential",
            "ExecutiveCertificationCredential",
            "gx:LegalParticipant",
            "gx:legalRegistrationNumber",
            "gx:GaiaXTermsAndConditions",
        ):
            self.trust.grants.setdefault(ISSUER, {})[kind] = [(day0, None, "granted")]
        self.publish_status_lists()

    # -- infrastructure ---------------------------------------------------------

    def clock(self) -> datetime:
        return self.now

    def pipeline(self, **overrides: Any) -> VerificationPipeline:
        dids = DidResolver(
            {"web": WebMethod(self.fetcher), "key": KeyMethod(), "jwk": JwkMethod()},
            clock=lambda: self.now.timestamp(),
        )
        arguments: dict[str, Any] = {
            "dids": dids,
            "fetcher": self.fetcher,
            "contexts": self.contexts,
            "clock": self.clock,
            "trust": self.trust,
            "policies": load_policies(base_url=BASE_URL),
        }
        arguments.update(overrides)
        return VerificationPipeline(**arguments)

    def publish_status_lists(self, signer: SoftwareSigner | None = None) -> None:
        iat = int(self.now.timestamp())
        statuses = new_status_list(1024, bits=2)
        statuses.set(REVOKED_IDX, 1)
        statuses.set(SUSPENDED_IDX, 2)
        token = sign_status_list_token(
            statuses, signer or self.issuer_es, uri=TOKEN_LIST, iat=iat, ttl=600
        )
        self.fetcher.serve(TOKEN_LIST, token, "application/statuslist+jwt")
        for url, purpose, idx in (
            (BSL_REVOCATION, "revocation", REVOKED_IDX),
            (BSL_SUSPENSION, "suspension", SUSPENDED_IDX),
        ):
            bits = new_bitstring()
            bits.set(idx, 1)
            issuer = ISSUER if signer is None else signer.kid.split("#")[0]
            credential = build_status_list_credential(
                bits,
                credential_id=url,
                issuer=issuer,
                purpose=purpose,  # type: ignore[arg-type]
            )
            self.fetcher.serve(
                url,
                sign_vc_jwt(credential, signer or self.issuer_es, issued_at=iat),
                "application/vc+jwt",
            )

    # -- SD-JWT VC --------------------------------------------------------------

    def sd_jwt(
        self,
        claims: Mapping[str, Any] = MANDATE_CLAIMS,
        *,
        vct: str = VCT_MANDATE,
        status_idx: int | None = 1,
        signer: SoftwareSigner | None = None,
        iat: datetime | None = None,
        exp: datetime | None = None,
    ) -> str:
        signer = signer or self.issuer_es
        issued = iat or self.now - timedelta(days=1)
        payload = build_payload(
            vct=vct,
            iss=signer.kid.split("#")[0],
            iat=int(issued.timestamp()),
            exp=int((exp or self.now + timedelta(days=90)).timestamp()),
            claims={k: SD(v) if k != "siren" else v for k, v in claims.items()},
            holder_jwk=self.holder.public_jwk(),
            status=StatusListReference(status_idx, TOKEN_LIST) if status_idx is not None else None,
        )
        return issue_sd_jwt_vc(payload, signer).compact

    def sd_jwt_presentation(
        self,
        sd_jwt: str | None = None,
        *,
        nonce: str = NONCE,
        aud: str = VERIFIER,
        iat: datetime | None = None,
        disclose: tuple[str, ...] | None = None,
    ) -> str:
        token = sd_jwt or self.sd_jwt()
        paths = [[name] for name in (disclose if disclose is not None else tuple(MANDATE_CLAIMS))]
        return create_presentation(
            token,
            paths,
            key_binding=KeyBindingRequest(
                self.holder, nonce, aud, int((iat or self.now).timestamp())
            ),
        )

    # -- VCDM 2.0 ---------------------------------------------------------------

    def vcdm_credential(
        self,
        subject: Mapping[str, Any] = MANDATE_CLAIMS,
        *,
        holder: str | None = None,
        issuer: str = ISSUER,
        valid_from: datetime | None = None,
        valid_until: datetime | None = None,
        status: str | None = "revocation",
        status_idx: int = 1,
    ) -> dict[str, Any]:
        credential: dict[str, Any] = {
            "@context": [V2, EXAMPLES_V2],
            "type": ["VerifiableCredential", "LegalRepresentativeCredential"],
            "issuer": issuer,
            "validFrom": (valid_from or self.now - timedelta(days=1)).strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            ),
            "validUntil": (valid_until or self.now + timedelta(days=90)).strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            ),
            "credentialSubject": {"id": holder or self.holder_did, **subject},
        }
        if status is not None:
            url = BSL_REVOCATION if status == "revocation" else BSL_SUSPENSION
            credential["credentialStatus"] = build_status_entry(
                status_list_credential=url,
                index=status_idx,
                purpose=status,  # type: ignore[arg-type]
            )
        return credential

    def vc_jwt(
        self, credential: Mapping[str, Any] | None = None, signer: SoftwareSigner | None = None
    ) -> str:
        return sign_vc_jwt(credential or self.vcdm_credential(), signer or self.issuer_es)

    def vp_jwt(
        self, credentials: list[str] | None = None, *, nonce: str = NONCE, aud: str = VERIFIER
    ) -> str:
        presentation = build_presentation(credentials or [self.vc_jwt()], holder=self.holder_did)
        return sign_vp_jwt(presentation, self.holder, nonce=nonce, audience=aud)

    def ldp_vc(self, credential: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return add_di_proof(
            credential or self.vcdm_credential(holder=self.ed_holder_did),
            suite=EDDSA_RDFC_2022,
            purpose=AssertionMethodPurpose(),
            signer=self.issuer_ed,
            registry=self.contexts,
            created=self.now - timedelta(days=1),
        )

    def ldp_vp(
        self,
        credentials: list[dict[str, Any]] | None = None,
        *,
        challenge: str = NONCE,
        domain: str = VERIFIER,
    ) -> dict[str, Any]:
        presentation = {
            "@context": [V2],
            "type": ["VerifiablePresentation"],
            "holder": self.ed_holder_did,
            "verifiableCredential": credentials or [self.ldp_vc()],
        }
        return add_di_proof(
            presentation,
            suite=EDDSA_RDFC_2022,
            purpose=AuthenticationPurpose(challenge=challenge, domain=domain),
            signer=self.ed_holder,
            registry=self.contexts,
            created=self.now,
        )

    # -- Gaia-X Tagus (VCDM 1.1, JsonWebSignature2020) --------------------------

    def gaia_x_vp(self, vat_id: str = "FR40552100554") -> dict[str, Any]:
        def sign(subject: dict[str, Any], cred_id: str) -> dict[str, Any]:
            document = {
                "@context": [V1, JWS2020_CONTEXT],
                "type": ["VerifiableCredential"],
                "id": cred_id,
                "issuer": ISSUER,
                "issuanceDate": (self.now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "credentialSubject": subject,
            }
            return jws2020.add_proof(
                document,
                signer=self.issuer_rsa,
                purpose=AssertionMethodPurpose(),
                registry=self.contexts,
                created=self.now - timedelta(days=1),
            )

        lrn = "https://issuer.example/credentials/lrn.json"
        return {
            "@context": [V1],
            "type": ["VerifiablePresentation"],
            "verifiableCredential": [
                sign(
                    {
                        "id": "https://issuer.example/credentials/participant.json#cs",
                        "type": "gx:LegalParticipant",
                        "gx:legalName": "EXEMPLE SAS",
                        "gx:legalRegistrationNumber": {"id": lrn},
                    },
                    "https://issuer.example/credentials/participant.json",
                ),
                sign(
                    {"id": lrn, "type": "gx:legalRegistrationNumber", "gx:vatID": vat_id},
                    lrn,
                ),
                sign(
                    {
                        "id": "https://issuer.example/credentials/tandc.json#cs",
                        "type": "gx:GaiaXTermsAndConditions",
                        "gx:termsAndConditions": "The PARTICIPANT signing…",
                    },
                    "https://issuer.example/credentials/tandc.json",
                ),
            ],
        }
