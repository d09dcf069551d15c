"""The application in process: home page, health, DID document, error shape, size limit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from attestia.app import create_app
from attestia.services import Services


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    app = create_app(services.settings, services=services)

    @app.get("/boom", include_in_schema=False)
    def boom() -> None:
        raise RuntimeError("secret internal detail")

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_home_page_links_to_every_mounted_part(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert 'href="/docs"' in response.text
    assert "did:web:127.0.0.1%3A8000" in response.text
    paths = {getattr(route, "path", "") for route in client.app.routes}  # type: ignore[attr-defined]
    for path in ("/issuer/", "/verifier/demo", "/registry/admin/"):
        if path in paths:
            assert f'href="{path}"' in response.text
            assert client.get(path, follow_redirects=False).status_code < 500


def test_home_page_says_plainly_what_is_not_mounted() -> None:
    from types import SimpleNamespace

    from attestia.web.home import _sections

    request = SimpleNamespace(app=SimpleNamespace(routes=[]))
    sections = _sections(request)  # type: ignore[arg-type]
    assert [s["href"] for s in sections] == [None, None, None, "/docs"]


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ok", "database": "ok"}


def test_did_document_served(client: TestClient) -> None:
    response = client.get("/.well-known/did.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/did+json")
    assert response.json()["id"] == "did:web:127.0.0.1%3A8000"


def test_unknown_route_is_json_error(client: TestClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "error_description": "Not Found"}


def test_unexpected_error_hides_details(client: TestClient) -> None:
    response = client.get("/boom")
    assert response.status_code == 500
    body = response.json()
    assert body["error"] == "server_error"
    assert "secret internal detail" not in response.text
    assert "Traceback" not in response.text


def test_request_id_echoed(client: TestClient) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    generated = client.get("/healthz", headers={"X-Request-ID": "bad id\n"})
    assert generated.headers["x-request-id"] != "bad id\n"


def test_oversized_body_is_413(client: TestClient) -> None:
    response = client.post("/healthz", content=b"x" * (1024 * 1024 + 1))
    assert response.status_code == 413
    assert response.json()["error"] == "request_too_large"


def test_openapi_docs(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    assert "/healthz" in client.get("/openapi.json").json()["paths"]
