"""Attacks on the login, each refused with a clear error and no session change."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from joserfc import jwt
from joserfc.jwk import ECKey, OctKey

from attestia.sandbox.proconnect import SandboxProvider
from attestia.settings import Settings
from tests.attestia.sandbox.conftest import browser, choose, open_picker

pytestmark = pytest.mark.anyio
GERANTE = {"siret": "52718463400014", "acr": "eidas1"}


def _b64(data: dict[str, Any]) -> str:
    raw = json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


async def _callback_url(client: httpx.AsyncClient) -> httpx.URL:
    """Log in as the gérante up to the redirect back, without following it."""
    picker = await open_picker(client)
    response = await choose(client, picker, "gerant-sarl", follow=False, **GERANTE)
    assert response.status_code == 303
    return httpx.URL(response.headers["location"])


async def _refused(client: httpx.AsyncClient, url: httpx.URL | str, code: str) -> httpx.Response:
    response = await client.get(str(url))
    assert 400 <= response.status_code < 500, response.text[:300]
    assert code in response.text
    assert "Connexion impossible" in response.text
    assert (await client.get("/auth/me")).status_code == 401
    return response


async def test_wrong_state_is_refused(app: FastAPI, settings: Settings) -> None:
    async with browser(app, settings.base_url) as client:
        url = await _callback_url(client)
        forged = url.copy_set_param("state", "A" * 48)
        await _refused(client, forged, "invalid_state")
        # the genuine callback still works afterwards: the forged one changed nothing
        assert (await client.get(str(url))).json()["identity"]["siret"] == GERANTE["siret"]


async def test_state_from_another_browser_is_refused(app: FastAPI, settings: Settings) -> None:
    """Login CSRF: the attacker's own callback URL opened in the victim's browser."""
    async with browser(app, settings.base_url) as attacker:
        url = await _callback_url(attacker)
    async with browser(app, settings.base_url) as victim:
        await victim.get("/auth/login", follow_redirects=False)
        await _refused(victim, url, "invalid_state")


async def test_callback_state_is_single_use(app: FastAPI, settings: Settings) -> None:
    async with browser(app, settings.base_url) as client:
        url = await _callback_url(client)
        assert (await client.get(str(url))).status_code == 200
        replay = await client.get(str(url))
        assert replay.status_code == 400
        assert "invalid_state" in replay.text


async def test_provider_error_is_shown_and_json_on_request(
    app: FastAPI, settings: Settings
) -> None:
    async with browser(app, settings.base_url) as client:
        url = await _callback_url(client)
        denied = (
            httpx.URL(str(url))
            .copy_merge_params(
                {"error": "access_denied", "error_description": "<script>x</script>"}
            )
            .copy_remove_param("code")
        )
        response = await client.get(str(denied), headers={"Accept": "application/json"})
        assert response.status_code == 403
        assert response.json()["error"] == "provider_error"


async def test_provider_error_page_escapes_description(app: FastAPI, settings: Settings) -> None:
    async with browser(app, settings.base_url) as client:
        url = await _callback_url(client)
        denied = url.copy_merge_params(
            {"error": "access_denied", "error_description": "<script>x</script>"}
        )
        response = await _refused(client, denied, "provider_error")
        assert "<script>x" not in response.text


async def test_wrong_nonce_is_refused(
    app: FastAPI, settings: Settings, provider: SandboxProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    genuine = provider.id_token
    monkeypatch.setattr(
        provider, "id_token", lambda grant, at, nonce=None: genuine(grant, at, nonce="N" * 48)
    )
    async with browser(app, settings.base_url) as client:
        response = await _refused(client, await _callback_url(client), "invalid_id_token")
        assert "nonce" in response.text


async def test_replayed_code_is_invalid_grant(
    app: FastAPI, settings: Settings, provider: SandboxProvider
) -> None:
    async with browser(app, settings.base_url) as client:
        url = await _callback_url(client)
        form = {
            "grant_type": "authorization_code",
            "code": url.params["code"],
            "redirect_uri": settings.proconnect_redirect_uri,
            "client_id": provider.client.client_id,
            "client_secret": provider.client.client_secret,
        }
        token_url = "/sandbox/proconnect/api/v2/token"
        # PKCE is bound to the code: without the verifier the code is refused (and burnt)
        first = await client.post(token_url, data=form)
        assert first.json()["error"] == "invalid_grant"
        again = await client.post(token_url, data=form)
        assert again.status_code == 400
        assert again.json()["error"] == "invalid_grant"
        await _refused(client, url, "token_request_failed")


async def test_replay_revokes_the_access_token(
    app: FastAPI, settings: Settings, provider: SandboxProvider
) -> None:
    from attestia.sandbox.personas import load_personas
    from attestia.sandbox.proconnect.grants import AuthorizationParams

    request = AuthorizationParams(
        client_id=provider.client.client_id,
        redirect_uri=settings.proconnect_redirect_uri,
        scopes=("openid", "siret"),
        state="s" * 32,
        nonce="n" * 32,
        code_challenge=None,
        claims={},
        certification_essential=False,
        siret_hint=None,
    )
    persona = load_personas().get("gerant-sarl")
    code = httpx.URL(provider.issue_code(request, persona, **GERANTE)).params["code"]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": settings.proconnect_redirect_uri,
    }
    auth = (provider.client.client_id, provider.client.client_secret)
    async with browser(app, settings.base_url) as client:
        token_url = "/sandbox/proconnect/api/v2/token"
        first = await client.post(token_url, data=form, auth=auth)  # client_secret_basic
        assert first.status_code == 200
        access = first.json()["access_token"]
        userinfo = "/sandbox/proconnect/api/v2/userinfo"
        bearer = {"Authorization": f"Bearer {access}"}
        assert (await client.get(userinfo, headers=bearer)).status_code == 200
        replay = await client.post(token_url, data=form, auth=auth)
        assert replay.json()["error"] == "invalid_grant"
        revoked = await client.get(userinfo, headers=bearer)
        assert revoked.status_code == 401
        assert revoked.json()["error"] == "invalid_token"


async def test_code_used_after_60_seconds_is_refused(
    app: FastAPI, settings: Settings, provider: SandboxProvider
) -> None:
    start = provider.clock()
    async with browser(app, settings.base_url) as client:
        url = await _callback_url(client)
        provider.clock = lambda: start + 61
        await _refused(client, url, "token_request_failed")


async def test_id_token_signed_by_another_key_is_refused(
    app: FastAPI, settings: Settings, provider: SandboxProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = ECKey.generate_key("P-256")
    genuine = provider.id_token

    def forged(grant: Any, access_token: str, nonce: str | None = None) -> str:
        claims = _claims(genuine(grant, access_token))
        header = {"alg": "ES256", "kid": provider.key.kid, "typ": "JWT"}
        return jwt.encode(header, claims, other, algorithms=["ES256"])

    monkeypatch.setattr(provider, "id_token", forged)
    async with browser(app, settings.base_url) as client:
        await _refused(client, await _callback_url(client), "invalid_id_token")


async def test_id_token_with_alg_none_is_refused(
    app: FastAPI, settings: Settings, provider: SandboxProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    genuine = provider.id_token

    def unsigned(grant: Any, access_token: str, nonce: str | None = None) -> str:
        claims = _claims(genuine(grant, access_token))
        return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."

    monkeypatch.setattr(provider, "id_token", unsigned)
    async with browser(app, settings.base_url) as client:
        response = await _refused(client, await _callback_url(client), "invalid_id_token")
        assert "&#39;none&#39;" in response.text or "none" in response.text


async def test_id_token_hmac_with_public_key_is_refused(
    app: FastAPI, settings: Settings, provider: SandboxProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Algorithm confusion: HS256 keyed with the provider's public JWK."""
    genuine = provider.id_token
    public = json.dumps(provider.jwks()["keys"][0]).encode()

    def confused(grant: Any, access_token: str, nonce: str | None = None) -> str:
        claims = _claims(genuine(grant, access_token))
        key = OctKey.import_key(public)
        header = {"alg": "HS256", "kid": provider.key.kid}
        return jwt.encode(header, claims, key, algorithms=["HS256"])

    monkeypatch.setattr(provider, "id_token", confused)
    async with browser(app, settings.base_url) as client:
        await _refused(client, await _callback_url(client), "invalid_id_token")


