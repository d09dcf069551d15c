"""One negative test per MUST the verifier enforces in OpenID4VP 1.0."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from joserfc.jwk import ECKey
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from tests.holder.wallet import sd_jwt_presentation
from tests.verifier.oid4vp.conftest import Deployment, Party, issue_identity_sd_jwt
from tests.verifier.oid4vp.test_e2e import SD_QUERY, sd_answer, start, status
from verifier.db import VerifierBase
from verifier.oid4vp.models import Oid4vpTransaction
from verifier.oid4vp.transactions import TransactionStore


def fetched(deployment: Deployment, **options: Any) -> tuple[str, Any]:
    transaction_id, created = start(deployment, **options)
    return transaction_id, deployment.wallet.fetch_request(created["authorization_request_uri"])


def failed_checks(result: dict[str, Any]) -> list[str]:
    return [f"{c['code']}: {c['detail']}" for c in result["checks"] if not c["passed"]]


def test_wrong_nonce(deploy: Callable[..., Deployment], issuer: Party, holder: Party) -> None:
    """B.3.6: "the ``nonce`` claim MUST be the value of ``nonce`` from the request"."""
    deployment = deploy()
    transaction_id, request = fetched(deployment)
    presentation = sd_answer(request, issuer, holder, nonce="another-nonce")
    assert deployment.wallet.respond(request, {"identity": [presentation]}).status_code == 200
    result = status(deployment, transaction_id)
    assert result["status"] == "failed"
    assert result["verified"] is False
    assert any("holder_binding" in c or "nonce" in c for c in failed_checks(result))
    assert result["claims"] == {}


def test_wrong_audience(deploy: Callable[..., Deployment], issuer: Party, holder: Party) -> None:
    """B.3.6: ``aud`` MUST be the Client Identifier, prefix included."""
    deployment = deploy()
    transaction_id, request = fetched(deployment)
    bare = request.client_id.split(":", 1)[1]
    presentation = sd_answer(request, issuer, holder, aud=bare)
    deployment.wallet.respond(request, {"identity": [presentation]})
    result = status(deployment, transaction_id)
    assert result["status"] == "failed"
    assert failed_checks(result)


def test_credential_missing_a_requested_claim(
    deploy: Callable[..., Deployment], issuer: Party, holder: Party
) -> None:
    deployment = deploy()
    transaction_id, request = fetched(deployment)
    presentation = sd_answer(
        request, issuer, holder, disclose={"given_name": True, "address": {"locality": True}}
    )
    deployment.wallet.respond(request, {"identity": [presentation]})
    result = status(deployment, transaction_id)
    assert result["status"] == "failed"
    assert any(c.startswith("dcql") and "family_name" in c for c in failed_checks(result))


def test_credential_with_a_value_not_requested(
    deploy: Callable[..., Deployment], issuer: Party, holder: Party
) -> None:
    from credentials.sd_jwt import SD

    deployment = deploy()
    transaction_id, request = fetched(deployment)
    issued = issue_identity_sd_jwt(issuer, holder, address=SD({"locality": SD("Lyon")}))
    presentation = sd_jwt_presentation(
        issued,
        {"given_name": True, "family_name": True, "address": {"locality": True}},
        holder_jwk=holder.private_jwk,
        nonce=request.nonce,
        aud=request.client_id,
    )
    deployment.wallet.respond(request, {"identity": [presentation]})
    result = status(deployment, transaction_id)
    assert result["status"] == "failed"
    assert any("requested values" in c for c in failed_checks(result))


def test_credential_of_another_type(
    deploy: Callable[..., Deployment], issuer: Party, holder: Party
) -> None:
    deployment = deploy()
    query = {
        "credentials": [
            {**SD_QUERY["credentials"][0], "meta": {"vct_values": ["https://other.example/vct"]}}
        ]
    }
    transaction_id, request = fetched(deployment, query=query)
    deployment.wallet.respond(request, {"identity": [sd_answer(request, issuer, holder)]})
    result = status(deployment, transaction_id)
    assert result["status"] == "failed"
    assert any("vct" in c for c in failed_checks(result))


def test_replayed_response(deploy: Callable[..., Deployment], issuer: Party, holder: Party) -> None:
    deployment = deploy()
    transaction_id, request = fetched(deployment)
    token = {"identity": [sd_answer(request, issuer, holder)]}
    assert deployment.wallet.respond(request, token).status_code == 200
    again = deployment.wallet.respond(request, token)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_transaction"
    assert status(deployment, transaction_id)["verified"] is True


def test_concurrent_responses_only_one_wins(
    deploy: Callable[..., Deployment], issuer: Party, holder: Party
) -> None:
    deployment = deploy(response_mode="direct_post")
    _, request = fetched(deployment)
    token = {"identity": [sd_answer(request, issuer, holder)]}
    codes: list[int] = []
    barrier = threading.Barrier(4)

    def post() -> None:
        barrier.wait()
        codes.append(deployment.wallet.respond(request, token).status_code)

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200, 400, 400, 400]


def test_store_transitions_are_atomic_across_engines(tmp_path: Path) -> None:
    """Two engines on one database stand for two server processes."""
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    engines = [create_engine(url, connect_args={"timeout": 15}) for _ in range(2)]
    VerifierBase.metadata.create_all(engines[0])
    stores = [TransactionStore(sessionmaker(bind=e)) for e in engines]
    now = time.time()
    stores[0].create(
        Oid4vpTransaction(
            id="t1",
            request_id="r1",
            status="fetched",
            created_at=now,
            expires_at=now + 60,
            state="s",
            nonce="n",
            client_id="c",
            response_mode="direct_post",
            request_uri_method="get",
            dcql_query={},
        )
    )
    wins: list[bool] = []
    barrier = threading.Barrier(6)

    def take(store: TransactionStore) -> None:
        barrier.wait()
        wins.append(store.advance("t1", from_status=("fetched",), to_status="responding", now=now))

    threads = [threading.Thread(target=take, args=(stores[i % 2],)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wins.count(True) == 1
    for engine in engines:
        engine.dispose()


def test_request_object_fetched_twice(deploy: Callable[..., Deployment]) -> None:
    deployment = deploy()
    _, created = start(deployment, request_uri_method="get")
    assert deployment.client.get(created["request_uri"]).status_code == 200
    second = deployment.client.get(created["request_uri"])
    assert second.status_code == 400
    assert second.json()["error"] == "invalid_request_object"
    third = deployment.client.post(created["request_uri"], data={"wallet_nonce": "abc"})
    assert third.json()["error"] == "invalid_request_object"


def test_unknown_request(deploy: Callable[..., Deployment]) -> None:
    deployment = deploy()
    assert deployment.client.get("/verifier/request/nope").status_code == 404
    assert deployment.client.post("/verifier/response/nope", data={"state": "x"}).status_code == 404
    assert deployment.client.get("/verifier/transactions/nope").status_code == 404


def test_jwe_for_another_key(
    deploy: Callable[..., Deployment], issuer: Party, holder: Party
) -> None:
    deployment = deploy(response_mode="direct_post.jwt")
    transaction_id, request = fetched(deployment)
    other = ECKey.generate_key("P-256", parameters={"alg": "ECDH-ES", "kid": "other"})
    answer = deployment.wallet.respond(
        request,
        {"identity": [sd_answer(request, issuer, holder)]},
        encrypt_to=other.as_dict(private=False),
    )
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"
    assert status(deployment, transaction_id)["status"] == "fetched"  # not consumed
    good = deployment.wallet.respond(request, {"identity": [sd_answer(request, issuer, holder)]})
    assert good.status_code == 200


def test_plain_response_when_jwt_was_requested(
    deploy: Callable[..., Deployment], issuer: Party, holder: Party
) -> None:
    deployment = deploy(response_mode="direct_post.jwt")
    _, request = fetched(deployment)
    token = {"identity": [sd_answer(request, issuer, holder)]}
    import json

    answer = deployment.client.post(
        request.response_uri, data={"vp_token": json.dumps(token), "state": request.state}
    )
    assert answer.status_code == 400
    assert "response parameter is required" in answer.json()["error_description"]


def test_expired_transaction(
    deploy: Callable[..., Deployment], issuer: Party, holder: Party
) -> None:
    deployment = deploy(response_mode="direct_post")
    transaction_id, created = start(deployment)
    late_id, late = fetched(deployment)
    deployment.clock.offset = 601
    assert status(deployment, transaction_id)["status"] == "expired"
    refused = deployment.client.get(created["request_uri"])
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_transaction"
    deployment.clock.offset = 0
    token = {"identity": [sd_answer(late, issuer, holder)]}
    deployment.clock.offset = 601
    answer = deployment.wallet.respond(late, token)
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_transaction"
    assert status(deployment, late_id)["status"] == "expired"


@pytest.mark.parametrize("state", ["", "wrong-state"], ids=["missing", "wrong"])
def test_missing_or_wrong_state(
    deploy: Callable[..., Deployment], issuer: Party, holder: Party, state: str
) -> None:
    """§5.3: the verifier MUST check that the same ``state`` value is returned."""
    deployment = deploy(response_mode="direct_post")
    transaction_id, request = fetched(deployment)
    answer = deployment.wallet.respond(
        request, {"identity": [sd_answer(request, issuer, holder)]}, state=state
    )
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"
    assert "state" in answer.json()["error_description"]
    assert status(deployment, transaction_id)["status"] == "fetched"


def test_response_before_the_request_was_fetched(
    deploy: Callable[..., Deployment], issuer: Party, holder: Party
) -> None:
    deployment = deploy(response_mode="direct_post")
    transaction_id, created = start(deployment, request_uri_method="get")
    request = deployment.wallet.fetch_request(created["authorization_request_uri"])
    # a second transaction whose request object nobody fetched, answered with its state
    other_id, other = start(deployment, request_uri_method="get")
    row = deployment.service._store.get(other_id, now=time.time())
    assert row is not None
    url = request.response_uri.rsplit("/", 1)[0] + "/" + row.request_id
    answer = deployment.client.post(url, data={"vp_token": "{}", "state": row.state})
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_transaction"
    del transaction_id, other


@pytest.mark.parametrize(
    ("vp_token", "message"),
    [
        ('{"unknown": ["x"]}', "not a credential query id"),
        ('{"identity": []}', "non-empty array"),
        ('{"identity": ["a", "b"]}', "multiple is false"),
        ('["identity"]', "JSON object"),
        ("not json", "not JSON"),
    ],
    ids=["unknown-id", "empty-array", "two-without-multiple", "array", "not-json"],
)
def test_malformed_vp_token(deploy: Callable[..., Deployment], vp_token: str, message: str) -> None:
    deployment = deploy(response_mode="direct_post")
    _transaction_id, request = fetched(deployment)
    answer = deployment.client.post(
        request.response_uri, data={"vp_token": vp_token, "state": request.state}
    )
    assert answer.status_code == 400
    assert message in answer.json()["error_description"]


def test_response_must_be_form_encoded(deploy: Callable[..., Deployment]) -> None:
    deployment = deploy(response_mode="direct_post")
    _, request = fetched(deployment)
    answer = deployment.client.post(request.response_uri, json={"state": request.state})
    assert answer.status_code == 400


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"dcql_query": {"credentials": []}}, "non-empty array"),
        (
            {
                "dcql_query": {
                    "credentials": [
                        {"id": "a b", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}}
                    ]
                }
            },
            "letters, digits",
        ),
        (
            {
                "dcql_query": {
                    "credentials": [
                        {
                            "id": "a",
                            "format": "dc+sd-jwt",
                            "meta": {"vct_values": ["x"]},
                            "claim": [],
                        }
                    ]
                }
            },
            "unknown member 'claim'",
        ),
        (
            {
                "dcql_query": {
                    "credentials": [
                        {
                            "id": "a",
                            "format": "dc+sd-jwt",
                            "meta": {"vct_values": ["x"]},
                            "claims": [{"path": [-1]}],
                        }
                    ]
                }
            },
            "non-negative integer",
        ),
        (
            {
                "dcql_query": {
                    "credentials": [
                        {"id": "a", "format": "mso_mdoc", "meta": {"doctype_value": "x"}}
                    ]
                }
            },
            "not supported",
        ),
        ({"dcql_query": SD_QUERY, "policy": "public-agent"}, "exactly one"),
        ({"policy": "no-such-policy"}, "unknown policy"),
        ({"dcql_query": SD_QUERY, "response_mode": "fragment"}, "response_mode"),
        ({"dcql_query": SD_QUERY, "request_uri_method": "PUT"}, "request_uri_method"),
        (
            {"dcql_query": SD_QUERY, "same_device_redirect": "javascript:alert(1)"},
            "same_device_redirect",
        ),
        ({"dcql_query": SD_QUERY, "extra": 1}, "extra"),
    ],
    ids=[
        "empty-credentials",
        "bad-id",
        "unknown-field",
        "bad-claim-path",
        "mdoc-unsupported",
        "both",
        "unknown-policy",
        "bad-mode",
        "bad-method",
        "bad-redirect",
        "unknown-body-field",
    ],
)
def test_invalid_transaction_requests(
    deploy: Callable[..., Deployment], body: dict[str, Any], message: str
) -> None:
    response = deploy().client.post("/verifier/transactions", json=body)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert message in response.json()["error_description"]
