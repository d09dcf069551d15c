"""The public query API: TRQP authorization, issuers, history, signed trusted list, limits."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from urllib.parse import quote

import pytest
from fastapi import FastAPI

from attestia.services import Services
from attestia.settings import Settings
from tests.trust_registry.web.conftest import ISSUER_DID, SIREN, Clock, browser
from trust_registry import registry
from trust_registry.timestamps import format_time
from trust_registry.trusted_list import verify_trusted_list
from trust_registry.web import RegistryWebHooks, TokenBucketLimiter

pytestmark = pytest.mark.anyio
COMPANY = "CompanyRegistrationCredential"


def _register(services: Services, clock: Clock, *, suspend_after: timedelta | None = None) -> None:
    with services.sessions() as db:
        registry.create_entity(
            db, did=ISSUER_DID, legal_name="Émetteur Exemple", siren=SIREN, actor="t", now=clock.now
        )
        registry.add_type(
            db, did=ISSUER_DID, kind="vc_type", type_value=COMPANY, actor="t", now=clock.now
        )
        if suspend_after is not None:
            registry.suspend_entity(
                db, did=ISSUER_DID, actor="t", reason="contrôle", now=clock.now + suspend_after
            )
        db.commit()


def _query(services: Services, **overrides: object) -> dict[str, object]:
    return {
        "entity_id": services.did,
        "authority_id": services.did,
        "action": "issue",
        "resource": COMPANY,
        **overrides,
    }


async def test_trqp_authorizes_the_dev_local_issuer(
    app: FastAPI, settings: Settings, services: Services
) -> None:
    async with browser(app, settings.base_url) as client:
        response = await client.post("/registry/authorization", json=_query(services))
    assert response.status_code == 200
    body = response.json()
    assert body["authorized"] is True
    for name in ("entity_id", "authority_id", "action", "resource"):
        assert body[name] == _query(services)[name]
    assert body["time_requested"] == body["time_evaluated"]
    assert body["message"]


async def test_trqp_answers_at_a_time_before_during_and_after_a_suspension(
    app: FastAPI, settings: Settings, services: Services, clock: Clock
) -> None:
    _register(services, clock, suspend_after=timedelta(days=10))
    clock.advance(timedelta(days=20))
    async with browser(app, settings.base_url) as client:

        async def at(offset: timedelta | None) -> dict[str, object]:
            context = {} if offset is None else {"context": {"time": format_time(start + offset)}}
            response = await client.post(
                "/registry/authorization", json=_query(services, entity_id=ISSUER_DID, **context)
            )
            assert response.status_code == 200, response.text
            answer: dict[str, object] = response.json()
            return answer

        start = clock.now - timedelta(days=20)
        during = await at(timedelta(days=5))
        assert during["authorized"] is True
        assert during["time_requested"] == format_time(start + timedelta(days=5))
        assert (await at(timedelta(days=15)))["authorized"] is False
        assert (await at(-timedelta(days=1)))["authorized"] is False
        assert (await at(None))["authorized"] is False
        never = await client.post(
            "/registry/authorization",
            json=_query(services, entity_id=ISSUER_DID, resource="OtherCredential"),
        )
        assert never.json()["authorized"] is False


@pytest.mark.parametrize(
    ("overrides", "status"),
    [
        ({"entity_id": "did:web:nobody.example"}, 404),
        ({"authority_id": "did:web:other-registry.example"}, 404),
        ({"action": "revoke"}, 404),
        ({"resource": ""}, 400),
        ({"context": {"time": "last tuesday"}}, 400),
        ({"context": {"time": "2026-01-01T00:00:00"}}, 400),
        ({"extra": 1}, 400),
    ],
    ids=["entity", "authority", "action", "resource", "time", "naive-time", "extra"],
)
async def test_trqp_errors_follow_the_https_binding(
    app: FastAPI,
    settings: Settings,
    services: Services,
    overrides: dict[str, object],
    status: int,
) -> None:
    async with browser(app, settings.base_url) as client:
        response = await client.post("/registry/authorization", json=_query(services, **overrides))
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"]
    assert body["error_description"]


async def test_trqp_missing_member_is_400(app: FastAPI, settings: Settings) -> None:
    async with browser(app, settings.base_url) as client:
        response = await client.post("/registry/authorization", json={"entity_id": "did:web:x"})
        not_json = await client.post(
            "/registry/authorization",
            content=b"{",
            headers={"Content-Type": "application/json"},
        )
    assert response.status_code == 400
    assert not_json.status_code == 400


async def test_issuers_list_filters_paging_one_issuer_and_history(
    app: FastAPI, settings: Settings, services: Services, clock: Clock
) -> None:
    _register(services, clock, suspend_after=timedelta(seconds=1))
    async with browser(app, settings.base_url) as client:
        everything = (await client.get("/registry/issuers")).json()
        assert {item["did"] for item in everything["issuers"]} == {ISSUER_DID, services.did}
        assert everything["next"] is None
        page = (await client.get("/registry/issuers", params={"limit": 1})).json()
        assert len(page["issuers"]) == 1
        second = (
            await client.get("/registry/issuers", params={"limit": 1, "after": page["next"]})
        ).json()
        assert second["issuers"][0]["did"] != page["issuers"][0]["did"]
        suspended = (await client.get("/registry/issuers", params={"status": "suspended"})).json()
        assert [item["did"] for item in suspended["issuers"]] == [ISSUER_DID]
        by_siren = (await client.get("/registry/issuers", params={"q": SIREN[:5]})).json()
        assert [item["did"] for item in by_siren["issuers"]] == [ISSUER_DID]
        by_type = (
            await client.get(
                "/registry/issuers", params={"type": f"{settings.base_url}/issuer/vct/public_agent"}
            )
        ).json()
        assert [item["did"] for item in by_type["issuers"]] == [services.did]
        bad = await client.get("/registry/issuers", params={"status": "asleep"})
        assert bad.status_code == 400
        one = await client.get(f"/registry/issuers/{quote(services.did, safe='')}")
        assert one.status_code == 200
        assert one.json()["did"] == services.did
        assert one.headers["cache-control"].startswith("public")
        history = (
            await client.get(f"/registry/issuers/{quote(ISSUER_DID, safe='')}/history")
        ).json()
        assert [event["event"] for event in history["history"]] == [
            "created",
            "type_added",
            "suspended",
        ]
        assert history["history"][-1]["reason"] == "contrôle"
        past = await client.get(
            f"/registry/issuers/{quote(ISSUER_DID, safe='')}",
            params={"at": format_time(clock.now)},
        )
        assert past.json()["status"] == "active"
        missing = await client.get("/registry/issuers/did%3Aweb%3Anobody.example")
        assert missing.status_code == 404


async def test_trusted_list_verifies_and_its_etag_follows_writes(
    app: FastAPI, settings: Settings, services: Services, clock: Clock
) -> None:
    anchor = services.keys.signer("registry", "P-256").public_key()
    async with browser(app, settings.base_url) as client:
        first = await client.get("/registry/trusted-list")
        assert first.status_code == 200
        assert first.headers["content-type"].startswith("application/jwt")
        checker = verify_trusted_list(first.text, anchor, clock.now)
        assert checker.issuer == services.did
        assert checker.is_authorized(services.did, COMPANY, clock.now, clock.now).authorized
        etag = first.headers["etag"]
        assert etag == f'W/"{checker.sequence_number}"'
        unchanged = await client.get("/registry/trusted-list", headers={"If-None-Match": etag})
        assert unchanged.status_code == 304
        decoded = await client.get("/registry/trusted-list.json")
        assert decoded.json()["iss"] == services.did
        assert decoded.headers["etag"] == etag
        clock.advance(timedelta(seconds=1))
        _register(services, clock)
        changed = await client.get("/registry/trusted-list", headers={"If-None-Match": etag})
        assert changed.status_code == 200
        assert changed.headers["etag"] != etag
        updated = verify_trusted_list(changed.text, anchor, clock.now)
        assert updated.sequence_number > checker.sequence_number
        assert updated.is_authorized(ISSUER_DID, COMPANY, clock.now, clock.now).authorized
        tampered = changed.text[:-4] + ("AAAA" if not changed.text.endswith("AAAA") else "BBBB")
        with pytest.raises(Exception, match="signature"):
            verify_trusted_list(tampered, anchor, clock.now)


async def test_rate_limit_answers_429_with_retry_after(app: FastAPI, settings: Settings) -> None:
    hooks: RegistryWebHooks = app.state.registry_web
    app.state.registry_web = replace(hooks, rate_limiter=TokenBucketLimiter(capacity=3, rate=0.5))
    async with browser(app, settings.base_url) as client:
        statuses = [(await client.get("/registry/issuers")).status_code for _ in range(3)]
        limited = await client.get("/registry/issuers")
        authorization = await client.post("/registry/authorization", json={})
    assert statuses == [200, 200, 200]
    assert limited.status_code == 429
    assert limited.json()["error"] == "too_many_requests"
    assert int(limited.headers["retry-after"]) >= 1
    assert authorization.status_code == 429


def test_token_bucket_refills_per_client() -> None:
    now = [0.0]
    limiter = TokenBucketLimiter(capacity=2, rate=1.0, clock=lambda: now[0])
    assert limiter.take("a") is None
    assert limiter.take("a") is None
    assert limiter.take("a") == 1
    assert limiter.take("b") is None
    now[0] += 1.0
    assert limiter.take("a") is None
    assert limiter.take("a") == 1


def test_token_bucket_forgets_the_least_recent_client() -> None:
    limiter = TokenBucketLimiter(capacity=1, rate=0.001, max_clients=2, clock=lambda: 0.0)
    assert limiter.take("a") is None
    assert limiter.take("a") == 1000
    assert limiter.take("b") is None
    assert limiter.take("c") is None
    assert limiter.take("a") is None
    assert limiter.take("c") == 1000
