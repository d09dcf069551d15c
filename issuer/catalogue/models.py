"""Typed shapes of the catalogue's data files (validated with pydantic at start).

Two kinds of files:

- ``kinds/{kind}.json``: a credential *kind* (its claims, its display in French and English,
  the VCDM type, the lookup that proves it), shared by every format it is offered in;
- ``configurations/{id}.json``: one OpenID4VCI 1.0 *Credential Configuration* (§12.2.4,
  ``credential_configurations_supported``), i.e. a kind in one Credential Format (Appendix A):
  scope, validity, selective disclosure, algorithms, binding methods and proof types.

``{base_url}`` in ``vct`` and ``trust_registry_types`` is replaced at load time by the
deployment's base URL, so the files do not depend on where the issuer runs.
"""

from __future__ import annotations

import re
from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Format = Literal["dc+sd-jwt", "jwt_vc_json", "ldp_vc"]
FORMATS: Final[tuple[Format, ...]] = ("dc+sd-jwt", "jwt_vc_json", "ldp_vc")
Kind = Literal[
    "company_registration",
    "legal_representative",
    "executive_certification",
    "public_agent",
    "gaia_x_participant",
]
#: Configurations whose credentials are not built from the catalogue's claims by the generic
#: VCDM builder but by a Gaia-X builder (``issuer.gaia_x``): Loire ``gx:LegalPerson``
#: VC-JWT, or Tagus ``gx:LegalParticipant`` with JsonWebSignature2020. Their shape is fixed
#: by the Gaia-X ontology (closed shapes), the subject is the company, not the holder, and
#: they carry no status entry.
Builder = Literal["gaia_x_loire", "gaia_x_tagus"]
Cryptosuite = Literal["eddsa-rdfc-2022", "ecdsa-rdfc-2019"]
SigningAlg = Literal["ES256", "EdDSA", "PS256"]
ProofAlg = Literal["ES256", "EdDSA"]
BindingMethod = Literal["jwk", "did:key", "did:jwk"]
ProvedBy = Literal[
    "company_register_lookup",
    "mandate_lookup",
    "proconnect_executive_certification",
    "proconnect_public_agent_roles",
]
ClaimValueType = Literal["string", "date", "object"]

#: The locales every display list must carry (BCP 47 tags, one object each: §12.2.4).
REQUIRED_LOCALES: Final = ("fr", "en")
BASE_URL_PLACEHOLDER: Final = "{base_url}"

_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_CLAIM_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,79}$")

