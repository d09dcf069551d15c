"""Every endpoint that takes a body answers 413 ``request_too_large`` past the limit.

Both ways a client can send too much: a ``Content-Length`` over the limit (refused before
the body is read) and a chunked body with no length that grows past it while read. The
routes come from the OpenAPI document and from the app's hidden routes (pages, sandbox),
so that a new POST endpoint is covered without editing this file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from attestia.middleware import DEFAULT_MAX_BODY
from tests.fuzz.conftest import row_counts
from tests.fuzz.test_schemathesis import DOCUMENT

BODY_METHODS = ("POST", "PUT", "PATCH")
DOCUMENTED = sorted(
    (method.upper(), path)
    for path, operations in DOCUMENT["paths"].items()
    for method in operations
    if method.upper() in BODY_METHODS
)
MEDIA_TYPES = ("application/json", "application/x-www-form-urlencoded")


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x", path)


def _all_body_routes(app: FastAPI) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()

    def walk(routes: object, prefix: str = "") -> None:
        for route in routes:  # type: ignore[attr-defined]
            if isinstance(route, APIRoute):
                found.update((m, prefix + route.path) for m in route.methods if m in BODY_METHODS)
            contexts = getattr(route, "effective_route_contexts", None)
            if callable(contexts):
                for context in contexts():
                    original = context.original_route
                    for method in getattr(original, "methods", None) or ():
                        if method in BODY_METHODS:
                            found.add((method, context.path))

    walk(app.routes)
    return found


def _chunks(size: int) -> Iterator[bytes]:
    sent = 0
    while sent < size:
        piece = min(64 * 1024, size - sent)
        sent += piece
        yield b"a" * piece


def _assert_too_large(response: object) -> None:
    assert response.status_code == 413, (response.status_code, response.text)  # type: ignore[attr-defined]
    assert response.json()["error"] == "request_too_large"  # type: ignore[attr-defined]


def test_documented_body_routes_are_all_found(fuzz_app: FastAPI) -> None:
    assert DOCUMENTED
    assert set(DOCUMENTED) <= _all_body_routes(fuzz_app)


@pytest.mark.parametrize(("method", "path"), DOCUMENTED, ids=[f"{m} {p}" for m, p in DOCUMENTED])
def test_documented_operations_declare_413(method: str, path: str) -> None:
    assert "413" in DOCUMENT["paths"][path][method.lower()]["responses"]


def test_every_body_route_refuses_a_declared_oversize_body(
    fuzz_client: TestClient, fuzz_app: FastAPI
) -> None:
    routes = sorted(_all_body_routes(fuzz_app))
    assert len(routes) >= len(DOCUMENTED)
    body = b"a" * (DEFAULT_MAX_BODY + 1)
    before = row_counts(fuzz_app)
    for method, path in routes:
        for media_type in MEDIA_TYPES:
            response = fuzz_client.request(
                method, _concrete(path), content=body, headers={"Content-Type": media_type}
            )
            _assert_too_large(response)
    assert row_counts(fuzz_app) == before


def test_every_body_route_refuses_a_chunked_oversize_body(
    fuzz_client: TestClient, fuzz_app: FastAPI
) -> None:
    """No Content-Length: the limit is enforced while the body is read. A route that
    answers before reading (no credentials, wrong media type, no body needed) answers as it
    does to an empty body: it never sees the oversize one."""
    for method, path in sorted(_all_body_routes(fuzz_app)):
        response = fuzz_client.request(
            method,
            _concrete(path),
            content=_chunks(DEFAULT_MAX_BODY + 1),
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code < 500, (method, path, response.status_code, response.text)
        if response.status_code != 413:
            empty = fuzz_client.request(
                method, _concrete(path), content=b"", headers={"Content-Type": "application/json"}
            )
            assert empty.status_code == response.status_code, (method, path)


READERS = [
    ("/verifier/transactions", "application/json"),
    ("/verifier/credentials/verify", "application/json"),
    ("/verifier/presentations/verify", "application/json"),
    ("/registry/authorization", "application/json"),
    ("/issuer/token", "application/x-www-form-urlencoded"),
    ("/issuer/par", "application/x-www-form-urlencoded"),
    ("/verifier/response/x", "application/x-www-form-urlencoded"),
]


@pytest.mark.parametrize(("path", "media_type"), READERS, ids=[p for p, _ in READERS])
def test_public_readers_refuse_a_chunked_oversize_body(
    fuzz_client: TestClient, fuzz_app: FastAPI, path: str, media_type: str
) -> None:
    before = row_counts(fuzz_app)
    response = fuzz_client.post(
        path, content=_chunks(DEFAULT_MAX_BODY + 1), headers={"Content-Type": media_type}
    )
    _assert_too_large(response)
    assert row_counts(fuzz_app) == before
