"""Integrity of the credentials a compliance credential vouches for (reference gaia-x.md §5).

- Tagus ``gx:compliance`` subjects: ``gx:integrity`` = ``sha256-`` + hex SHA-256 of the RFC
  8785 (JCS) serialisation of the input credential *including its proof*; the subject ``id``
  is the input credential's ``id`` (GXC README "Credential integrity check").
- Loire ``gx:compliantCredentials[]``: ``gx:digestSRI`` = ``sha256-<hex>`` of JCS of the
  decoded VC JSON (as gaia-x-go checks it). Whether GXDCH hashes the decoded JSON or the
  compact JWT is unconfirmed, so both are tried and the detail says which one matched.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import rfc8785

from verifier.gaia_x.vocabulary import gx, local_types, subjects


@dataclass(frozen=True, slots=True)
class Secured:
    """A credential of the presentation: its JSON and, for a VC-JWT, the compact form."""

    document: Mapping[str, Any]
    compact: str | None = None


def jcs_sha256(document: Mapping[str, Any]) -> str:
    return hashlib.sha256(rfc8785.dumps(dict(document))).hexdigest()


def _matches(expected: str, data_hex: str) -> bool:
    value = expected.removeprefix("sha256-")
    if value.lower() == data_hex:
        return True
    try:
        return base64.b64decode(value, validate=True).hex() == data_hex
    except ValueError:
        return False


def compliance_claims(document: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(credential id, digest) pairs a compliance credential states; empty if it is none."""
    claims: list[tuple[str, str]] = []
    for subject in subjects(document):
        if "compliance" in local_types(subject):
            digest = gx(subject, "integrity")
            if isinstance(subject.get("id"), str) and isinstance(digest, str):
                claims.append((subject["id"], digest))
        entries = gx(subject, "compliantCredentials")
        for entry in entries if isinstance(entries, list) else [entries]:
            if isinstance(entry, Mapping):
                digest = gx(entry, "digestSRI")
                if isinstance(entry.get("id"), str) and isinstance(digest, str):
                    claims.append((entry["id"], digest))
    return claims


def is_compliance_credential(document: Mapping[str, Any]) -> bool:
    return bool(compliance_claims(document)) or "LabelCredential" in local_types(document)


def check_integrity(
    compliance: Mapping[str, Any], credentials: Sequence[Secured]
) -> list[tuple[bool, str]]:
    """One (passed, detail) per digest the compliance credential states."""
    by_id = {c.document.get("id"): c for c in credentials if isinstance(c.document.get("id"), str)}
    outcomes: list[tuple[bool, str]] = []
    for credential_id, digest in compliance_claims(compliance):
        secured = by_id.get(credential_id)
        if secured is None:
            outcomes.append((False, f"{credential_id} is not in the presentation"))
            continue
        if _matches(digest, jcs_sha256(secured.document)):
            outcomes.append((True, f"{credential_id}: JCS SHA-256 matches"))
        elif secured.compact is not None and _matches(
            digest, hashlib.sha256(secured.compact.encode("ascii")).hexdigest()
        ):
            outcomes.append((True, f"{credential_id}: SHA-256 of the compact JWT matches"))
        else:
            outcomes.append((False, f"{credential_id}: digest does not match the credential"))
    return outcomes