NonEmpty = Annotated[str, Field(min_length=1, max_length=300)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Logo(_Strict):
    uri: NonEmpty
    alt_text: NonEmpty | None = None


class CredentialDisplay(_Strict):
    """One ``credential_metadata.display`` entry (OpenID4VCI 1.0 §12.2.4)."""

    locale: NonEmpty
    name: NonEmpty
    description: NonEmpty | None = None
    background_color: str | None = None
    text_color: str | None = None
    logo: Logo | None = None

    @field_validator("background_color", "text_color")
    @classmethod
    def _css_color(cls, value: str | None) -> str | None:
        if value is not None and not _COLOR.match(value):
            raise ValueError("a colour is a CSS hex colour such as #1b3a6b")
        return value


class ClaimDisplay(_Strict):
    """One claim ``display`` entry: ``name`` for OpenID4VCI, also the Type Metadata label."""

    locale: NonEmpty
    name: NonEmpty
    description: NonEmpty | None = None


def _check_locales(entries: list[CredentialDisplay] | list[ClaimDisplay], where: str) -> None:
    locales = [entry.locale for entry in entries]
    if len(set(locales)) != len(locales):
        raise ValueError(f"{where}: there MUST be only one object for each locale")
    missing = [loc for loc in REQUIRED_LOCALES if loc not in locales]
    if missing:
        raise ValueError(f"{where}: display in {missing} is missing (French and English)")


class ClaimSpec(_Strict):
    """A claim of a kind, addressed by a claims path pointer of object keys (Appendix C)."""

    path: tuple[str, ...] = Field(min_length=1, max_length=2)
    value_type: ClaimValueType = "string"
    mandatory: bool = False
    display: list[ClaimDisplay]

    @field_validator("path")
    @classmethod
    def _names(cls, path: tuple[str, ...]) -> tuple[str, ...]:
        for name in path:
            if not _CLAIM_NAME.match(name):
                raise ValueError(f"claim name {name!r} must be snake_case ASCII")
        return path

    @model_validator(mode="after")
    def _locales(self) -> ClaimSpec:
        _check_locales(self.display, f"claim {'.'.join(self.path)}")
        return self


class KindSpec(_Strict):
    """A credential kind, shared by its configurations in every format."""

    kind: Kind
    credential_type: Annotated[str, Field(pattern=r"^[A-Z][A-Za-z0-9]*Credential$")]
    #: ``attestia``: the credential type is a term of the project vocabulary; ``gaia-x``:
    #: the credential is written in the Gaia-X vocabulary by a :data:`Builder`, and
    #: ``credential_type`` only names the kind (its claims are the builder's inputs).
    vocabulary: Literal["attestia", "gaia-x"] = "attestia"
    proved_by: ProvedBy
    display: list[CredentialDisplay]
    claims: list[ClaimSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> KindSpec:
        _check_locales(self.display, "display")
        paths = [claim.path for claim in self.claims]
        if len(set(paths)) != len(paths):
            raise ValueError("each claim path appears once (OpenID4VCI 1.0 Appendix B.3)")
        objects = {claim.path for claim in self.claims if claim.value_type == "object"}
        for claim in self.claims:
            if len(claim.path) == 2 and claim.path[:1] not in objects:
                raise ValueError(f"claim {'.'.join(claim.path)} needs an object claim parent")
            if claim.value_type == "object" and len(claim.path) != 1:
                raise ValueError("only top-level claims may be objects")
        return self

    def top_level(self) -> list[ClaimSpec]:
        return [claim for claim in self.claims if len(claim.path) == 1]


class ProofType(_Strict):
    proof_signing_alg_values_supported: list[ProofAlg] = Field(min_length=1)


class ConfigurationFile(_Strict):
    """One ``configurations/{id}.json`` file."""

    id: Annotated[str, Field(pattern=_IDENTIFIER.pattern)]
    kind: Kind
    format: Format
    builder: Builder | None = None
    scope: Annotated[str, Field(pattern=_IDENTIFIER.pattern)]
    validity_days: int = Field(ge=1, le=3660)
    vct: NonEmpty | None = None
    selectively_disclosable: list[str] = Field(default_factory=list)
    credential_signing_alg_values_supported: list[SigningAlg] | None = None
    cryptosuites_supported: list[Cryptosuite] | None = None
    cryptographic_binding_methods_supported: list[BindingMethod] = Field(min_length=1)
    proof_types_supported: dict[Literal["jwt"], ProofType] = Field(min_length=1)
    trust_registry_types: list[NonEmpty] = Field(min_length=1)

    @model_validator(mode="after")
    def _per_format(self) -> ConfigurationFile:
        if self.builder is not None:
            return self._gaia_x()
        if self.format == "dc+sd-jwt":
            if self.vct is None:
                raise ValueError("a dc+sd-jwt configuration needs vct (Appendix A.3.2)")
            if self.cryptographic_binding_methods_supported != ["jwk"]:
                raise ValueError("SD-JWT VC binds the holder key as cnf.jwk: use ['jwk']")
        else:
            if self.vct is not None or self.selectively_disclosable:
                raise ValueError("vct and selectively_disclosable are for dc+sd-jwt only")
            if not set(self.cryptographic_binding_methods_supported) <= {"did:key", "did:jwk"}:
                raise ValueError("VCDM credentials bind a holder DID: did:key and/or did:jwk")
        if self.format == "ldp_vc":
            if not self.cryptosuites_supported:
                raise ValueError("an ldp_vc configuration lists cryptosuites_supported")
            if self.credential_signing_alg_values_supported is not None:
                raise ValueError("ldp_vc names cryptosuites, not JWS algorithms")
        else:
            if not self.credential_signing_alg_values_supported:
                raise ValueError("credential_signing_alg_values_supported is required")
            if self.cryptosuites_supported is not None:
                raise ValueError("cryptosuites_supported is for ldp_vc only")
        if len(set(self.selectively_disclosable)) != len(self.selectively_disclosable):
            raise ValueError("selectively_disclosable lists each claim once")
        return self

    def _gaia_x(self) -> ConfigurationFile:
        """Gaia-X builders: Loire is ``jwt_vc_json`` signed PS256; Tagus is ``ldp_vc`` with
        JsonWebSignature2020 (PS256), so it names no Data Integrity cryptosuite."""
        expected = "jwt_vc_json" if self.builder == "gaia_x_loire" else "ldp_vc"
        if self.format != expected:
            raise ValueError(f"builder {self.builder} issues {expected} credentials")
        if self.vct is not None or self.selectively_disclosable:
            raise ValueError("vct and selectively_disclosable are for dc+sd-jwt only")
        if self.cryptosuites_supported is not None:
            raise ValueError("Gaia-X credentials are signed PS256, with no cryptosuite")
        if self.credential_signing_alg_values_supported != ["PS256"]:
            raise ValueError("Gaia-X credentials are signed PS256: list ['PS256']")
        if not set(self.cryptographic_binding_methods_supported) <= {"did:key", "did:jwk"}:
            raise ValueError("key proofs name a holder DID: did:key and/or did:jwk")
        return self
