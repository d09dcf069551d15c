"""SD-JWT VC Type Metadata for each kind (draft-ietf-oauth-sd-jwt-vc §6).

Served at the kind's ``vct`` URL (``{base_url}/issuer/vct/{kind}``). ``display`` carries the
French and English names, descriptions and ``simple`` rendering colours (§6.4); ``claims``
one entry per claim path with its labels and its selective disclosure rule (§6.5:
``always`` for the claims the SD-JWT VC configuration blinds, ``never`` otherwise).
"""

from __future__ import annotations

from typing import Any

from credentials.sd_jwt_vc import ClaimMetadata, build_type_metadata
from credentials.sd_jwt_vc.type_metadata import LocalizedLabel, LocalizedName
from issuer.catalogue.configuration import CredentialConfiguration


def _rendering(background: str | None, text: str | None) -> dict[str, Any] | None:
    simple: dict[str, Any] = {}
    if background:
        simple["background_color"] = background
    if text:
        simple["text_color"] = text
    return {"simple": simple} if simple else None


def type_metadata(configuration: CredentialConfiguration) -> dict[str, Any]:
    """The Type Metadata document of an SD-JWT VC configuration's ``vct``."""
    if configuration.format != "dc+sd-jwt" or configuration.vct is None:
        raise ValueError(f"{configuration.id} is not an SD-JWT VC configuration")
    kind = configuration.kind
    display: dict[str, LocalizedName] = {}
    for entry in kind.display:
        localized: LocalizedName = {"name": entry.name}
        if entry.description:
            localized["description"] = entry.description
        rendering = _rendering(entry.background_color, entry.text_color)
        if rendering:
            localized["rendering"] = rendering
        display[entry.locale] = localized
    claims: list[ClaimMetadata] = []
    for claim in kind.claims:
        labels: dict[str, LocalizedLabel] = {}
        for label in claim.display:
            item: LocalizedLabel = {"label": label.name}
            if label.description:
                item["description"] = label.description
            labels[label.locale] = item
        blinded = claim.path[0] in configuration.selectively_disclosable
        claims.append(
            ClaimMetadata(
                path=claim.path,
                display=labels,
                sd="always" if blinded and len(claim.path) == 1 else "never",
                mandatory=claim.mandatory,
            )
        )
    english = display.get("en", next(iter(display.values())))
    return build_type_metadata(
        vct=configuration.vct,
        name=english["name"],
        description=english.get("description"),
        display=display,
        claims=claims,
    )
