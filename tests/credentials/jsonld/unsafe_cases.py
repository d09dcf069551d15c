"""Credential mutations that JSON-LD safe mode must refuse, shared by the proof suites' tests.

Each case: a readable id, a mutation of a credential (VCDM 1.1 or 2.0 alike) and the value
the refusal must name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Mutation = Callable[[dict[str, Any]], None]


def _top_level_term(document: dict[str, Any]) -> None:
    document["siren"] = "552100554"


def _subject_term(document: dict[str, Any]) -> None:
    document["credentialSubject"]["siren"] = "552100554"


def _relative_type(document: dict[str, Any]) -> None:
    document["type"] = [*document["type"], "CompanyCredential"]


def _relative_id(document: dict[str, Any]) -> None:
    document["id"] = "credentials/42"


def _relative_subject_id(document: dict[str, Any]) -> None:
    document["credentialSubject"]["id"] = "holder"


UNSAFE_CREDENTIALS: list[tuple[str, Mutation, str]] = [
    ("undefined top-level term", _top_level_term, "'siren' at siren"),
    ("undefined term in credentialSubject", _subject_term, "'siren' at credentialSubject.siren"),
    ("relative @type", _relative_type, "relative @type reference 'CompanyCredential'"),
    ("relative IRI id", _relative_id, "relative @id reference 'credentials/42'"),
    ("relative credentialSubject id", _relative_subject_id, "relative @id reference 'holder'"),
]

CASE_IDS = [case[0] for case in UNSAFE_CREDENTIALS]
CASES = [case[1:] for case in UNSAFE_CREDENTIALS]

#: A context that defines ``siren`` and one registered under the same URL that does not.
CUSTOM = "https://contexts.example/company/v1"
DEFINES_SIREN = {"@context": {"siren": "https://contexts.example/company#siren"}}
LACKS_SIREN = {"@context": {"siret": "https://contexts.example/company#siret"}}
