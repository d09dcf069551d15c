"""Token Endpoint (§6): pre-authorized code, tx_code, expiry, single use, PKCE, PAR."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from issuer.oid4vci.models import AccessTokenRow, OfferRow
from tests.issuer.oid4vci.conftest import PERSONA, Issuer
from tests.wallet import WalletError
from tests.wallet.browser import browse_until
from tests.wallet.client import CLIENT_ID, PRE_AUTHORIZED, REDIRECT_URI


@pytest.fixture
def issuer(issuer_each_database: Issuer) -> Issuer:
    """Every test here on SQLite and, when configured, on PostgreSQL."""
    return issuer_each_database


def _tokens(issuer: Issuer) -> int:
    with issuer.ctx.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(AccessTokenRow)) or 0)


def _error(response: object) -> str:
    body = response.json()  # type: ignore[attr-defined]
    assert body["error_description"]
    return str(body["error"])


def test_wrong_tx_code_until_the_offer_dies(issuer: Issuer) -> None:
    offer = issuer.offer([issuer.configuration_ids()[0]])
    wallet = issuer.wallet()
    wrong = "0" * 6 if offer.tx_code != "0" * 6 else "1" * 6
    for _ in range(issuer.ctx.config.tx_code_max_attempts):
        response = wallet.pre_authorized_token_response(offer.document, wrong)
        assert response.status_code == 400
        assert _error(response) == "invalid_grant"
    response = wallet.pre_authorized_token_response(offer.document, offer.tx_code)
    assert _error(response) == "invalid_grant"
    assert _tokens(issuer) == 0
    assert issuer.client.get(offer.offer_url.removeprefix("http://testserver")).status_code == 404


def test_tx_code_missing_or_unexpected(issuer: Issuer) -> None:
    wallet = issuer.wallet()
    with_code = issuer.offer([issuer.configuration_ids()[0]])
    assert (
        _error(wallet.pre_authorized_token_response(with_code.document, None)) == "invalid_request"
    )
    without = issuer.offer([issuer.configuration_ids()[0]], tx_code=False)
    assert (
        _error(wallet.pre_authorized_token_response(without.document, "123456"))
        == "invalid_request"
    )
    assert _tokens(issuer) == 0
    wallet.pre_authorized_token(without.document, None)
    wallet.pre_authorized_token(with_code.document, with_code.tx_code)


def test_expired_offer(issuer: Issuer) -> None:
    offer = issuer.offer([issuer.configuration_ids()[0]], ttl=0)
    response = issuer.wallet().pre_authorized_token_response(offer.document, offer.tx_code)
    assert _error(response) == "invalid_grant"
    assert issuer.client.get(offer.offer_url.removeprefix("http://testserver")).status_code == 404


def test_code_is_single_use_and_offer_erased(issuer: Issuer) -> None:
    offer = issuer.offer([issuer.configuration_ids()[0]])
    wallet = issuer.wallet()
    wallet.pre_authorized_token(offer.document, offer.tx_code)
    again = wallet.pre_authorized_token_response(offer.document, offer.tx_code)
    assert _error(again) == "invalid_grant"
    with issuer.ctx.sessions() as session:
        row = session.get(OfferRow, offer.id)
        assert row is not None
        assert row.document is None
        assert row.tx_code_hash != offer.tx_code
    assert issuer.client.get(offer.offer_url.removeprefix("http://testserver")).status_code == 404


def test_unknown_code_and_grant_type(issuer: Issuer) -> None:
    token_url = "/issuer/token"
    response = issuer.client.post(
        token_url, data={"grant_type": PRE_AUTHORIZED, "pre-authorized_code": "nope"}
    )
    assert _error(response) == "invalid_grant"
    response = issuer.client.post(token_url, data={"grant_type": "password"})
    assert _error(response) == "unsupported_grant_type"
    response = issuer.client.post(token_url, data={})
    assert _error(response) == "invalid_request"
    response = issuer.client.post(token_url, json={"grant_type": PRE_AUTHORIZED})
    assert _error(response) == "invalid_request"


def test_authorization_details_in_pre_authorized_token_request(issuer: Issuer) -> None:
    ids = issuer.configuration_ids()[:2]
    offer = issuer.offer(ids)
    wallet = issuer.wallet()
    details = [{"type": "openid_credential", "credential_configuration_id": ids[1]}]
    token = wallet.pre_authorized_token(
        offer.document, offer.tx_code, authorization_details=details
    )
    assert token.authorization_details is not None
    assert token.authorization_details[0]["credential_configuration_id"] == ids[1]
    assert token.authorization_details[0]["credential_identifiers"]


def test_authorization_details_outside_the_offer(issuer: Issuer) -> None:
    ids = issuer.configuration_ids()
    offer = issuer.offer(ids[:1])
    details = [{"type": "openid_credential", "credential_configuration_id": ids[1]}]
    response = issuer.wallet().pre_authorized_token_response(
        offer.document, offer.tx_code, authorization_details=details
    )
    assert _error(response) == "invalid_authorization_details"
    issuer.wallet().pre_authorized_token(offer.document, offer.tx_code)


def _authorize(issuer: Issuer, **overrides: str) -> tuple[str, str, dict[str, str]]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    offer = issuer.offer([issuer.configuration_ids()[0]], grant="authorization_code", tx_code=False)
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "code_challenge": challenge.decode(),
        "code_challenge_method": "S256",
        "state": "s1",
        "issuer_state": offer.issuer_state or "",
        **overrides,
    }
    return verifier, offer.id, params


def _code(issuer: Issuer, params: dict[str, str]) -> dict[str, str]:
    from urllib.parse import urlencode

    location = browse_until(
        issuer.client,
        f"/issuer/authorize?{urlencode(params)}",
        stop_prefix=REDIRECT_URI,
        persona=PERSONA,
    )
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def _exchange(issuer: Issuer, code: str, verifier: str, **overrides: str) -> object:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "code_verifier": verifier,
        "redirect_uri": REDIRECT_URI,
        "client_id": CLIENT_ID,
        **overrides,
    }
    return issuer.client.post("/issuer/token", data=form)


def test_pkce_redirect_uri_and_single_use(issuer: Issuer) -> None:
    verifier, _, params = _authorize(issuer)
    answer = _code(issuer, params)
    assert answer["state"] == "s1"
    code = answer["code"]
    assert _error(_exchange(issuer, code, "x" * 43)) == "invalid_grant"
    assert (
        _error(_exchange(issuer, code, verifier, redirect_uri="https://evil.example/cb"))
        == "invalid_grant"
    )
    assert _error(_exchange(issuer, code, verifier, client_id="other")) == "invalid_grant"
    ok = _exchange(issuer, code, verifier)
    assert ok.status_code == 200  # type: ignore[attr-defined]
    body = ok.json()  # type: ignore[attr-defined]
    assert body["token_type"] == "Bearer"
    assert "authorization_details" not in body
    assert body["scope"]
    assert _error(_exchange(issuer, code, verifier)) == "invalid_grant"


def test_plain_pkce_is_refused(issuer: Issuer) -> None:
    _, _, params = _authorize(issuer, code_challenge_method="plain")
    answer = _code(issuer, params)
    assert answer["error"] == "invalid_request"
    assert answer["state"] == "s1"


def test_issuer_state_for_another_person(issuer: Issuer) -> None:
    _, _, params = _authorize(issuer)
    answer = _code_for(issuer, params, persona="gerant-sarl")
    assert answer["error"] == "access_denied"


def _code_for(issuer: Issuer, params: dict[str, str], persona: str) -> dict[str, str]:
    from urllib.parse import urlencode

    location = browse_until(
        issuer.client,
        f"/issuer/authorize?{urlencode(params)}",
        stop_prefix=REDIRECT_URI,
        persona=persona,
    )
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def test_missing_redirect_uri_is_not_redirected(issuer: Issuer) -> None:
    _, _, params = _authorize(issuer)
    del params["redirect_uri"]
    from urllib.parse import urlencode

    response = issuer.client.get(f"/issuer/authorize?{urlencode(params)}")
    assert response.status_code == 400
    assert _error(response) == "invalid_request"


def test_par_request_uri_is_single_use(issuer: Issuer) -> None:
    _, _, params = _authorize(issuer)
    pushed = issuer.client.post("/issuer/par", data=params)
    assert pushed.status_code == 201
    request_uri = pushed.json()["request_uri"]
    assert request_uri.startswith("urn:ietf:params:oauth:request_uri:")
    assert pushed.json()["expires_in"] == 60
    first = issuer.client.get(
        "/issuer/authorize", params={"client_id": CLIENT_ID, "request_uri": request_uri}
    )
    assert first.status_code == 303
    second = issuer.client.get(
        "/issuer/authorize", params={"client_id": CLIENT_ID, "request_uri": request_uri}
    )
    assert _error(second) == "invalid_request_uri"


def test_par_errors_are_json(issuer: Issuer) -> None:
    _, _, params = _authorize(issuer, response_type="token")
    response = issuer.client.post("/issuer/par", data=params)
    assert response.status_code == 400
    assert _error(response) == "unsupported_response_type"


def test_scope_and_unknown_details(issuer: Issuer) -> None:
    _, _, params = _authorize(issuer)
    params["authorization_details"] = '[{"type": "other"}]'
    assert _code(issuer, params)["error"] == "invalid_authorization_details"


def test_wallet_initiated_without_offer_is_denied(issuer: Issuer) -> None:
    wallet = issuer.wallet()
    with pytest.raises(WalletError, match="access_denied"):
        wallet.authorization_code_token(
            persona=PERSONA, configuration_ids=issuer.configuration_ids()[:1], use_scope=True
        )


def test_pkce_with_a_non_ascii_challenge_is_a_mismatch() -> None:
    """A stored code_challenge comes from the client: compared as bytes, never a TypeError."""
    from issuer.oid4vci import pkce

    verifier = "v" * 43
    assert pkce.verify(verifier, pkce.s256(verifier))
    assert not pkce.verify(verifier, "d\u00e9fi")
