"""The status router over HTTP: content types, caching headers, ETag/304, admin API errors."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from attestia.errors import install_error_handlers
from credentials.status_list.token import verify_status_list_token
from issuer.catalogue.vocabulary import context_bytes
from issuer.web.status import router
from tests.issuer.minting.harness import BASE_URL, START, Issuer, issuer_on, jose_key_resolver
from tests.issuer.status.test_revocation import mint

ADMIN_TOKEN = "Bearer admin-secret"


def _admin_check(request: Request) -> str | None:
    return "admin-1" if request.headers.get("authorization") == ADMIN_TOKEN else None


@pytest.fixture
def issuer(database_url: str) -> Iterator[Issuer]:
    with issuer_on(database_url) as issuer:
        yield issuer


def _client(issuer: Issuer, *, admin: bool = True) -> TestClient:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router)
    app.state.issuer = issuer.services
    if admin:
        app.state.issuer_admin_check = _admin_check
    return TestClient(app)


def test_token_list_served_with_cache_headers_and_etag(issuer: Issuer) -> None:
    minted = mint(issuer)
    client = _client(issuer)
    response = client.get(f"/issuer/status/{minted.status_list_id}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/statuslist+jwt"
    assert response.headers["cache-control"] == "public, max-age=300"
    etag = response.headers["etag"]
    token = verify_status_list_token(
        response.text, key_resolver=jose_key_resolver, now=START.timestamp()
    )
    assert token.sub == f"{BASE_URL}/issuer/status/{minted.status_list_id}"
    not_modified = client.get(
        f"/issuer/status/{minted.status_list_id}", headers={"If-None-Match": etag}
    )
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified.headers["etag"] == etag
    other = client.get(
        f"/issuer/status/{minted.status_list_id}", headers={"If-None-Match": 'W/"0-1"'}
    )
    assert other.status_code == 200


def test_revocation_changes_the_etag(issuer: Issuer) -> None:
    minted = mint(issuer)
    client = _client(issuer)
    etag = client.get(f"/issuer/status/{minted.status_list_id}").headers["etag"]
    response = client.post(
        f"/issuer/credentials/{minted.credential_id}/revoke",
        json={"reason": "mandate ended"},
        headers={"Authorization": ADMIN_TOKEN},
    )
    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    after = client.get(f"/issuer/status/{minted.status_list_id}", headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after.headers["etag"] != etag


def test_bitstring_list_served_as_vc_jwt(issuer: Issuer) -> None:
    minted = mint(issuer, "company_registration_jwt_vc")
    client = _client(issuer)
    for purpose in ("revocation", "suspension"):
        response = client.get(f"/issuer/status/{minted.status_list_id}/{purpose}")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/vc+jwt"
        assert "etag" in response.headers
    assert client.get(f"/issuer/status/{minted.status_list_id}/refresh").status_code == 404


def test_unknown_list_is_a_json_404(issuer: Issuer) -> None:
    response = _client(issuer).get("/issuer/status/unknown-list")
    assert response.status_code == 404
    assert response.json()["error"] == "unknown_status_list"
    assert "error_description" in response.json()


def test_type_metadata_at_the_vct_url(issuer: Issuer) -> None:
    client = _client(issuer)
    response = client.get("/issuer/vct/company_registration")
    assert response.status_code == 200
    document = response.json()
    assert document["vct"] == f"{BASE_URL}/issuer/vct/company_registration"
    assert {d["locale"] for d in document["display"]} == {"fr", "en"}
    sd = {tuple(c["path"]): c["sd"] for c in document["claims"]}
    assert sd[("siren",)] == "never"
    assert sd[("address",)] == "always"
    assert client.get("/issuer/vct/unknown").status_code == 404


def test_vocabulary_context_served(issuer: Issuer) -> None:
    response = _client(issuer).get("/issuer/contexts/attestia-v1.jsonld")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    assert response.content == context_bytes()
    assert json.loads(response.content)["@context"]["@protected"] is True


@pytest.mark.parametrize(
    ("admin", "headers", "status"),
    [
        (False, {"Authorization": ADMIN_TOKEN}, 401),
        (True, {}, 401),
        (True, {"Authorization": "Bearer wrong"}, 401),
    ],
    ids=["no-admin-check-configured", "no-credentials", "wrong-credentials"],
)
def test_admin_api_refuses_without_authentication(
    issuer: Issuer, admin: bool, headers: dict[str, str], status: int
) -> None:
    minted = mint(issuer)
    response = _client(issuer, admin=admin).post(
        f"/issuer/credentials/{minted.credential_id}/revoke", json={"reason": "x"}, headers=headers
    )
    assert response.status_code == status
    assert response.json()["error"] == "unauthorized"


def test_admin_api_errors(issuer: Issuer) -> None:
    minted = mint(issuer)
    client = _client(issuer)
    auth = {"Authorization": ADMIN_TOKEN}
    assert (
        client.post(
            f"/issuer/credentials/{minted.credential_id}/suspend",
            json={"reason": "check"},
            headers=auth,
        ).json()["status"]
        == "suspended"
    )
    reinstated = client.post(
        f"/issuer/credentials/{minted.credential_id}/reinstate", json={"reason": "ok"}, headers=auth
    )
    assert reinstated.json() | {"changed_at": None} == {
        "credential_id": minted.credential_id,
        "status": "valid",
        "previous_status": "suspended",
        "changed_at": None,
    }
    client.post(
        f"/issuer/credentials/{minted.credential_id}/revoke", json={"reason": "r"}, headers=auth
    )
    refused = client.post(
        f"/issuer/credentials/{minted.credential_id}/reinstate",
        json={"reason": "undo"},
        headers=auth,
    )
    assert refused.status_code == 409
    assert refused.json()["error"] == "invalid_status_transition"
    unknown = client.post(
        "/issuer/credentials/urn:uuid:00000000-0000-4000-8000-000000000000/revoke",
        json={"reason": "x"},
        headers=auth,
    )
    assert unknown.status_code == 404
    assert unknown.json()["error"] == "unknown_credential"
    no_reason = client.post(
        f"/issuer/credentials/{minted.credential_id}/revoke", json={}, headers=auth
    )
    assert no_reason.status_code == 400
    assert no_reason.json()["error"] == "invalid_request"
