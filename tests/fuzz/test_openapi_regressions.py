"""Regressions for what schemathesis found wrong in the OpenAPI document.

Each test is named after the bug: the document said one thing, the app did another.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.fuzz.test_schemathesis import DOCUMENT


def _operation(method: str, path: str) -> dict[str, Any]:
    operation: dict[str, Any] = DOCUMENT["paths"][path][method]
    return operation


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    reference = schema.get("$ref")
    if reference is None:
        return schema
    resolved: dict[str, Any] = DOCUMENT["components"]["schemas"][reference.rsplit("/", 1)[-1]]
    return resolved


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, operations in DOCUMENT["paths"].items()
        for method, operation in operations.items()
    ]


def test_validation_errors_were_documented_as_422_but_answered_400() -> None:
    """FastAPI declares ``422 HTTPValidationError``; the app's handler answers 400 with the
    RFC 6749 §5.2 error object. No operation may still promise the 422."""
    for method, path, operation in _operations():
        assert "422" not in operation["responses"], (method, path)
        if operation.get("parameters") or "requestBody" in operation:
            error = operation["responses"].get("400")
            assert error is not None, (method, path)
            schema = _resolve(error["content"]["application/json"]["schema"])
            assert set(schema["required"]) == {"error", "error_description"}, (method, path)


def test_bodies_could_be_too_large_but_413_was_undocumented() -> None:
    for method, path, operation in _operations():
        if method in ("post", "put", "patch"):
            assert "413" in operation["responses"], (method, path)


@pytest.mark.parametrize(
    ("path", "media_type", "required"),
    [
        ("/issuer/token", "application/x-www-form-urlencoded", ["grant_type"]),
        ("/issuer/par", "application/x-www-form-urlencoded", ["response_type", "client_id"]),
        ("/issuer/credential", "application/json", None),
        ("/issuer/deferred_credential", "application/json", None),
        ("/issuer/notification", "application/json", None),
        ("/verifier/response/{request_id}", "application/x-www-form-urlencoded", None),
    ],
)
def test_hand_parsed_bodies_were_missing_from_the_document(
    path: str, media_type: str, required: list[str] | None
) -> None:
    """These routes read the request themselves, so FastAPI did not describe any body:
    clients and fuzzers could not see the form or JSON they take."""
    body = _operation("post", path)["requestBody"]
    schema = body["content"][media_type]["schema"]
    if required is not None:
        assert schema["required"] == required


def test_par_answered_201_but_documented_200() -> None:
    """RFC 9126 §2.2: the PAR endpoint answers 201 Created."""
    assert "201" in _operation("post", "/issuer/par")["responses"]
    assert "200" not in _operation("post", "/issuer/par")["responses"]


@pytest.mark.parametrize(
    ("method", "path", "status", "media_type"),
    [
        ("get", "/.well-known/did.json", "200", "application/did+json"),
        ("get", "/auth/login", "400", "text/html"),
        ("get", "/auth/callback", "400", "text/html"),
        ("post", "/auth/logout", "403", "text/html"),
        ("get", "/auth/jwks.json", "200", "application/jwk-set+json"),
        ("get", "/issuer/status/{list_id}", "200", "application/statuslist+jwt"),
        ("get", "/issuer/status/{list_id}/{purpose}", "200", "application/vc+jwt"),
        ("get", "/issuer/contexts/attestia-v1.jsonld", "200", "application/ld+json"),
        ("get", "/verifier/transactions/{transaction_id}/qr.png", "200", "image/png"),
        ("get", "/verifier/transactions/{transaction_id}/qr.svg", "200", "image/svg+xml"),
        ("get", "/verifier/request/{request_id}", "200", "application/oauth-authz-req+jwt"),
        ("get", "/.well-known/x509-chain.pem", "200", "application/x-pem-file"),
        ("get", "/issuer/gaia-x/participant.vp.jwt", "200", "application/vp+jwt"),
    ],
)
def test_media_types_answered_were_undocumented(
    method: str, path: str, status: str, media_type: str
) -> None:
    if path not in DOCUMENT["paths"]:
        pytest.skip(f"{path} is not mounted in this build")
    assert media_type in _operation(method, path)["responses"][status]["content"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/auth/login", "302"),
        ("get", "/auth/callback", "302"),
        ("post", "/auth/logout", "303"),
        ("get", "/auth/logout", "303"),
        ("get", "/issuer/authorize", "303"),
        ("get", "/issuer/authorize/resume", "303"),
        ("get", "/auth/me", "401"),
        ("get", "/issuer/offers/{offer_id}", "404"),
        ("get", "/issuer/vct/{kind}", "404"),
        ("get", "/issuer/status/{list_id}", "404"),
        ("get", "/issuer/status/{list_id}", "304"),
        ("post", "/issuer/credential", "401"),
        ("post", "/issuer/credential", "202"),
        ("post", "/issuer/token", "401"),
        ("get", "/verifier/transactions/{transaction_id}", "404"),
        ("get", "/verifier/request/{request_id}", "404"),
        ("post", "/verifier/response/{request_id}", "404"),
        ("post", "/registry/authorization", "404"),
        ("get", "/registry/issuers", "429"),
        ("get", "/registry/issuers/{did}", "404"),
        ("get", "/registry/trusted-list", "304"),
        ("get", "/registry/admin/api/issuers", "401"),
        ("post", "/registry/admin/api/issuers", "409"),
    ],
)
def test_statuses_answered_were_undocumented(method: str, path: str, status: str) -> None:
    assert status in _operation(method, path)["responses"], (method, path, status)
