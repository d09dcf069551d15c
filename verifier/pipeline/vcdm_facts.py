"""Facts the later steps need from a verified VCDM credential (any securing mechanism)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from credentials.errors import DataModelError
from credentials.vcdm import (
    VERIFIABLE_CREDENTIAL,
    issuer_id,
    subject_ids,
    types,
    validity_window,
)
from credentials.vcdm.values import as_list
from verifier.pipeline.report import CredentialReport


def subject_types(document: Mapping[str, Any]) -> list[str]:
    out: list[str] = []
    for subject in as_list(document.get("credentialSubject")):
        if isinstance(subject, Mapping):
            out.extend(t for t in as_list(subject.get("type")) if isinstance(t, str))
    return out


def fill_facts(report: CredentialReport, document: Mapping[str, Any]) -> None:
    """Issuer, types, subject claims, issuance time of a VCDM 2.0 / 1.1 credential.

    The issuance time is ``validFrom`` (VCDM 2.0) or ``issuanceDate`` (1.1), else the
    JWT ``iat`` of a ``vc+jwt``.
    """
    report.document = dict(document)
    report.issuer = issuer_id(document)
    specific = [t for t in types(document) if t != VERIFIABLE_CREDENTIAL]
    report.types = specific or subject_types(document)
    subjects = [s for s in as_list(document.get("credentialSubject")) if isinstance(s, Mapping)]
    report.claims = dict(subjects[0]) if subjects else {}
    report.subject_ids = subject_ids(document)
    try:
        start, _end = validity_window(document)
    except DataModelError:
        start = None
    if start is None:
        iat = document.get("iat")
        if isinstance(iat, int | float) and not isinstance(iat, bool):
            start = datetime.fromtimestamp(iat, UTC)
    report.issued_at = start


def all_types(report: CredentialReport) -> list[str]:
    """Every type a policy may match: credential types, subject types, ``vct``."""
    found = list(report.types)
    found.extend(t for t in types(report.document) if t not in found)
    found.extend(t for t in subject_types(report.document) if t not in found)
    return found