async def test_userinfo_with_invalid_signature_is_refused(
    app: FastAPI, settings: Settings, provider: SandboxProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    genuine = provider.userinfo

    def tampered(access_token: str) -> tuple[str, Any]:
        media_type, body = genuine(access_token)
        assert isinstance(body, str)
        header, _payload, signature = body.split(".")
        claims = _claims(body) | {"siret": "35600000010000"}
        return media_type, f"{header}.{_b64(claims)}.{signature}"

    monkeypatch.setattr(provider, "userinfo", tampered)
    async with browser(app, settings.base_url) as client:
        await _refused(client, await _callback_url(client), "invalid_userinfo")


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "/ok\r\nLocation: https://evil.example",
    ],
)
async def test_open_redirect_on_login_next_is_neutralised(
    app: FastAPI, settings: Settings, target: str
) -> None:
    async with browser(app, settings.base_url) as client:
        picker = await open_picker(client, next_path=target)
        response = await choose(client, picker, "gerant-sarl", follow=False, **GERANTE)
        back = await client.get(response.headers["location"], follow_redirects=False)
        assert back.status_code == 302
        assert back.headers["location"] == "/"


async def test_local_next_path_is_kept(app: FastAPI, settings: Settings) -> None:
    async with browser(app, settings.base_url) as client:
        picker = await open_picker(client, next_path="/docs?x=1")
        response = await choose(client, picker, "gerant-sarl", follow=False, **GERANTE)
        back = await client.get(response.headers["location"], follow_redirects=False)
        assert back.headers["location"] == "/docs?x=1"


