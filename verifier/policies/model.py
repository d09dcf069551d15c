"""Named verification policies: what a relying party requires of a presentation.

A policy is data (one JSON file per policy under ``definitions/``), validated when loaded.
It lists the credentials required (each by VCDM ``type`` names and/or SD-JWT VC ``vct``
values, with the claim paths that must be disclosed — enough for an OpenID4VP DCQL query
to be derived from it), the formats accepted, whether every credential must name the same
company (SIREN), a minimum assurance level (the ProConnect ``acr`` carried by the
executive certification), and how a status list that cannot be fetched is treated.

``vct`` values may contain ``{base_url}``, replaced at load time by the deployment's
public URL (the issuer's ``vct`` are ``{base_url}/issuer/vct/<kind>``).
"""

from __future__ import annotations

from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

PolicyFormat = Literal["dc+sd-jwt", "vc+jwt", "vp+jwt", "ldp_vc", "ldp_vp"]
StatusFailure = Literal["fail_closed", "fail_open"]
PolicyId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
ClaimPath = Annotated[list[Annotated[str, StringConstraints(min_length=1)]], Field(min_length=1)]

#: ProConnect ``acr`` values (reference §1.7 ``acr_values_supported`` and the legacy
#: values), ranked. The certification-dirigeant ACR attests a role check on top of an
#: ``eidas1`` login, so it ranks with ``eidas1``.
ASSURANCE_RANKS: Final[dict[str, int]] = {
    "eidas0": 0,
    "https://proconnect.gouv.fr/assurance/self-asserted": 0,
    "eidas0-mfa": 1,
    "https://proconnect.gouv.fr/assurance/self-asserted-2fa": 1,
    "eidas1": 2,
    "https://proconnect.gouv.fr/assurance/consistency-checked": 2,
    "https://proconnect.gouv.fr/assurance/certification-dirigeant": 2,
    "eidas1-mfa": 3,
    "https://proconnect.gouv.fr/assurance/consistency-checked-2fa": 3,
    "eidas2": 4,
    "eidas3": 5,
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AssuranceRule(_Strict):
    """The claim holding the ``acr`` and the lowest level accepted."""

    claim: ClaimPath
    minimum: str

    @model_validator(mode="after")
    def _known_level(self) -> AssuranceRule:
        if self.minimum not in ASSURANCE_RANKS:
            raise ValueError(f"unknown assurance level {self.minimum!r}")
        return self


class CredentialRequirement(_Strict):
    """One credential the presentation must contain.

    A credential matches when one of its types is in ``types`` (compared by full value or
    by the local name after the last ``#``, ``/`` or ``:``) or its ``vct`` is in ``vct``.
    """

    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
    types: list[str] = Field(default_factory=list)
    vct: list[str] = Field(default_factory=list)
    claims: list[ClaimPath] = Field(default_factory=list)
    minimum_assurance: AssuranceRule | None = None

    @model_validator(mode="after")
    def _named(self) -> CredentialRequirement:
        if not self.types and not self.vct:
            raise ValueError("a required credential needs types or vct values")
        return self


class Policy(_Strict):
    """A named policy (see the module docstring)."""

    id: PolicyId
    description: str
    credentials: Annotated[list[CredentialRequirement], Field(min_length=1)]
    formats: Annotated[list[PolicyFormat], Field(min_length=1)]
    same_siren: bool = False
    status_unreachable: StatusFailure = "fail_closed"
    require_holder_binding: bool = True
    holder_is_subject: bool = True
    require_trust: bool = True

    @model_validator(mode="after")
    def _unique_ids(self) -> Policy:
        ids = [c.id for c in self.credentials]
        if len(ids) != len(set(ids)):
            raise ValueError("credential requirement ids must be unique")
        return self

    def with_base_url(self, base_url: str) -> Policy:
        """A copy whose ``vct`` values have ``{base_url}`` replaced."""
        base = base_url.rstrip("/")
        credentials = [
            c.model_copy(update={"vct": [v.replace("{base_url}", base) for v in c.vct]})
            for c in self.credentials
        ]
        return self.model_copy(update={"credentials": credentials})
