"""Rate limits: the Token Endpoint per client address (429 ``slow_down`` + ``Retry-After``),
and Transaction Code guessing per offer (``tx_code_max_attempts``, then the offer is dead)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from starlette.responses import PlainTextResponse
from starlette.types import Receive, Scope, Send

from attestia.rate_limit import (
    RateLimitMiddleware,
    RateLimitRule,
    TokenBucketLimiter,
    token_endpoint_rule,
)
from issuer.oid4vci.credential_offer import Offer, create_offer
from issuer.web.oid4vci import context_for
from tests.issuer.minting.samples import claims_for
from tests.observability.conftest import Deployment, deployment
from tests.observability.test_metrics import scrape, value

PRE_AUTHORIZED = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
CONFIGURATION = "company_registration_sd_jwt"


@pytest.fixture
def limited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Deployment]:
    monkeypatch.chdir(tmp_path)
    with deployment(tmp_path, oid4vci_token_burst=3, oid4vci_token_rate_per_second=0.01) as app:
        yield app


def _token(deployed: Deployment, form: dict[str, str] | None = None) -> httpx.Response:
    return deployed.http.post("/issuer/token", data=form or {"grant_type": "x"})


def test_token_endpoint_answers_429_slow_down_after_the_burst(limited: Deployment) -> None:
    for _ in range(3):
        assert _token(limited).status_code == 400  # unsupported_grant_type, not limited
    refused = _token(limited)
    assert refused.status_code == 429
    assert refused.json()["error"] == "slow_down"
    assert refused.json()["error_description"]
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.headers["cache-control"] == "no-store"
    assert limited.http.post("/issuer/nonce").status_code == 200  # other endpoints are free
    samples = scrape(limited.client)
    assert value(samples, "attestia_rate_limited_total", endpoint="oid4vci_token") == 1
    assert (
        value(
            samples,
            "attestia_http_request_duration_seconds_count",
            method="POST",
            route="<unmatched>",
            status="4xx",
        )
        == 1
    )


def test_token_endpoint_limit_can_be_switched_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert token_endpoint_rule(rate=0, burst=5) is None
    monkeypatch.chdir(tmp_path)
    with deployment(tmp_path, oid4vci_token_rate_per_second=0) as deployed:
        assert all(_token(deployed).status_code == 400 for _ in range(80))


async def _ok(scope: Scope, receive: Receive, send: Send) -> None:
    await PlainTextResponse("ok")(scope, receive, send)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _client(app: RateLimitMiddleware, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 5000))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


@pytest.mark.anyio
async def test_buckets_are_per_client_address_and_refill() -> None:
    clock = Clock()
    limiter = TokenBucketLimiter(capacity=2, rate=0.5, clock=clock)
    refused: list[str] = []
    app = RateLimitMiddleware(
        _ok, [RateLimitRule("t", "POST", "/limited", limiter)], on_limited=refused.append
    )
    async with _client(app, "192.0.2.1") as first, _client(app, "192.0.2.2") as second:
        assert [(await first.post("/limited")).status_code for _ in range(3)] == [200, 200, 429]
        assert (await second.post("/limited")).status_code == 200
        assert (await first.get("/limited")).status_code == 200  # another method
        assert (await first.post("/other")).status_code == 200  # another path
        waited = await first.post("/limited")
        assert waited.headers["retry-after"] == "2"
        assert waited.json()["error"] == "too_many_requests"
        clock.now = 2.0
        assert (await first.post("/limited")).status_code == 200
    assert refused == ["t", "t"]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


# Transaction Code attempts -------------------------------------------------------------


def _offer(app: FastAPI) -> Offer:
    ctx = context_for(app)
    with ctx.sessions.begin() as session:
        return create_offer(
            ctx,
            session,
            configuration_ids=[CONFIGURATION],
            claims_by_configuration={CONFIGURATION: claims_for("company_registration")},
            subject={"sub": "tx-code-test"},
            grant="pre-authorized_code",
            tx_code=True,
        )


def _redeem(deployed: Deployment, offer: Offer, tx_code: str) -> httpx.Response:
    assert offer.pre_authorized_code is not None
    form = {
        "grant_type": PRE_AUTHORIZED,
        "pre-authorized_code": offer.pre_authorized_code,
        "tx_code": tx_code,
    }
    return _token(deployed, form)


def _wrong(code: str) -> str:
    return "".join(str((int(digit) + 1) % 10) for digit in code)


def test_wrong_tx_codes_until_the_offer_dies(deployed: Deployment) -> None:
    offer = _offer(deployed.app)
    assert offer.tx_code is not None
    attempts = context_for(deployed.app).config.tx_code_max_attempts
    for _ in range(attempts):
        answer = _redeem(deployed, offer, _wrong(offer.tx_code))
        assert answer.status_code == 400
        assert answer.json()["error"] == "invalid_grant"
    dead = _redeem(deployed, offer, offer.tx_code)
    assert dead.status_code == 400
    assert dead.json()["error"] == "invalid_grant"
    assert deployed.http.get(f"/issuer/offers/{offer.id}").status_code == 404


def test_a_right_tx_code_before_the_cap_still_works(deployed: Deployment) -> None:
    offer = _offer(deployed.app)
    assert offer.tx_code is not None
    attempts = context_for(deployed.app).config.tx_code_max_attempts
    for _ in range(attempts - 1):
        assert _redeem(deployed, offer, _wrong(offer.tx_code)).json()["error"] == "invalid_grant"
    answer = _redeem(deployed, offer, offer.tx_code)
    assert answer.status_code == 200, answer.text
    assert answer.json()["access_token"]