async def _id_token(client: httpx.AsyncClient, app: FastAPI) -> str:
    picker = await open_picker(client)
    await choose(client, picker, "gerant-sarl", **GERANTE)
    page = await client.get("/auth/logout")
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    out = await client.post("/auth/logout", data={"csrf_token": token}, follow_redirects=False)
    return httpx.URL(out.headers["location"]).params["id_token_hint"]


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/auth/logged-out",
        "http://127.0.0.1:8000/auth/logged-out/../../evil",
        "http://127.0.0.1:8000/auth/callback",
    ],
)
async def test_open_redirect_on_logout_is_refused(
    app: FastAPI, settings: Settings, target: str
) -> None:
    async with browser(app, settings.base_url) as client:
        hint = await _id_token(client, app)
        response = await client.get(
            "/sandbox/proconnect/api/v2/session/end",
            params={"id_token_hint": hint, "state": "s" * 32, "post_logout_redirect_uri": target},
            follow_redirects=False,
        )
        assert response.status_code == 400
        assert "location" not in response.headers
        assert "not registered" in response.text


async def test_logout_ignores_a_next_parameter(app: FastAPI, settings: Settings) -> None:
    async with browser(app, settings.base_url) as client:
        picker = await open_picker(client)
        await choose(client, picker, "gerant-sarl", **GERANTE)
        page = await client.get("/auth/logout")
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        out = await client.post(
            "/auth/logout?next=https://evil.example&post_logout_redirect_uri=https://evil.example",
            data={"csrf_token": token},
            follow_redirects=False,
        )
        target = httpx.URL(out.headers["location"]).params["post_logout_redirect_uri"]
        assert target == settings.proconnect_post_logout_redirect_uri


async def test_forged_id_token_hint_is_refused(app: FastAPI, settings: Settings) -> None:
    other = ECKey.generate_key("P-256")
    hint = jwt.encode({"alg": "ES256"}, {"aud": "attestia-dev"}, other, algorithms=["ES256"])
    async with browser(app, settings.base_url) as client:
        response = await client.get(
            "/sandbox/proconnect/api/v2/session/end",
            params={
                "id_token_hint": hint,
                "post_logout_redirect_uri": settings.proconnect_post_logout_redirect_uri,
            },
            follow_redirects=False,
        )
        assert response.status_code == 400
        assert "location" not in response.headers
