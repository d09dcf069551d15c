"""Credential Endpoint (§8) errors, key proofs (Appendix F), batch, deferred, notification,
access tokens at the resource (RFC 6750, RFC 9449)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from credentials import multiformats as mf
from issuer.oid4vci.credential_offer import complete_pending_claims
from tests.issuer.minting.samples import claims_for
from tests.issuer.oid4vci.conftest import BASE_URL, Issuer
from tests.wallet import DpopKey, TokenSet, Wallet, WalletKey

CREDENTIAL = "/issuer/credential"


@pytest.fixture
def issuer(issuer_each_database: Issuer) -> Issuer:
    """Every test here on SQLite and, when configured, on PostgreSQL."""
    return issuer_each_database


def _setup(issuer: Issuer, *, dpop: bool = False) -> tuple[Wallet, TokenSet, str]:
    configuration_id = issuer.configuration_ids()[0]
    offer = issuer.offer([configuration_id])
    wallet = issuer.wallet(dpop=dpop)
    return wallet, wallet.pre_authorized_token(offer.document, offer.tx_code), configuration_id


def _error(response: Any, status: int = 400) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error_description"]
    return str(body["error"])


def _post(wallet: Wallet, token: TokenSet, body: dict[str, Any]) -> Any:
    return wallet.post_resource(token, "credential_endpoint", body)


def _unsigned(header: dict[str, Any], claims: dict[str, Any]) -> str:
    import json

    def part(value: dict[str, Any]) -> str:
        return mf.b64url_encode(json.dumps(value).encode())

    return f"{part(header)}.{part(claims)}."


PROOF_CASES: dict[str, Callable[[WalletKey, str], str]] = {
    "wrong aud": lambda k, n: k.proof(audience="https://other.example", nonce=n),
    "stale iat": lambda k, n: k.proof(audience=BASE_URL, nonce=n, issued_at=time.time() - 3600),
    "future iat": lambda k, n: k.proof(audience=BASE_URL, nonce=n, issued_at=time.time() + 3600),
    "wrong typ": lambda k, n: k.proof(audience=BASE_URL, nonce=n, header={"typ": "JWT"}),
    "alg none": lambda k, n: _unsigned(
        {"typ": "openid4vci-proof+jwt", "alg": "none", "jwk": k.jwk},
        {"aud": BASE_URL, "iat": int(time.time()), "nonce": n},
    ),
    "key not matching kid": lambda k, n: k.proof(
        audience=BASE_URL, nonce=n, header={"kid": WalletKey().did + "#0"}
    ),
    "both kid and jwk": lambda k, n: k.proof(audience=BASE_URL, nonce=n, by="both"),
    "no nonce": lambda k, n: k.proof(audience=BASE_URL, nonce=None),
    "x5u": lambda k, n: k.proof(audience=BASE_URL, nonce=n, by="jwk", header={"x5u": "https://x"}),
    "did:web kid": lambda k, n: k.proof(
        audience=BASE_URL, nonce=n, header={"kid": "did:web:evil.example#0"}
    ),
    "private key in jwk": lambda k, n: k.proof(
        audience=BASE_URL, nonce=n, by="jwk", header={"jwk": {**k.jwk, "d": "AAAA"}}
    ),
}


@pytest.mark.parametrize("case", sorted(PROOF_CASES))
def test_invalid_proof(issuer: Issuer, case: str) -> None:
    wallet, token, configuration_id = _setup(issuer)
    nonce = wallet.nonce()
    proof = PROOF_CASES[case](WalletKey(), nonce)
    body = {"credential_configuration_id": configuration_id, "proofs": {"jwt": [proof]}}
    assert _error(_post(wallet, token, body)) == "invalid_proof"
    # nothing was consumed: the same nonce still works
    good = WalletKey().proof(audience=BASE_URL, nonce=nonce)
    body = {"credential_configuration_id": configuration_id, "proofs": {"jwt": [good]}}
    assert _post(wallet, token, body).status_code == 200


def test_reused_and_unknown_nonce(issuer: Issuer) -> None:
    wallet, token, configuration_id = _setup(issuer)
    nonce = wallet.nonce()
    key = WalletKey()
    body = {
        "credential_configuration_id": configuration_id,
        "proofs": {"jwt": [key.proof(audience=BASE_URL, nonce=nonce)]},
    }
    assert _post(wallet, token, body).status_code == 200
    body["proofs"] = {"jwt": [WalletKey().proof(audience=BASE_URL, nonce=nonce)]}
    assert _error(_post(wallet, token, body)) == "invalid_nonce"
    body["proofs"] = {"jwt": [WalletKey().proof(audience=BASE_URL, nonce="made-up")]}
    assert _error(_post(wallet, token, body)) == "invalid_nonce"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (
            {"credential_configuration_id": "no_such_configuration"},
            "unknown_credential_configuration",
        ),
        ({"credential_identifier": "no-such-identifier"}, "unknown_credential_identifier"),
        ({}, "invalid_credential_request"),
        (
            {"credential_configuration_id": "x", "credential_identifier": "y"},
            "invalid_credential_request",
        ),
        ({"credential_configuration_id": 7}, "invalid_credential_request"),
        ({"proofs": {"jwt": []}}, "invalid_proof"),
        ({"proofs": {"jwt": ["a"], "di_vp": ["b"]}}, "invalid_proof"),
        ({"proofs": {"ldp_vp": ["a"]}}, "invalid_proof"),
        ({"proof": {"proof_type": "jwt", "jwt": "a"}}, "invalid_credential_request"),
        ({"credential_response_encryption": {"enc": "A128GCM"}}, "invalid_encryption_parameters"),
    ],
    ids=lambda value: str(value)[:40] if isinstance(value, dict) else value,
)
def test_request_errors(issuer: Issuer, body: dict[str, Any], error: str) -> None:
    wallet, token, configuration_id = _setup(issuer)
    if (
        "credential_configuration_id" not in body
        and "credential_identifier" not in body
        and body != {}
    ):
        body = {"credential_configuration_id": configuration_id, **body}
    assert _error(_post(wallet, token, body)) == error


def test_missing_proofs(issuer: Issuer) -> None:
    wallet, token, configuration_id = _setup(issuer)
    assert (
        _error(_post(wallet, token, {"credential_configuration_id": configuration_id}))
        == "invalid_proof"
    )


def test_configuration_outside_the_grant(issuer: Issuer) -> None:
    wallet, token, _ = _setup(issuer)
    other = issuer.configuration_ids()[1]
    response = wallet.credential_response(token, [WalletKey()], configuration_id=other)
    assert _error(response, 403) == "insufficient_scope"


def test_duplicate_members_are_refused(issuer: Issuer) -> None:
    _, token, configuration_id = _setup(issuer)
    member = '"credential_configuration_id"'
    raw = f'{{{member}: "{configuration_id}", {member}: "x"}}'
    response = issuer.client.post(
        CREDENTIAL,
        content=raw,
        headers={
            "Authorization": f"Bearer {token.access_token}",
            "Content-Type": "application/json",
        },
    )
    assert _error(response) == "invalid_credential_request"


def test_batch_and_limit(issuer: Issuer) -> None:
    wallet, token, configuration_id = _setup(issuer)
    keys = [WalletKey() for _ in range(3)]
    credentials, _ = wallet.credentials(token, keys, configuration_id=configuration_id)
    assert len(credentials) == 3
    assert len(set(map(str, credentials))) == 3
    too_many = [WalletKey() for _ in range(issuer.ctx.config.batch_size + 1)]
    response = wallet.credential_response(token, too_many, configuration_id=configuration_id)
    assert _error(response) == "invalid_credential_request"
    same = WalletKey()
    response = wallet.credential_response(token, [same, same], configuration_id=configuration_id)
    assert _error(response) == "invalid_proof"


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer not-a-token", "Basic dXNlcjpwYXNz", "Bearer a b"],
)
def test_invalid_token(issuer: Issuer, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = issuer.client.post(CREDENTIAL, json={}, headers=headers)
    assert _error(response, 401) == "invalid_token"
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_access_token_in_query_is_ignored(issuer: Issuer) -> None:
    _, token, _ = _setup(issuer)
    response = issuer.client.post(f"{CREDENTIAL}?access_token={token.access_token}", json={})
    assert _error(response, 401) == "invalid_token"


def test_dpop_bound_token(issuer: Issuer) -> None:
    wallet, token, configuration_id = _setup(issuer, dpop=True)
    assert token.token_type == "DPoP"
    assert token.dpop is not None
    url = f"{BASE_URL}{CREDENTIAL}"
    nonce = wallet.nonce()
    body = {
        "credential_configuration_id": configuration_id,
        "proofs": {"jwt": [WalletKey().proof(audience=BASE_URL, nonce=nonce)]},
    }
    thief = DpopKey()
    stolen = {
        "Authorization": f"DPoP {token.access_token}",
        "DPoP": thief.proof("POST", url, access_token=token.access_token),
    }
    assert _error(issuer.client.post(CREDENTIAL, json=body, headers=stolen), 401) == "invalid_token"
    bearer = {"Authorization": f"Bearer {token.access_token}"}
    assert _error(issuer.client.post(CREDENTIAL, json=body, headers=bearer), 401) == "invalid_token"
    no_ath = {
        "Authorization": f"DPoP {token.access_token}",
        "DPoP": token.dpop.proof("POST", url),
    }
    assert (
        _error(issuer.client.post(CREDENTIAL, json=body, headers=no_ath), 401)
        == "invalid_dpop_proof"
    )
    wrong_htu = {
        "Authorization": f"DPoP {token.access_token}",
        "DPoP": token.dpop.proof(
            "POST", f"{BASE_URL}/issuer/nonce", access_token=token.access_token
        ),
    }
    assert (
        _error(issuer.client.post(CREDENTIAL, json=body, headers=wrong_htu), 401)
        == "invalid_dpop_proof"
    )
    proof = token.dpop.proof("POST", url, access_token=token.access_token)
    good = {"Authorization": f"DPoP {token.access_token}", "DPoP": proof}
    assert issuer.client.post(CREDENTIAL, json=body, headers=good).status_code == 200
    body["proofs"] = {"jwt": [WalletKey().proof(audience=BASE_URL, nonce=wallet.nonce())]}
    replay = issuer.client.post(CREDENTIAL, json=body, headers=good)
    assert _error(replay, 401) == "invalid_dpop_proof"


def test_dpop_proof_at_token_endpoint(issuer: Issuer) -> None:
    offer = issuer.offer([issuer.configuration_ids()[0]])
    form = {
        "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
        "pre-authorized_code": offer.pre_authorized_code or "",
        "tx_code": offer.tx_code or "",
    }
    key = DpopKey()
    stale = key.proof("POST", f"{BASE_URL}/issuer/token", issued_at=time.time() - 3600)
    response = issuer.client.post("/issuer/token", data=form, headers={"DPoP": stale})
    assert _error(response) == "invalid_dpop_proof"
    wrong_method = key.proof("GET", f"{BASE_URL}/issuer/token")
    response = issuer.client.post("/issuer/token", data=form, headers={"DPoP": wrong_method})
    assert _error(response) == "invalid_dpop_proof"
    good = key.proof("POST", f"{BASE_URL}/issuer/token")
    assert (
        issuer.client.post("/issuer/token", data=form, headers={"DPoP": good}).json()["token_type"]
        == "DPoP"
    )


def test_dpop_required(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from tests.issuer.oid4vci.conftest import make_issuer

    monkeypatch.chdir(tmp_path)
    for issuer in make_issuer(tmp_path):
        issuer.app.state.oid4vci = replace(
            issuer.ctx, config=replace(issuer.ctx.config, dpop_required=True)
        )
        offer = issuer.offer([issuer.configuration_ids()[0]])
        response = issuer.wallet().pre_authorized_token_response(offer.document, offer.tx_code)
        assert _error(response) == "invalid_dpop_proof"
        token = issuer.wallet(dpop=True).pre_authorized_token(offer.document, offer.tx_code)
        assert token.token_type == "DPoP"


def test_deferred_issuance(issuer: Issuer) -> None:
    configuration_id = issuer.configuration_ids()[0]
    offer = issuer.offer([configuration_id], pending=True)
    wallet = issuer.wallet()
    token = wallet.pre_authorized_token(offer.document, offer.tx_code)
    key = WalletKey()
    response = wallet.credential_response(token, [key], configuration_id=configuration_id)
    assert response.status_code == 202
    transaction_id = response.json()["transaction_id"]
    assert response.json()["interval"] > 0
    deferred = wallet.post_resource(
        token, "deferred_credential_endpoint", {"transaction_id": transaction_id}
    )
    assert deferred.status_code == 202
    assert deferred.json()["transaction_id"] == transaction_id
    with issuer.ctx.sessions.begin() as session:
        complete_pending_claims(
            issuer.ctx,
            session,
            offer_id=offer.id,
            configuration_id=configuration_id,
            claims=claims_for(issuer.kind_of(configuration_id)),
        )
    deferred = wallet.post_resource(
        token, "deferred_credential_endpoint", {"transaction_id": transaction_id}
    )
    assert deferred.status_code == 200
    assert len(deferred.json()["credentials"]) == 1
    assert deferred.json()["notification_id"]
    again = wallet.post_resource(
        token, "deferred_credential_endpoint", {"transaction_id": transaction_id}
    )
    assert _error(again) == "invalid_transaction_id"
    unknown = wallet.post_resource(
        token, "deferred_credential_endpoint", {"transaction_id": "nope"}
    )
    assert _error(unknown) == "invalid_transaction_id"


def test_notification_errors(issuer: Issuer) -> None:
    wallet, token, configuration_id = _setup(issuer)
    _, notification_id = wallet.credentials(token, [WalletKey()], configuration_id=configuration_id)
    assert notification_id is not None
    assert wallet.notify(token, notification_id, "credential_deleted").status_code == 204
    assert wallet.notify(token, notification_id, "credential_deleted").status_code == 204
    assert (
        _error(wallet.notify(token, "unknown", "credential_accepted")) == "invalid_notification_id"
    )
    assert (
        _error(wallet.notify(token, notification_id, "credential_lost"))
        == "invalid_notification_request"
    )
    response = wallet.post_resource(
        token, "notification_endpoint", {"event": "credential_accepted"}
    )
    assert _error(response) == "invalid_notification_request"
    other_wallet, other_token, _ = _setup(issuer)
    assert (
        _error(other_wallet.notify(other_token, notification_id, "credential_accepted"))
        == "invalid_notification_id"
    )


def test_nonce_endpoint(issuer: Issuer) -> None:
    first = issuer.client.post("/issuer/nonce")
    second = issuer.client.post("/issuer/nonce")
    assert first.headers["cache-control"] == "no-store"
    assert first.json()["c_nonce"] != second.json()["c_nonce"]
    assert len(first.json()["c_nonce"]) >= 32
