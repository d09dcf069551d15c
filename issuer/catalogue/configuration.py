"""A loaded credential configuration and the metadata it publishes.

:meth:`CredentialConfiguration.issuer_metadata` is the exact value of one
``credential_configurations_supported`` entry of OpenID4VCI 1.0 (§12.2.4 and Appendix A):
``format``, ``scope``, ``credential_signing_alg_values_supported``,
``cryptographic_binding_methods_supported``, ``proof_types_supported``,
``credential_metadata`` (``display``, ``claims`` as claims description objects, Appendix
B.2), plus ``vct`` for ``dc+sd-jwt`` (A.3.2) or ``credential_definition`` (``type``, and
``@context`` for ``ldp_vc``: A.1.2, A.1.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final

from credentials.jsonld.registry import CREDENTIALS_V2
from credentials.keys import KeyType
from issuer.catalogue.models import (
    Builder,
    ClaimSpec,
    Cryptosuite,
    Format,
    KindSpec,
    ProofType,
    SigningAlg,
)
from issuer.catalogue.vocabulary import ATTESTIA_V1

VERIFIABLE_CREDENTIAL: Final = "VerifiableCredential"
#: What each Gaia-X builder issues (reference gaia-x.md §1.2, §3): the VCDM ``type`` and
#: ``@context`` of the participant credential, and its proof type for the metadata.
GAIA_X_TYPES: Final[dict[Builder, list[str]]] = {
    "gaia_x_loire": [VERIFIABLE_CREDENTIAL, "gx:LegalPerson"],
    "gaia_x_tagus": [VERIFIABLE_CREDENTIAL],
}
#: The participant's type, which the trust registry must allow (Tagus types the subject).
GAIA_X_PARTICIPANT_TYPE: Final[dict[Builder, str]] = {
    "gaia_x_loire": "gx:LegalPerson",
    "gaia_x_tagus": "gx:LegalParticipant",
}
GAIA_X_CONTEXTS: Final[dict[Builder, list[str]]] = {
    "gaia_x_loire": [CREDENTIALS_V2, "https://w3id.org/gaia-x/development#"],
    "gaia_x_tagus": [
        "https://www.w3.org/2018/credentials/v1",
        "https://w3id.org/security/suites/jws-2020/v1",
        "https://registry.lab.gaia-x.eu/development/api/trusted-shape-registry/v1/shapes/jsonld/trustframework#",
    ],
}
#: Where each claim of the ``gaia_x_participant`` kind lands in the participant credential
#: (claims description paths, OpenID4VCI 1.0 Appendix C); unlisted claims are omitted.
GAIA_X_PATHS: Final[dict[Builder, dict[tuple[str, ...], list[str]]]] = {
    "gaia_x_loire": {
        ("legal_name",): ["credentialSubject", "schema:name"],
        ("address",): ["credentialSubject", "gx:legalAddress"],
        ("address", "street_address"): [
            "credentialSubject",
            "gx:legalAddress",
            "vcard:street-address",
        ],
        ("address", "postal_code"): ["credentialSubject", "gx:legalAddress", "vcard:postal-code"],
        ("address", "locality"): ["credentialSubject", "gx:legalAddress", "vcard:locality"],
        ("address", "country_code"): ["credentialSubject", "gx:legalAddress", "gx:countryCode"],
    },
    "gaia_x_tagus": {
        ("legal_name",): ["credentialSubject", "gx:legalName"],
        ("address",): ["credentialSubject", "gx:legalAddress"],
    },
}
#: The issuer key type that signs with each JWS algorithm / cryptosuite.
KEY_TYPE_FOR_ALG: Final[dict[str, KeyType]] = {
    "ES256": "P-256",
    "EdDSA": "Ed25519",
    "eddsa-rdfc-2022": "Ed25519",
    "ecdsa-rdfc-2019": "P-256",
}


def vct_url(base_url: str, kind: str) -> str:
    """The ``vct`` of a kind: an https URL under the issuer, serving its Type Metadata."""
    return f"{base_url.rstrip('/')}/issuer/vct/{kind}"


@dataclass(frozen=True, slots=True)
class CredentialConfiguration:
    """One OpenID4VCI Credential Configuration: a kind offered in one format."""

    id: str
    kind: KindSpec
    format: Format
    scope: str
    validity: timedelta
    vct: str | None
    selectively_disclosable: frozenset[str]
    signing_algs: tuple[SigningAlg, ...]
    cryptosuite: Cryptosuite | None
    binding_methods: tuple[str, ...]
    proof_types: dict[str, ProofType]
    trust_registry_types: tuple[str, ...]
    source_file: str
    builder: Builder | None = None

    @property
    def kind_name(self) -> str:
        return self.kind.kind

    @property
    def credential_types(self) -> list[str]:
        """The VCDM ``type`` array: ``["VerifiableCredential", "<Kind>Credential"]``."""
        if self.builder is not None:
            return list(GAIA_X_TYPES[self.builder])
        return [VERIFIABLE_CREDENTIAL, self.kind.credential_type]

    @property
    def contexts(self) -> list[str]:
        """The VCDM ``@context`` array: credentials v2, then the project vocabulary."""
        if self.builder is not None:
            return list(GAIA_X_CONTEXTS[self.builder])
        return [CREDENTIALS_V2, ATTESTIA_V1]

    @property
    def signing_key_type(self) -> KeyType:
        """Which issuer key signs: ES256 → P-256 (SD-JWT VC, vc+jwt); the cryptosuite's for
        ``ldp_vc`` (Ed25519 for ``eddsa-rdfc-2022``); the RSA key (PS256) for Gaia-X."""
        if self.builder is not None:
            return "RSA"
        name = self.cryptosuite if self.format == "ldp_vc" else self.signing_algs[0]
        assert name is not None
        return KEY_TYPE_FOR_ALG[name]

    def claim(self, path: tuple[str, ...]) -> ClaimSpec | None:
        return next((c for c in self.kind.claims if c.path == path), None)

    def _claim_path(self, claim: ClaimSpec) -> list[str] | None:
        if self.builder is not None:
            return GAIA_X_PATHS[self.builder].get(claim.path)
        if self.format == "dc+sd-jwt":
            return list(claim.path)
        return ["credentialSubject", *claim.path]

    def _claims_metadata(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for claim in self.kind.claims:
            path = self._claim_path(claim)
            if path is None:
                continue
            entry: dict[str, Any] = {"path": path}
            if claim.mandatory:
                entry["mandatory"] = True
            entry["display"] = [
                {
                    "name": d.name,
                    "locale": d.locale,
                    **({"description": d.description} if d.description else {}),
                }
                for d in claim.display
            ]
            out.append(entry)
        return out

    def issuer_metadata(self) -> dict[str, Any]:
        """The ``credential_configurations_supported[id]`` object (OpenID4VCI 1.0 §12.2.4)."""
        entry: dict[str, Any] = {"format": self.format, "scope": self.scope}
        if self.builder == "gaia_x_tagus":
            entry["credential_signing_alg_values_supported"] = ["JsonWebSignature2020"]
        elif self.format == "ldp_vc":
            assert self.cryptosuite is not None
            entry["credential_signing_alg_values_supported"] = [self.cryptosuite]
        else:
            entry["credential_signing_alg_values_supported"] = list(self.signing_algs)
        entry["cryptographic_binding_methods_supported"] = list(self.binding_methods)
        entry["proof_types_supported"] = {
            name: proof.model_dump(mode="json") for name, proof in self.proof_types.items()
        }
        if self.format == "dc+sd-jwt":
            entry["vct"] = self.vct
        elif self.format == "ldp_vc":
            entry["credential_definition"] = {
                "@context": self.contexts,
                "type": self.credential_types,
            }
        else:
            entry["credential_definition"] = {"type": self.credential_types}
        entry["credential_metadata"] = {
            "display": [d.model_dump(mode="json", exclude_none=True) for d in self.kind.display],
            "claims": self._claims_metadata(),
        }
        return entry
