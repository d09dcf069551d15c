"""SD-JWT VC Type Metadata documents (draft-ietf-oauth-sd-jwt-vc §6).

The issuer serves one document per ``vct``: ``name``, ``description``, ``display`` (one
entry per locale, §6.4: ``locale``, ``name``, ``description``, optional ``rendering``) and
``claims`` (§6.5: ``path`` as a claims path pointer, ``display`` per locale with
``label``/``description``, ``sd`` ∈ ``always``/``allowed``/``never``, ``mandatory``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NotRequired, TypedDict

from credentials.errors import DataModelError

SdRule = Literal["always", "allowed", "never"]


class LocalizedLabel(TypedDict):
    label: str
    description: NotRequired[str]


class LocalizedName(TypedDict):
    name: str
    description: NotRequired[str]
    rendering: NotRequired[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class ClaimMetadata:
    """One claim of the type: where it is, how to show it, whether it is disclosable."""

    path: tuple[str | int | None, ...]
    display: Mapping[str, LocalizedLabel] = field(default_factory=dict)
    sd: SdRule = "allowed"
    mandatory: bool = False

    def to_json(self) -> dict[str, Any]:
        if not self.path:
            raise DataModelError("a claim path must not be empty")
        out: dict[str, Any] = {"path": list(self.path)}
        if self.display:
            out["display"] = [{"locale": loc, **entry} for loc, entry in self.display.items()]
        out["sd"] = self.sd
        if self.mandatory:
            out["mandatory"] = True
        return out


def build_type_metadata(
    *,
    vct: str,
    name: str | None = None,
    description: str | None = None,
    display: Mapping[str, LocalizedName] | None = None,
    claims: Sequence[ClaimMetadata] = (),
    extends: str | None = None,
    extends_integrity: str | None = None,
) -> dict[str, Any]:
    """A Type Metadata document, ready to be served as JSON."""
    if not vct:
        raise DataModelError("vct is required")
    doc: dict[str, Any] = {"vct": vct}
    if name is not None:
        doc["name"] = name
    if description is not None:
        doc["description"] = description
    if extends is not None:
        doc["extends"] = extends
        if extends_integrity is not None:
            doc["extends#integrity"] = extends_integrity
    if display:
        doc["display"] = [{"locale": loc, **entry} for loc, entry in display.items()]
    if claims:
        paths = [tuple(c.path) for c in claims]
        if len(set(paths)) != len(paths):
            raise DataModelError("each claim path appears once in type metadata")
        doc["claims"] = [c.to_json() for c in claims]
    return doc
