"""The admin JSON API: API tokens (RFC 6750) and administrator sessions, errors change nothing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from urllib.parse import quote

import httpx
import pytest
from fastapi import FastAPI

from attestia.services import Services
from attestia.settings import Settings
from tests.trust_registry.web.conftest import (
    ADMIN_PERSONA,
    AUDITOR_PERSONA,
    ISSUER_DID,
    SIREN,
    Clock,
    audit_count,
    browser,
    csrf_of,
    login,
)
from trust_registry.tokens import create_token, revoke_token

pytestmark = pytest.mark.anyio
API = "/registry/admin/api"
VCT = "https://emetteur.example.fr/vct/kbis"


def _token(
    services: Services, clock: Clock, scopes: Iterable[str], lifetime: timedelta = timedelta(days=1)
) -> str:
    with services.sessions() as db:
        _info, secret = create_token(
            db,
            owner="admin@dinum.example.gouv.fr",
            label="test",
            scopes=scopes,
            lifetime=lifetime,
            actor="test",
            now=clock.now,
        )
        db.commit()
    return secret


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _issuer_body(**extra: object) -> dict[str, object]:
    return {
        "did": ISSUER_DID,
        "legal_name": "Émetteur Exemple SAS",
        "siren": SIREN,
        "types": [{"kind": "vct", "type": VCT}],
        "reason": "onboarding",
        **extra,
    }


def _path(did: str, suffix: str = "") -> str:
    return f"{API}/issuers/{quote(did, safe='')}{suffix}"


async def test_no_credentials_is_401_with_a_challenge(app: FastAPI, settings: Settings) -> None:
    async with browser(app, settings.base_url) as client:
        response = await client.get(f"{API}/issuers")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"
    assert response.headers["www-authenticate"].startswith("Bearer realm=")


@pytest.mark.parametrize(
    "header",
    ["Bearer atr_unknown", "Basic dXNlcjpwYXNz", "Bearer ", "atr_no_scheme"],
    ids=["unknown", "basic", "empty", "no-scheme"],
)
async def test_bad_authorization_header_is_invalid_token(
    app: FastAPI, settings: Settings, header: str
) -> None:
    async with browser(app, settings.base_url) as client:
        response = await client.get(f"{API}/issuers", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


async def test_write_token_runs_the_whole_life_cycle(
    app: FastAPI, settings: Settings, services: Services, clock: Clock
) -> None:
    secret = _token(services, clock, ["registry:read", "registry:write"])
    async with browser(app, settings.base_url) as client:
        created = await client.post(f"{API}/issuers", json=_issuer_body(), headers=_bearer(secret))
        assert created.status_code == 201, created.text
        assert created.json()["types"][0]["type"] == VCT
        assert created.json()["accredited_by"].startswith("api-token:")
        steps = [
            ("/types", {"kind": "vc_type", "type": "KbisCredential"}, 201),
            (
                "/types/window",
                {
                    "kind": "vc_type",
                    "type": "KbisCredential",
                    "valid_from": "2025-01-01T00:00:00Z",
                    "valid_until": "2030-01-01T00:00:00Z",
                },
                200,
            ),
            ("/types/remove", {"kind": "vc_type", "type": "KbisCredential"}, 200),
            ("/suspend", {"reason": "contrôle"}, 200),
            ("/reactivate", {"reason": "fin du contrôle"}, 200),
            ("/cancel", {"reason": "fraude"}, 200),
        ]
        for suffix, body, status in steps:
            clock.advance(timedelta(seconds=1))
            response = await client.post(
                _path(ISSUER_DID, suffix), json=body, headers=_bearer(secret)
            )
            assert response.status_code == status, (suffix, response.text)
        patched = await client.get(_path(ISSUER_DID), headers=_bearer(secret))
        assert patched.json()["status"] == "cancelled"
        history = await client.get(_path(ISSUER_DID, "/history"), headers=_bearer(secret))
        events = [event["event"] for event in history.json()["history"]]
        assert events == [
            "created",
            "type_added",
            "type_added",
            "type_window_changed",
            "type_removed",
            "suspended",
            "reactivated",
            "cancelled",
        ]


async def test_writes_to_a_cancelled_entity_are_409_and_change_nothing(
    app: FastAPI, settings: Settings, services: Services, clock: Clock
) -> None:
    secret = _token(services, clock, ["registry:read", "registry:write"])
    async with browser(app, settings.base_url) as client:
        await client.post(f"{API}/issuers", json=_issuer_body(), headers=_bearer(secret))
        await client.post(
            _path(ISSUER_DID, "/cancel"), json={"reason": "x"}, headers=_bearer(secret)
        )
        before = audit_count(services)
        for suffix, body in [
            ("/reactivate", {"reason": "undo"}),
            ("/suspend", {"reason": "x"}),
            ("/types", {"kind": "vct", "type": "https://other"}),
            ("/types/remove", {"kind": "vct", "type": VCT}),
        ]:
            response = await client.post(
                _path(ISSUER_DID, suffix), json=body, headers=_bearer(secret)
            )
            assert response.status_code == 409, suffix
            assert response.json()["error"] == "entity_cancelled"
        patch = await client.patch(
            _path(ISSUER_DID), json={"legal_name": "Nouveau"}, headers=_bearer(secret)
        )
        assert patch.status_code == 409
    assert audit_count(services) == before


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (_issuer_body(did="not-a-did"), "not a DID"),
        (_issuer_body(siren="123456789"), "SIREN"),
        (_issuer_body(types=[{"kind": "vct", "type": VCT, "valid_from": "yesterday"}]), "RFC 3339"),
        (_issuer_body(types=[{"kind": "nope", "type": VCT}]), "kind"),
        (_issuer_body(unknown_field=1), "unknown_field"),
        ({"did": ISSUER_DID}, "legal_name"),
    ],
    ids=["did", "siren", "time", "kind", "extra-field", "missing-name"],
)
async def test_bad_input_is_400_and_changes_nothing(
    app: FastAPI,
    settings: Settings,
    services: Services,
    clock: Clock,
    body: dict[str, object],
    fragment: str,
) -> None:
    secret = _token(services, clock, ["registry:write"])
    before = audit_count(services)
    async with browser(app, settings.base_url) as client:
        response = await client.post(f"{API}/issuers", json=body, headers=_bearer(secret))
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_request"
    assert fragment in response.json()["error_description"]
    assert audit_count(services) == before


async def test_unknown_issuer_is_404(
    app: FastAPI, settings: Settings, services: Services, clock: Clock
) -> None:
    secret = _token(services, clock, ["registry:read", "registry:write"])
    async with browser(app, settings.base_url) as client:
        read = await client.get(_path("did:web:nobody.example"), headers=_bearer(secret))
        write = await client.post(
            _path("did:web:nobody.example", "/suspend"),
            json={"reason": "x"},
            headers=_bearer(secret),
        )
    assert read.status_code == 404
    assert write.status_code == 404
    assert read.json()["error"] == "not_found"


async def test_a_token_cannot_exceed_its_scope(
    app: FastAPI, settings: Settings, services: Services, clock: Clock
) -> None:
    reader = _token(services, clock, ["registry:read"])
    writer = _token(services, clock, ["registry:write"])
    before = audit_count(services)
    async with browser(app, settings.base_url) as client:
        assert (await client.get(f"{API}/issuers", headers=_bearer(reader))).status_code == 200
        write = await client.post(f"{API}/issuers", json=_issuer_body(), headers=_bearer(reader))
        assert write.status_code == 403
        assert write.json()["error"] == "insufficient_scope"
        assert 'scope="registry:write"' in write.headers["www-authenticate"]
        audit = await client.get(f"{API}/audit", headers=_bearer(reader))
        assert audit.status_code == 403
        read = await client.get(f"{API}/issuers", headers=_bearer(writer))
        assert read.status_code == 403
        mint = await client.post(
            f"{API}/tokens",
            json={"label": "escalate", "scopes": ["registry:audit"]},
            headers=_bearer(writer),
        )
        assert mint.status_code == 403
    assert audit_count(services) == before


async def test_expired_and_revoked_tokens_are_refused(
    app: FastAPI, settings: Settings, services: Services, clock: Clock
) -> None:
    short = _token(services, clock, ["registry:read"], lifetime=timedelta(minutes=5))
    revoked = _token(services, clock, ["registry:read"])
    with services.sessions() as db:
        revoke_token(db, token_id=2, actor="test", now=clock.now)
        db.commit()
    async with browser(app, settings.base_url) as client:
        assert (await client.get(f"{API}/issuers", headers=_bearer(short))).status_code == 200
        refused = await client.get(f"{API}/issuers", headers=_bearer(revoked))
        assert refused.status_code == 401
        assert "revoked" in refused.json()["error_description"]
        clock.advance(timedelta(minutes=5))
        expired = await client.get(f"{API}/issuers", headers=_bearer(short))
        assert expired.status_code == 401
        assert expired.json()["error"] == "invalid_token"
        assert "expired" in expired.json()["error_description"]


async def _logged_in(client: httpx.AsyncClient, persona: str) -> str:
    """Log ``persona`` in; returns the session's CSRF token, as the admin pages embed it."""
    await login(client, persona)
    return csrf_of(await client.get("/registry/admin/tokens"))


