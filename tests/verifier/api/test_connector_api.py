"""The connector API: VC API shapes, 200 for failing credentials, 400 with problems for
unparseable bodies, 401 invalid_token with API keys, and an exact OpenAPI schema."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.verifier.pipeline.world import NONCE, REVOKED_IDX, VERIFIER, World
from verifier.services import ApiKeys, VerifierServices
from verifier.web.connector_api import router

KEY = "connector-secret-key-0123456789"


def _client(world: World, keys: dict[str, str] | None = None) -> TestClient:
    app = FastAPI()
    app.include_router(router)
    pipeline = world.pipeline()
    app.state.verifier = VerifierServices(pipeline, pipeline.policies, ApiKeys(keys or {}))
    return TestClient(app)


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def client(world: World) -> TestClient:
    return _client(world)


def _bound(policy: str | None = None) -> dict[str, Any]:
    options: dict[str, Any] = {"challenge": NONCE, "domain": VERIFIER}
    if policy:
        options["policy"] = policy
    return options


def test_credentials_in_every_format(world: World, client: TestClient) -> None:
    for value in (world.sd_jwt(), world.vc_jwt(), world.ldp_vc()):
        response = client.post("/verifier/credentials/verify", json={"verifiableCredential": value})
        assert response.status_code == 200
        body = response.json()
        assert body["verified"] is True, body["problems"]
        assert body["issuer"] == "did:web:issuer.example"
        assert body["trust"] is not None
        assert body["claims"]


def test_presentations_in_every_format(world: World, client: TestClient) -> None:
    cases = [
        (world.sd_jwt_presentation(), _bound("company-representative")),
        (world.vp_jwt(), _bound("company-representative")),
        (world.ldp_vp(), _bound("company-representative")),
        (world.gaia_x_vp(), {"policy": "gaia-x-participant"}),
    ]
    for value, options in cases:
        response = client.post(
            "/verifier/presentations/verify",
            json={"verifiablePresentation": value, "options": options},
        )
        assert response.status_code == 200
        assert response.json()["verified"] is True, response.json()["problems"]


def test_a_failing_credential_is_200_with_failed_checks(world: World, client: TestClient) -> None:
    response = client.post(
        "/verifier/credentials/verify",
        json={"verifiableCredential": world.sd_jwt(status_idx=REVOKED_IDX)},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["verified"] is False
    assert [c["code"] for c in body["checks"] if not c["passed"]] == ["status"]
    assert body["errors"] == body["problems"]
    assert "revoked" in body["problems"][0]


def test_wrong_nonce_is_200_not_verified(world: World, client: TestClient) -> None:
    response = client.post(
        "/verifier/presentations/verify",
        json={
            "verifiablePresentation": world.sd_jwt_presentation(),
            "options": {"challenge": "other", "domain": VERIFIER},
        },
    )
    assert response.status_code == 200
    assert response.json()["verified"] is False


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/verifier/credentials/verify", {}),
        ("/verifier/credentials/verify", {"verifiableCredential": 42}),
        ("/verifier/credentials/verify", {"verifiableCredential": ["x"]}),
        ("/verifier/credentials/verify", {"verifiableCredential": "not a credential"}),
        ("/verifier/credentials/verify", {"verifiableCredential": "{broken"}),
        ("/verifier/credentials/verify", {"verifiableCredential": {}, "options": "x"}),
        ("/verifier/credentials/verify", {"verifiableCredential": {}, "options": {"challenge": 1}}),
        (
            "/verifier/credentials/verify",
            {"verifiableCredential": {}, "options": {"policy": "nope"}},
        ),
        ("/verifier/presentations/verify", {"verifiableCredential": {}}),
        ("/verifier/presentations/verify", {"verifiablePresentation": "a.b"}),
    ],
    ids=[
        "empty-body",
        "number",
        "array",
        "text",
        "broken-json-text",
        "options-not-object",
        "challenge-not-string",
        "unknown-policy",
        "wrong-member",
        "not-a-jwt",
    ],
)
def test_malformed_bodies_are_400_with_problems(
    client: TestClient, path: str, body: dict[str, Any]
) -> None:
    response = client.post(path, json=body)
    assert response.status_code == 400
    document = response.json()
    assert document["error"] == "invalid_request"
    assert document["error_description"]
    assert document["problems"]


def test_non_json_body_is_400(client: TestClient) -> None:
    response = client.post(
        "/verifier/credentials/verify",
        content=b"{nope",
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["problems"]


def test_presentation_sent_as_a_credential_is_400(world: World, client: TestClient) -> None:
    response = client.post(
        "/verifier/credentials/verify", json={"verifiableCredential": world.vp_jwt()}
    )
    assert response.status_code == 400


def test_api_key_required_and_refused(world: World) -> None:
    client = _client(world, {"dataspace-a": hashlib.sha256(KEY.encode()).hexdigest()})
    body = {"verifiableCredential": world.vc_jwt()}
    missing = client.post("/verifier/credentials/verify", json=body)
    assert missing.status_code == 401
    assert missing.json()["error"] == "invalid_token"
    assert missing.headers["www-authenticate"].startswith("Bearer")
    wrong = client.post(
        "/verifier/credentials/verify", json=body, headers={"Authorization": "Bearer nope"}
    )
    assert wrong.status_code == 401
    accepted = client.post(
        "/verifier/credentials/verify", json=body, headers={"Authorization": f"Bearer {KEY}"}
    )
    assert accepted.status_code == 200
    assert accepted.json()["verified"] is True


def test_openapi_schema_names_the_models(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    operation = schema["paths"]["/verifier/credentials/verify"]["post"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/VerifyResponse"
    )
    assert "400" in operation["responses"]
    components = schema["components"]["schemas"]
    assert set(components["CheckResult"]["properties"]["code"]["enum"]) >= {
        "signature",
        "status",
        "trust",
        "policy",
        "holder_binding",
    }
    assert "verifiableCredential" in components["VerifyCredentialRequest"]["properties"]
