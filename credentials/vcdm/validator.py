"""Data-model validation of credentials and presentations: every problem, not the first.

VCDM 2.0 (https://www.w3.org/TR/vc-data-model-2.0/) §4 Basic Concepts, §4.12
Verifiable Presentations and §4.13 enveloped forms; VCDM 1.1
(https://www.w3.org/TR/vc-data-model/) §4 for documents whose first context is the 1.1
base context, which Gaia-X Tagus still issues. The version is chosen from the first
``@context`` item; a document without a recognisable base context is checked against
2.0, the version this project issues.

Validation is structural (JSON), as the VC-JOSE-COSE §5.4 "well-formed compact JSON-LD
document" check needs; JSON-LD expansion is the Data Integrity suites' business.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from credentials.vcdm.enveloped import parse_data_url
from credentials.vcdm.model import (
    CREDENTIALS_V1_CONTEXT,
    CREDENTIALS_V2_CONTEXT,
    ENVELOPED_CREDENTIAL,
    ENVELOPED_PRESENTATION,
    VERIFIABLE_CREDENTIAL,
    VERIFIABLE_PRESENTATION,
)
from credentials.vcdm.values import (
    DateTimeError,
    Problem,
    ProblemCode,
    as_list,
    child,
    is_url,
    parse_date_time_stamp,
)

DataModelVersion = Literal["1.1", "2.0"]

#: VCDM 2.0 extension points: every object must state its type (§4.10-§5.6).
_TYPED_V2: tuple[tuple[str, bool], ...] = (
    ("credentialStatus", False),
    ("credentialSchema", True),
    ("evidence", False),
    ("termsOfUse", False),
    ("refreshService", False),
)
#: VCDM 1.1: status (§4.9), schema (§5.4) and refresh (§5.6) also need an ``id``.
_TYPED_V1: tuple[tuple[str, bool], ...] = (
    ("credentialStatus", True),
    ("credentialSchema", True),
    ("evidence", False),
    ("termsOfUse", False),
    ("refreshService", True),
)


def data_model_version(document: object) -> DataModelVersion | None:
    """``"2.0"`` or ``"1.1"`` from the first ``@context`` item, else None."""
    if not isinstance(document, Mapping):
        return None
    first = as_list(document.get("@context"))[:1]
    if first == [CREDENTIALS_V2_CONTEXT]:
        return "2.0"
    if first == [CREDENTIALS_V1_CONTEXT]:
        return "1.1"
    return None


class _Problems:
    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, path: str, message: str, code: ProblemCode) -> None:
        self.items.append(Problem(path, message, code))


def _context(doc: Mapping[str, Any], base: str, path: str, out: _Problems) -> None:
    """VCDM 2.0 §4.3: an ordered set, first item the base context, then URLs or objects."""
    if "@context" not in doc:
        out.add(child(path, "@context"), "@context is required", "required")
        return
    value = doc["@context"]
    where = child(path, "@context")
    if isinstance(value, str):
        if value != base:
            out.add(where, f"the first @context item must be {base}", "context")
        return
    if not isinstance(value, list) or not value:
        out.add(where, "@context must be a non-empty array", "context")
        return
    if value[0] != base:
        out.add(child(where, 0), f"the first @context item must be {base}", "context")
    seen: set[str] = set()
    for index, item in enumerate(value[1:], start=1):
        if isinstance(item, str):
            if not is_url(item):
                out.add(child(where, index), "a @context item must be a URL", "context")
            elif item in seen or (item == base and value[0] == base):
                out.add(child(where, index), "@context is an ordered set: duplicate", "context")
            seen.add(item)
        elif not isinstance(item, dict):
            out.add(child(where, index), "a @context item must be a URL or object", "context")


def _type(doc: Mapping[str, Any], required: str | None, path: str, out: _Problems) -> list[str]:
    """VCDM 2.0 §4.5: ``type`` is one or more terms or URLs, including the base type."""
    where = child(path, "type")
    if "type" not in doc:
        out.add(where, "type is required", "required")
        return []
    values = as_list(doc["type"])
    if not values or not all(isinstance(v, str) and v for v in values):
        out.add(where, "type must be a non-empty string or array of strings", "type")
        return []
    if required is not None and required not in values:
        out.add(where, f"type must include {required}", "type")
    return list(values)


def _id(obj: Mapping[str, Any], path: str, out: _Problems, *, required: bool = False) -> None:
    """VCDM 2.0 §4.4: "If present, the value of the id property MUST be a single URL"."""
    if "id" not in obj:
        if required:
            out.add(child(path, "id"), "id is required", "required")
        return
    if not is_url(obj["id"]):
        out.add(child(path, "id"), "id must be a URL", "url")


def _party(doc: Mapping[str, Any], name: str, path: str, out: _Problems, *, required: bool) -> None:
    """``issuer`` (§4.7) or ``holder`` (§4.12): a URL, or an object whose ``id`` is a URL."""
    where = child(path, name)
    if name not in doc:
        if required:
            out.add(where, f"{name} is required", "required")
        return
    value = doc[name]
    if isinstance(value, str):
        if not is_url(value):
            out.add(where, f"{name} must be a URL", "url")
    elif isinstance(value, dict):
        _id(value, where, out, required=True)
    else:
        out.add(where, f"{name} must be a URL or an object with an id", "shape")


def _subjects(doc: Mapping[str, Any], path: str, out: _Problems) -> None:
    """§4.8: one or more objects, each carrying at least one claim about a subject."""
    where = child(path, "credentialSubject")
    if "credentialSubject" not in doc:
        out.add(where, "credentialSubject is required", "required")
        return
    value = doc["credentialSubject"]
    if isinstance(value, list) and not value:
        out.add(where, "credentialSubject must not be an empty array", "empty")
        return
    for index, item in enumerate(as_list(value)):
        at = child(where, index) if isinstance(value, list) else where
        if not isinstance(item, dict):
            out.add(at, "a credential subject must be an object", "shape")
        elif not item:
            out.add(at, "a credential subject must carry at least one claim", "empty")
        else:
            _id(item, at, out)


def _date(doc: Mapping[str, Any], name: str, path: str, out: _Problems, *, required: bool) -> Any:
    if name not in doc:
        if required:
            out.add(child(path, name), f"{name} is required", "required")
        return None
    try:
        return parse_date_time_stamp(doc[name])
    except DateTimeError as exc:
        out.add(child(path, name), str(exc), "datetime")
        return None


def _typed_objects(
    doc: Mapping[str, Any], name: str, need_id: bool, path: str, out: _Problems
) -> None:
    if name not in doc:
        return
    value = doc[name]
    for index, item in enumerate(as_list(value)):
        at = child(path, name, index) if isinstance(value, list) else child(path, name)
        if not isinstance(item, dict):
            out.add(at, f"{name} entries must be objects", "shape")
            continue
        _id(item, at, out, required=need_id)
        _type(item, None, at, out)


def _related_resources(doc: Mapping[str, Any], path: str, out: _Problems) -> None:
    """§5.3: each related resource has an ``id`` and ``digestSRI`` or ``digestMultibase``."""
    if "relatedResource" not in doc:
        return
    value = doc["relatedResource"]
    for index, item in enumerate(as_list(value)):
        at = child(path, "relatedResource", index)
        if not isinstance(item, dict):
            out.add(at, "relatedResource entries must be objects", "shape")
            continue
        _id(item, at, out, required=True)
        if "digestSRI" not in item and "digestMultibase" not in item:
            out.add(at, "a related resource needs digestSRI or digestMultibase", "required")


def _language_strings(doc: Mapping[str, Any], path: str, out: _Problems) -> None:
    """§4.6: ``name``/``description`` are strings or language value objects."""
    for name in ("name", "description"):
        if name not in doc:
            continue
        for item in as_list(doc[name]):
            if not (
                isinstance(item, str)
                or (isinstance(item, dict) and isinstance(item.get("@value"), str))
            ):
                out.add(child(path, name), f"{name} must be a string or language value", "shape")
                break


def _credential_v2(doc: Mapping[str, Any], path: str, out: _Problems) -> None:
    _context(doc, CREDENTIALS_V2_CONTEXT, path, out)
    _id(doc, path, out)
    _type(doc, VERIFIABLE_CREDENTIAL, path, out)
    _language_strings(doc, path, out)
    _party(doc, "issuer", path, out, required=True)
    _subjects(doc, path, out)
    valid_from = _date(doc, "validFrom", path, out, required=False)
    valid_until = _date(doc, "validUntil", path, out, required=False)
    if valid_from is not None and valid_until is not None and valid_from > valid_until:
        out.add(child(path, "validFrom"), "validFrom is later than validUntil", "validity_period")
    for name, need_id in _TYPED_V2:
        _typed_objects(doc, name, need_id, path, out)
    _related_resources(doc, path, out)


def _credential_v1(doc: Mapping[str, Any], path: str, out: _Problems) -> None:
    _context(doc, CREDENTIALS_V1_CONTEXT, path, out)
    _id(doc, path, out)
    _type(doc, VERIFIABLE_CREDENTIAL, path, out)
    _party(doc, "issuer", path, out, required=True)
    _subjects(doc, path, out)
    _date(doc, "issuanceDate", path, out, required=True)
    _date(doc, "expirationDate", path, out, required=False)
    for name, need_id in _TYPED_V1:
        _typed_objects(doc, name, need_id, path, out)


def _enveloped(
    doc: Mapping[str, Any], media_prefix: str, kind: str, path: str, out: _Problems
) -> None:
    """§4.13: ``@context``, ``type`` and an ``id`` that is a ``data:`` URL of the envelope."""
    _context(doc, CREDENTIALS_V2_CONTEXT, path, out)
    _type(doc, kind, path, out)
    if "id" not in doc:
        out.add(child(path, "id"), "an enveloped document's id is required", "required")
        return
    try:
        media_type, _ = parse_data_url(doc["id"])
    except ValueError as exc:
        out.add(child(path, "id"), str(exc), "envelope")
        return
    if not media_type.startswith(media_prefix):
        out.add(child(path, "id"), f"the data: URL media type must be {media_prefix}*", "envelope")


def _credential(doc: object, path: str, out: _Problems) -> None:
    if not isinstance(doc, Mapping):
        out.add(path, "a credential must be a JSON object", "shape")
        return
    if data_model_version(doc) == "1.1":
        _credential_v1(doc, path, out)
    else:
        _credential_v2(doc, path, out)


def _presentation(doc: object, path: str, out: _Problems) -> None:
    if not isinstance(doc, Mapping):
        out.add(path, "a presentation must be a JSON object", "shape")
        return
    v1 = data_model_version(doc) == "1.1"
    _context(doc, CREDENTIALS_V1_CONTEXT if v1 else CREDENTIALS_V2_CONTEXT, path, out)
    _id(doc, path, out)
    _type(doc, VERIFIABLE_PRESENTATION, path, out)
    _party(doc, "holder", path, out, required=False)
    if "verifiableCredential" not in doc:
        return
    value = doc["verifiableCredential"]
    for index, item in enumerate(as_list(value)):
        at = child(path, "verifiableCredential", index)
        if v1 and isinstance(item, str):
            continue  # VCDM 1.1 §6.3.1: JWT-encoded credentials appear as compact strings
        if not isinstance(item, Mapping):
            out.add(at, "verifiableCredential entries must be objects", "shape")
        elif ENVELOPED_CREDENTIAL in as_list(item.get("type")):
            _enveloped(item, "application/vc", ENVELOPED_CREDENTIAL, at, out)
        else:
            _credential(item, at, out)


def validate_credential(document: object) -> list[Problem]:
    """Every VCDM problem of a credential (1.1 or 2.0 by its base context); empty if none."""
    out = _Problems()
    _credential(document, "", out)
    return out.items


def validate_presentation(document: object) -> list[Problem]:
    """Every problem of a presentation, including those of its embedded credentials."""
    out = _Problems()
    _presentation(document, "", out)
    return out.items


def validate_enveloped_credential(document: object) -> list[Problem]:
    """Problems of an ``EnvelopedVerifiableCredential`` object (VCDM 2.0 §4.13.1)."""
    out = _Problems()
    if not isinstance(document, Mapping):
        out.add("", "an enveloped credential must be a JSON object", "shape")
    else:
        _enveloped(document, "application/vc", ENVELOPED_CREDENTIAL, "", out)
    return out.items


def validate_enveloped_presentation(document: object) -> list[Problem]:
    """Problems of an ``EnvelopedVerifiablePresentation`` object (VCDM 2.0 §4.13.2)."""
    out = _Problems()
    if not isinstance(document, Mapping):
        out.add("", "an enveloped presentation must be a JSON object", "shape")
    else:
        _enveloped(document, "application/vp", ENVELOPED_PRESENTATION, "", out)
    return out.items


def validate(document: object) -> list[Problem]:
    """Validate as a presentation when ``type`` says so, else as a credential."""
    if isinstance(document, Mapping) and VERIFIABLE_PRESENTATION in as_list(document.get("type")):
        return validate_presentation(document)
    return validate_credential(document)
