"""Names the ProConnect federation defines (reference §1.3–§1.6).

Only *names* are listed here: scopes, claims, ``acr`` values and ``roles`` values, as the
federation's discovery document and identity DTO publish them.
"""

from __future__ import annotations

from typing import Final

DISCOVERY_PATH: Final = "/.well-known/openid-configuration"

#: The executive-certification ``acr`` (reference §1.6, "certification dirigeant").
CERTIFICATION_DIRIGEANT_ACR: Final = "https://proconnect.gouv.fr/assurance/certification-dirigeant"

#: ``acr_values_supported`` of the federation, exactly (reference §1.6).
ACR_VALUES: Final = (
    "eidas0",
    "eidas0-mfa",
    "eidas1",
    "eidas1-mfa",
    "eidas2",
    "eidas3",
    CERTIFICATION_DIRIGEANT_ACR,
)

#: Scope → claims of the federation (reference §1.5); ``openid`` gives ``sub``.
SCOPE_CLAIMS: Final[dict[str, tuple[str, ...]]] = {
    "openid": ("sub",),
    "given_name": ("given_name",),
    "usual_name": ("usual_name",),
    "email": ("email",),
    "uid": ("uid",),
    "siret": ("siret",),
    "siren": ("siren",),
    "organizational_unit": ("organizational_unit",),
    "belonging_population": ("belonging_population",),
    "phone": ("phone_number",),
    "chorusdt": ("chorusdt:matricule", "chorusdt:societe"),
    "idp_id": ("idp_id",),
    "idp_acr": ("idp_acr",),
    "roles": ("roles",),
    "organization_label": ("organization_label",),
    "groups": ("groups",),
    "custom": ("custom",),
    "amr": ("amr",),
}

#: ``claims_supported`` (reference §1.5).
CLAIMS_SUPPORTED: Final = (
    "sub",
    "amr",
    "uid",
    "given_name",
    "email",
    "phone_number",
    "organizational_unit",
    "siren",
    "siret",
    "usual_name",
    "belonging_population",
    "chorusdt:matricule",
    "chorusdt:societe",
    "idp_id",
    "idp_acr",
    "acr",
    "sid",
    "auth_time",
    "iss",
    "roles",
    "organization_label",
    "custom",
)

#: ``amr`` values ProConnect may return (reference §1.5).
AMR_VALUES: Final = frozenset({"pwd", "mail", "otp", "pin", "pop", "hwk", "swk", "mfa"})

#: ``roles`` values of the federation's identity DTO (reference §1.5).
PUBLIC_AGENT_ROLE_PREFIX: Final = "agent_public"
DIRIGEANT_ROLE: Final = "dirigeant"
KNOWN_ROLES: Final = frozenset(
    {
        "agent_public",
        "agent_public_etat",
        "agent_public_territorial",
        "agent_public_hospitalier",
        "agent_public_L100-3",
        DIRIGEANT_ROLE,
    }
)

#: Signature algorithms this relying party accepts from the provider. ProConnect also
#: offers HS256 (reference §1.4); a shared-secret MAC is refused here on purpose.
SIGNING_ALGORITHMS: Final = ("ES256", "RS256")
