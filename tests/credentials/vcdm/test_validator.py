"""VCDM 2.0 §4 / VCDM 1.1 rules: one positive document, one negative test per MUST."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from credentials.vcdm import (
    CREDENTIALS_V1_CONTEXT,
    CREDENTIALS_V2_CONTEXT,
    Problem,
    data_model_version,
    envelope_credential,
    validate,
    validate_credential,
    validate_enveloped_credential,
    validate_enveloped_presentation,
    validate_presentation,
)

Doc = dict[str, Any]


def credential_v2() -> Doc:
    return {
        "@context": [CREDENTIALS_V2_CONTEXT, "https://w3id.org/attestia/v1", {"ex": "urn:ex:"}],
        "id": "urn:uuid:6a0e3e2c-5b8a-4c1e-9b5e-2f3c1d0a9e11",
        "type": ["VerifiableCredential", "CompanyRegistrationCredential"],
        "name": "Company registration",
        "description": [{"@value": "Inscription", "@language": "fr"}],
        "issuer": {"id": "did:web:issuer.attestia.example", "name": "Attestia"},
        "validFrom": "2025-01-01T00:00:00Z",
        "validUntil": "2026-01-01T00:00:00+01:00",
        "credentialSubject": {"id": "did:key:z6MkholderExample", "siren": "552100554"},
        "credentialStatus": {
            "id": "https://issuer.attestia.example/status/1#42",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "42",
            "statusListCredential": "https://issuer.attestia.example/status/1",
        },
        "credentialSchema": [
            {"id": "https://issuer.attestia.example/schema.json", "type": "JsonSchema"}
        ],
        "evidence": [{"type": ["Evidence"], "verifier": "https://issuer.attestia.example"}],
        "termsOfUse": {"type": "TrustFrameworkPolicy"},
        "refreshService": {"type": "VerifiableCredentialRefreshService2021"},
        "relatedResource": [{"id": "https://ex.org/logo.png", "digestSRI": "sha384-abc"}],
    }


def credential_v1() -> Doc:
    """Shaped like a Gaia-X Tagus (VCDM 1.1) participant credential."""
    return {
        "@context": [CREDENTIALS_V1_CONTEXT, "https://w3id.org/security/suites/jws-2020/v1"],
        "type": ["VerifiableCredential"],
        "id": "https://issuer.attestia.example/gx/participant.json",
        "issuer": "did:web:issuer.attestia.example",
        "issuanceDate": "2023-03-21T12:00:00.148Z",
        "credentialSubject": {"type": "gx:LegalParticipant", "id": "https://ex.org/lp.json#cs"},
    }


def presentation_v2() -> Doc:
    return {
        "@context": [CREDENTIALS_V2_CONTEXT],
        "type": "VerifiablePresentation",
        "holder": "did:key:z6MkholderExample",
        "verifiableCredential": [
            envelope_credential("eyJhbGciOiJFUzI1NiJ9.e30.c2ln"),
            credential_v2(),
        ],
    }


def test_valid_documents_have_no_problems() -> None:
    assert validate_credential(credential_v2()) == []
    assert validate_credential(credential_v1()) == []
    assert validate_presentation(presentation_v2()) == []
    assert validate(presentation_v2()) == []
    assert data_model_version(credential_v1()) == "1.1"
    assert data_model_version(credential_v2()) == "2.0"
    assert data_model_version([1]) is None


def test_minimal_credential_and_presentation() -> None:
    minimal = {
        "@context": CREDENTIALS_V2_CONTEXT,
        "type": "VerifiableCredential",
        "issuer": "https://issuer.example",
        "credentialSubject": {"name": "x"},
    }
    assert validate_credential(minimal) == []
    assert (
        validate_presentation(
            {"@context": [CREDENTIALS_V2_CONTEXT], "type": ["VerifiablePresentation"]}
        )
        == []
    )


def _set(path: tuple[str | int, ...], value: Any) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        target: Any = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def _drop(name: str) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        del doc[name]

    return mutate


# (id, mutation, expected pointer, expected code) — each row is one VCDM 2.0 MUST.
CREDENTIAL_CASES: list[tuple[str, Callable[[Doc], None], str, str]] = [
    ("context-missing", _drop("@context"), "/@context", "required"),
    (
        "context-base-not-first",
        _set(("@context",), ["https://w3id.org/attestia/v1", CREDENTIALS_V2_CONTEXT]),
        "/@context/0",
        "context",
    ),
    (
        "context-string-not-base",
        _set(("@context",), "https://w3id.org/attestia/v1"),
        "/@context",
        "context",
    ),
    ("context-empty", _set(("@context",), []), "/@context", "context"),
    ("context-item-not-url", _set(("@context", 1), "not a url"), "/@context/1", "context"),
    ("context-item-number", _set(("@context", 1), 7), "/@context/1", "context"),
    (
        "context-duplicate",
        _set(("@context", 2), "https://w3id.org/attestia/v1"),
        "/@context/2",
        "context",
    ),
    ("type-missing", _drop("type"), "/type", "required"),
    ("type-without-vc", _set(("type",), ["CompanyRegistrationCredential"]), "/type", "type"),
    ("type-not-strings", _set(("type",), ["VerifiableCredential", 3]), "/type", "type"),
    ("type-empty", _set(("type",), []), "/type", "type"),
    ("id-not-url", _set(("id",), "not a url"), "/id", "url"),
    ("name-not-string", _set(("name",), 12), "/name", "shape"),
    ("issuer-missing", _drop("issuer"), "/issuer", "required"),
    ("issuer-not-url", _set(("issuer",), "Attestia SAS"), "/issuer", "url"),
    ("issuer-object-without-id", _set(("issuer",), {"name": "Attestia"}), "/issuer/id", "required"),
    ("issuer-object-id-not-url", _set(("issuer", "id"), "attestia"), "/issuer/id", "url"),
    ("issuer-number", _set(("issuer",), 5), "/issuer", "shape"),
    ("subject-missing", _drop("credentialSubject"), "/credentialSubject", "required"),
    ("subject-empty-array", _set(("credentialSubject",), []), "/credentialSubject", "empty"),
    (
        "subject-not-object",
        _set(("credentialSubject",), ["did:key:z6Mk"]),
        "/credentialSubject/0",
        "shape",
    ),
    ("subject-without-claims", _set(("credentialSubject",), {}), "/credentialSubject", "empty"),
    (
        "subject-id-not-url",
        _set(("credentialSubject", "id"), "holder"),
        "/credentialSubject/id",
        "url",
    ),
    (
        "validFrom-without-timezone",
        _set(("validFrom",), "2025-01-01T00:00:00"),
        "/validFrom",
        "datetime",
    ),
    ("validFrom-date-only", _set(("validFrom",), "2025-01-01"), "/validFrom", "datetime"),
    ("validUntil-not-string", _set(("validUntil",), 1767225600), "/validUntil", "datetime"),
    (
        "validUntil-impossible-date",
        _set(("validUntil",), "2025-02-30T00:00:00Z"),
        "/validUntil",
        "datetime",
    ),
    (
        "validFrom-after-validUntil",
        _set(("validFrom",), "2026-06-01T00:00:00Z"),
        "/validFrom",
        "validity_period",
    ),
    (
        "status-without-type",
        _set(("credentialStatus",), {"id": "https://ex.org/s#1"}),
        "/credentialStatus/type",
        "required",
    ),
    ("status-id-not-url", _set(("credentialStatus", "id"), "s1"), "/credentialStatus/id", "url"),
    (
        "status-not-object",
        _set(("credentialStatus",), "https://ex.org/s"),
        "/credentialStatus",
        "shape",
    ),
    (
        "schema-without-id",
        _set(("credentialSchema",), [{"type": "JsonSchema"}]),
        "/credentialSchema/0/id",
        "required",
    ),
    (
        "schema-without-type",
        _set(("credentialSchema",), [{"id": "https://ex.org/s.json"}]),
        "/credentialSchema/0/type",
        "required",
    ),
    (
        "evidence-without-type",
        _set(("evidence",), [{"id": "https://ex.org/e"}]),
        "/evidence/0/type",
        "required",
    ),
    (
        "terms-without-type",
        _set(("termsOfUse",), {"id": "https://ex.org/t"}),
        "/termsOfUse/type",
        "required",
    ),
    (
        "refresh-without-type",
        _set(("refreshService",), {"id": "https://ex.org/r"}),
        "/refreshService/type",
        "required",
    ),
    (
        "related-without-digest",
        _set(("relatedResource",), [{"id": "https://ex.org/r"}]),
        "/relatedResource/0",
        "required",
    ),
    (
        "related-without-id",
        _set(("relatedResource",), [{"digestSRI": "sha384-x"}]),
        "/relatedResource/0/id",
        "required",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "path", "code"),
    [pytest.param(m, p, c, id=i) for i, m, p, c in CREDENTIAL_CASES],
)
def test_credential_rule(mutate: Callable[[Doc], None], path: str, code: str) -> None:
    doc = credential_v2()
    mutate(doc)
    problems = validate_credential(doc)
    assert Problem(path, problems[0].message, code) in problems, problems  # type: ignore[arg-type]
    assert len(problems) == 1, problems


def test_every_problem_is_reported() -> None:
    doc = credential_v2()
    doc["@context"] = ["https://w3id.org/attestia/v1", CREDENTIALS_V2_CONTEXT]
    doc["validFrom"] = "2025-01-01T00:00:00"
    doc["credentialSubject"] = []
    problems = validate_credential(doc)
    assert sorted((p.path, p.code) for p in problems) == [
        ("/@context/0", "context"),
        ("/credentialSubject", "empty"),
        ("/validFrom", "datetime"),
    ]
    assert all(p.message for p in problems)
    assert problems[0].to_json()["code"] == problems[0].code
    assert str(problems[0]).startswith("/")


@pytest.mark.parametrize("value", [None, 3, "text", [credential_v2()]], ids=repr)
def test_non_object_documents(value: object) -> None:
    assert [p.code for p in validate_credential(value)] == ["shape"]
    assert [p.code for p in validate_presentation(value)] == ["shape"]
    assert [p.code for p in validate_enveloped_credential(value)] == ["shape"]
    assert [p.code for p in validate_enveloped_presentation(value)] == ["shape"]


PRESENTATION_CASES: list[tuple[str, Callable[[Doc], None], str, str]] = [
    ("type-without-vp", _set(("type",), "VerifiableCredential"), "/type", "type"),
    ("holder-not-url", _set(("holder",), "Alice"), "/holder", "url"),
    ("holder-object-without-id", _set(("holder",), {"name": "Alice"}), "/holder/id", "required"),
    (
        "credential-as-string",
        _set(("verifiableCredential",), ["eyJhbGciOiJFUzI1NiJ9.e30.c2ln"]),
        "/verifiableCredential/0",
        "shape",
    ),
    (
        "enveloped-id-not-data-url",
        _set(("verifiableCredential", 0, "id"), "https://ex.org/vc.jwt"),
        "/verifiableCredential/0/id",
        "envelope",
    ),
    (
        "enveloped-id-wrong-media-type",
        _set(("verifiableCredential", 0, "id"), "data:text/plain,hello"),
        "/verifiableCredential/0/id",
        "envelope",
    ),
    (
        "enveloped-id-missing",
        lambda d: d["verifiableCredential"][0].pop("id"),
        "/verifiableCredential/0/id",
        "required",
    ),
    (
        "enveloped-context-wrong",
        _set(("verifiableCredential", 0, "@context"), CREDENTIALS_V1_CONTEXT),
        "/verifiableCredential/0/@context",
        "context",
    ),
    (
        "embedded-credential-invalid",
        _set(("verifiableCredential", 1, "issuer"), "nobody"),
        "/verifiableCredential/1/issuer",
        "url",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "path", "code"),
    [pytest.param(m, p, c, id=i) for i, m, p, c in PRESENTATION_CASES],
)
def test_presentation_rule(mutate: Callable[[Doc], None], path: str, code: str) -> None:
    doc = presentation_v2()
    mutate(doc)
    problems = validate_presentation(doc)
    assert [(p.path, p.code) for p in problems] == [(path, code)]


def test_enveloped_objects() -> None:
    assert validate_enveloped_credential(envelope_credential("a.b.c")) == []
    presentation = {
        "@context": CREDENTIALS_V2_CONTEXT,
        "id": "data:application/vp+jwt,a.b.c",
        "type": "EnvelopedVerifiablePresentation",
    }
    assert validate_enveloped_presentation(presentation) == []
    presentation["id"] = "data:application/vc+jwt,a.b.c"
    assert [p.code for p in validate_enveloped_presentation(presentation)] == ["envelope"]


V1_CASES: list[tuple[str, Callable[[Doc], None], str, str]] = [
    ("issuanceDate-missing", _drop("issuanceDate"), "/issuanceDate", "required"),
    (
        "issuanceDate-without-timezone",
        _set(("issuanceDate",), "2023-03-21T12:00:00"),
        "/issuanceDate",
        "datetime",
    ),
    (
        "expirationDate-invalid",
        _set(("expirationDate",), "tomorrow"),
        "/expirationDate",
        "datetime",
    ),
    ("type-without-vc", _set(("type",), ["gx:LegalParticipant"]), "/type", "type"),
    ("issuer-not-uri", _set(("issuer",), "Gaia-X"), "/issuer", "url"),
    (
        "status-without-id",
        _set(("credentialStatus",), {"type": "StatusList2021Entry"}),
        "/credentialStatus/id",
        "required",
    ),
    (
        "refresh-without-id",
        _set(("refreshService",), {"type": "ManualRefreshService2018"}),
        "/refreshService/id",
        "required",
    ),
    ("subject-missing", _drop("credentialSubject"), "/credentialSubject", "required"),
]


@pytest.mark.parametrize(
    ("mutate", "path", "code"),
    [pytest.param(m, p, c, id=i) for i, m, p, c in V1_CASES],
)
def test_v1_rule(mutate: Callable[[Doc], None], path: str, code: str) -> None:
    doc = credential_v1()
    mutate(doc)
    assert [(p.path, p.code) for p in validate_credential(doc)] == [(path, code)]


def test_v1_rules_are_not_v2_rules() -> None:
    """A 1.1 credential needs no validFrom; a 2.0 one needs no issuanceDate."""
    v1 = credential_v1()
    v2 = credential_v2()
    assert "validFrom" not in v1
    assert validate_credential(v1) == []
    assert "issuanceDate" not in v2
    assert validate_credential(v2) == []


def test_v1_presentation_accepts_jwt_strings() -> None:
    presentation = {
        "@context": [CREDENTIALS_V1_CONTEXT],
        "type": ["VerifiablePresentation"],
        "holder": "did:example:holder",
        "verifiableCredential": ["eyJhbGciOiJFUzI1NiJ9.e30.c2ln", credential_v1()],
    }
    assert validate_presentation(presentation) == []
    broken = copy.deepcopy(presentation)
    del broken["verifiableCredential"][1]["issuanceDate"]
    assert [(p.path, p.code) for p in validate_presentation(broken)] == [
        ("/verifiableCredential/1/issuanceDate", "required")
    ]


def test_pointer_escaping() -> None:
    doc = credential_v2()
    doc["credentialSubject"] = {"id": "bad id"}
    doc["evidence"] = {"type": []}
    paths = {p.path for p in validate_credential(doc)}
    assert paths == {"/credentialSubject/id", "/evidence/type"}
