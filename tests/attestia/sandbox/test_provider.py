"""The sandbox OpenID Provider on its own: discovery, authorize and token validation."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from attestia.app import create_app
from attestia.sandbox.proconnect import SandboxProvider
from attestia.services import Services
from attestia.settings import Settings
from issuer.proconnect.constants import ACR_VALUES, CERTIFICATION_DIRIGEANT_ACR
from tests.attestia.sandbox.conftest import browser

pytestmark = pytest.mark.anyio
BASE = "/sandbox/proconnect/api/v2"


def _authorize_params(settings: Settings, **overrides: str) -> dict[str, str]:
    params = {
        "response_type": "code",
        "client_id": "attestia-dev",
        "redirect_uri": settings.proconnect_redirect_uri,
        "scope": "openid siret",
        "state": "s" * 32,
        "nonce": "n" * 32,
    }
    params.update(overrides)
    return {k: v for k, v in params.items() if v != "-"}


async def test_discovery_names_proconnect_values(app: FastAPI, settings: Settings) -> None:
    async with browser(app, settings.base_url) as client:
        document = (await client.get(f"{BASE}/.well-known/openid-configuration")).json()
        jwks = (await client.get(f"{BASE}/jwks")).json()
    assert document["issuer"] == f"{settings.base_url}{BASE}"
    assert document["acr_values_supported"] == list(ACR_VALUES)
    assert CERTIFICATION_DIRIGEANT_ACR in document["acr_values_supported"]
    for scope in ("openid", "given_name", "usual_name", "siret", "siren", "phone", "idp_acr"):
        assert scope in document["scopes_supported"]
    assert "offline_access" not in document["scopes_supported"]
    for claim in ("sub", "amr", "acr", "siret", "phone_number", "idp_id", "sid", "auth_time"):
        assert claim in document["claims_supported"]
    assert document["end_session_endpoint"].endswith("/session/end")
    assert document["token_endpoint_auth_methods_supported"][0] == "client_secret_post"
    (key,) = jwks["keys"]
    assert key["kty"] == "EC"
    assert key["crv"] == "P-256"
    assert "d" not in key


@pytest.mark.parametrize(
    ("override", "error"),
    [
        ({"state": "short"}, "invalid_request"),
        ({"nonce": "short"}, "invalid_request"),
        ({"scope": "siret"}, "invalid_scope"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"code_challenge": "x" * 43, "code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge_method": "S256"}, "invalid_request"),
        ({"claims": "{not json"}, "invalid_request"),
        ({"max_age": "10"}, "invalid_request"),
    ],
    ids=[
        "short-state",
        "short-nonce",
        "no-openid",
        "implicit",
        "pkce-plain",
        "pkce-no-challenge",
        "bad-claims",
        "unknown-param",
    ],
)
async def test_authorize_errors_go_back_to_the_client(
    app: FastAPI, settings: Settings, override: dict[str, str], error: str
) -> None:
    async with browser(app, settings.base_url) as client:
        response = await client.get(
            f"{BASE}/authorize",
            params=_authorize_params(settings, **override),
            follow_redirects=False,
        )
    assert response.status_code == 303
    location = httpx.URL(response.headers["location"])
    assert str(location).startswith(settings.proconnect_redirect_uri)
    assert location.params["error"] == error


@pytest.mark.parametrize(
    "override",
    [{"client_id": "someone-else"}, {"redirect_uri": "https://evil.example/cb"}],
    ids=["unknown-client", "unregistered-redirect-uri"],
)
async def test_authorize_never_redirects_to_an_unregistered_uri(
    app: FastAPI, settings: Settings, override: dict[str, str]
) -> None:
    async with browser(app, settings.base_url) as client:
        response = await client.get(
            f"{BASE}/authorize", params=_authorize_params(settings, **override)
        )
    assert response.status_code == 400
    assert "location" not in response.headers
    assert "Requête refusée" in response.text


async def test_picker_is_accessible_and_cancel_is_access_denied(
    app: FastAPI, settings: Settings
) -> None:
    async with browser(app, settings.base_url) as client:
        page = await client.get(f"{BASE}/authorize", params=_authorize_params(settings))
        assert page.status_code == 200
        assert '<html lang="fr">' in page.text
        assert page.text.count("<fieldset>") >= 2
        assert "<legend>Organisation (SIRET)</legend>" in page.text
        interaction = page.text.split('name="interaction" value="', 1)[1].split('"', 1)[0]
        cancel = await client.post(
            f"{BASE}/interaction",
            data={"interaction": interaction, "action": "cancel"},
            follow_redirects=False,
        )
        location = httpx.URL(cancel.headers["location"])
        assert location.params["error"] == "access_denied"
        assert location.params["state"] == "s" * 32
        again = await client.post(
            f"{BASE}/interaction", data={"interaction": interaction, "action": "cancel"}
        )
        assert again.status_code == 400


async def test_picker_refuses_a_siret_or_acr_the_persona_lacks(
    app: FastAPI, settings: Settings
) -> None:
    async with browser(app, settings.base_url) as client:
        page = await client.get(f"{BASE}/authorize", params=_authorize_params(settings))
        interaction = page.text.split('name="interaction" value="', 1)[1].split('"', 1)[0]
        response = await client.post(
            f"{BASE}/interaction",
            data={
                "interaction": interaction,
                "persona": "gerant-sarl",
                "siret": "52718463400014",
                "acr": CERTIFICATION_DIRIGEANT_ACR,
            },
        )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("form", "auth", "error", "status"),
    [
        ({"client_id": "attestia-dev", "client_secret": "wrong"}, None, "invalid_client", 401),
        ({}, ("attestia-dev", "wrong"), "invalid_client", 401),
        ({"client_id": "attestia-dev"}, None, "invalid_client", 401),
    ],
    ids=["post-wrong-secret", "basic-wrong-secret", "no-secret"],
)
async def test_token_client_authentication(
    app: FastAPI,
    settings: Settings,
    form: dict[str, str],
    auth: tuple[str, str] | None,
    error: str,
    status: int,
) -> None:
    body = {"grant_type": "authorization_code", "code": "x", **form}
    async with browser(app, settings.base_url) as client:
        response = await client.post(f"{BASE}/token", data=body, auth=auth)
    assert response.status_code == status
    assert response.json()["error"] == error


async def test_token_refuses_other_grants_and_unknown_codes(
    app: FastAPI, settings: Settings, provider: SandboxProvider
) -> None:
    secret = {"client_id": "attestia-dev", "client_secret": provider.client.client_secret}
    async with browser(app, settings.base_url) as client:
        grant = await client.post(f"{BASE}/token", data={"grant_type": "password", **secret})
        assert grant.json()["error"] == "unsupported_grant_type"
        unknown = await client.post(
            f"{BASE}/token", data={"grant_type": "authorization_code", "code": "nope", **secret}
        )
        assert unknown.json()["error"] == "invalid_grant"
        userinfo = await client.get(f"{BASE}/userinfo")
        assert userinfo.status_code == 401


async def test_sandbox_is_not_mounted_when_disabled(services: Services) -> None:
    settings = services.settings.model_copy(update={"proconnect_sandbox": False})
    app = create_app(settings, services=services)
    async with browser(app, settings.base_url) as client:
        for path in ("/.well-known/openid-configuration", "/authorize", "/jwks"):
            assert (await client.get(BASE + path)).status_code == 404
        login = await client.get("/auth/login", headers={"Accept": "application/json"})
        assert login.status_code == 503
        assert login.json()["error"] == "login_not_configured"