async def test_admin_session_writes_with_the_csrf_header_only(
    app: FastAPI, settings: Settings, services: Services
) -> None:
    async with browser(app, settings.base_url) as client:
        csrf = await _logged_in(client, ADMIN_PERSONA)
        before = audit_count(services)
        missing = await client.post(f"{API}/issuers", json=_issuer_body())
        assert missing.status_code == 403
        wrong = await client.post(
            f"{API}/issuers", json=_issuer_body(), headers={"X-CSRF-Token": "x" * 43}
        )
        assert wrong.status_code == 403
        assert audit_count(services) == before
        ok = await client.post(
            f"{API}/issuers", json=_issuer_body(), headers={"X-CSRF-Token": csrf}
        )
        assert ok.status_code == 201
        assert ok.json()["accredited_by"] == "admin@dinum.example.gouv.fr"
        token = await client.post(
            f"{API}/tokens",
            json={"label": "automation", "scopes": ["registry:read"], "lifetime_days": 7},
            headers={"X-CSRF-Token": csrf},
        )
        assert token.status_code == 201
        secret = token.json()["token"]
        listed = await client.get(f"{API}/tokens")
        assert secret not in listed.text
        assert (await client.get(f"{API}/issuers", headers=_bearer(secret))).status_code == 200


async def test_auditor_session_reads_but_cannot_write(
    app: FastAPI, settings: Settings, services: Services
) -> None:
    async with browser(app, settings.base_url) as client:
        csrf = await _logged_in(client, AUDITOR_PERSONA)
        assert (await client.get(f"{API}/issuers")).status_code == 200
        assert (await client.get(f"{API}/audit/verify")).json()["valid"] is True
        assert (await client.get(f"{API}/administrators")).status_code == 200
        before = audit_count(services)
        write = await client.post(
            f"{API}/issuers", json=_issuer_body(), headers={"X-CSRF-Token": csrf}
        )
        assert write.status_code == 403
        suspend = await client.post(
            _path(services.did, "/suspend"), json={"reason": "x"}, headers={"X-CSRF-Token": csrf}
        )
        assert suspend.status_code == 403
        assert audit_count(services) == before


async def test_audit_endpoints(
    app: FastAPI, settings: Settings, services: Services, clock: Clock
) -> None:
    secret = _token(services, clock, ["registry:audit"])
    async with browser(app, settings.base_url) as client:
        entries = (await client.get(f"{API}/audit?limit=2", headers=_bearer(secret))).json()
        assert len(entries["entries"]) == 2
        assert entries["entries"][0]["seq"] > entries["entries"][1]["seq"]
        verdict = (await client.get(f"{API}/audit/verify", headers=_bearer(secret))).json()
        assert verdict == {
            "valid": True,
            "entries": audit_count(services),
            "first_bad_seq": None,
            "reason": "",
        }
        export = await client.get(f"{API}/audit/export", headers=_bearer(secret))
        assert export.headers["content-type"].startswith("application/jsonl")
        assert len(export.text.splitlines()) == audit_count(services)
