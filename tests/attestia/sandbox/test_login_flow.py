"""Full ProConnect logins over HTTP against the in-process sandbox, one per persona."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from attestia.models import WebLoginState, WebSessionRow
from attestia.sandbox.personas import CERTIFICATION_DIRIGEANT_ACR, load_personas
from attestia.services import Services
from attestia.settings import Settings
from tests.attestia.sandbox.conftest import browser, choose, open_picker

pytestmark = pytest.mark.anyio
PERSONAS = list(load_personas())


def _count(services: Services, model: type) -> int:
    with services.sessions() as db:
        return int(db.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p.id)
async def test_login_as_each_persona(app: FastAPI, settings: Settings, persona: object) -> None:
    from attestia.sandbox.personas import Persona

    assert isinstance(persona, Persona)
    siret = persona.sirets[-1].siret
    acr = next(a for a in persona.acr_values if a != CERTIFICATION_DIRIGEANT_ACR)
    async with browser(app, settings.base_url) as client:
        picker = await open_picker(client)
        response = await choose(client, picker, persona.id, siret=siret, acr=acr)
        assert response.status_code == 200
        assert response.url.path == "/auth/me"
        identity = response.json()["identity"]
    expected = persona.userinfo(siret, acr)
    assert identity["sub"] == persona.claims.sub
    assert identity["siret"] == siret
    assert identity["siren"] == siret[:9]
    assert identity["acr"] == acr
    assert identity["idp_acr"] == acr
    assert identity["given_name"] == expected["given_name"]
    assert identity["usual_name"] == expected["usual_name"]
    assert identity["email"] == expected["email"]
    assert identity["roles"] == list(persona.claims.roles)
    assert identity["organization_label"] == expected["organization_label"]
    assert identity["iss"] == f"{settings.base_url}/sandbox/proconnect/api/v2"
    assert identity["amr"]
    assert identity["certification_requested"] is False
    assert "id_token" not in response.text
    assert "access_token" not in response.text


async def test_certification_dirigeant_login(app: FastAPI, settings: Settings) -> None:
    async with browser(app, settings.base_url) as client:
        picker = await open_picker(client, certification=True)
        assert "certification dirigeant est exigée" in picker.response.text
        response = await choose(
            client,
            picker,
            "presidente-sas",
            siret="91845372100014",
            acr=CERTIFICATION_DIRIGEANT_ACR,
        )
        identity = response.json()["identity"]
    assert identity["acr"] == CERTIFICATION_DIRIGEANT_ACR
    assert identity["certification_requested"] is True


async def test_certification_required_but_unreachable_is_access_denied(
    app: FastAPI, settings: Settings, services: Services
) -> None:
    async with browser(app, settings.base_url) as client:
        picker = await open_picker(client, certification=True)
        response = await choose(
            client, picker, "salarie-sans-mandat", siret="91845372100022", acr="eidas1"
        )
        assert response.status_code == 403
        assert response.url.path == "/auth/callback"
        assert response.url.params["error"] == "access_denied"
        assert "provider_error" in response.text
        assert (await client.get("/auth/me")).status_code == 401


async def test_certification_required_but_acr_lower_is_refused(
    app: FastAPI, settings: Settings
) -> None:
    """The sandbox, like ProConnect's test IdP, lets the user pick any reachable acr; the
    relying party must check ``acr`` in the id_token itself (reference §1.6)."""
    async with browser(app, settings.base_url) as client:
        picker = await open_picker(client, certification=True)
        response = await choose(
            client, picker, "presidente-sas", siret="91845372100014", acr="eidas1"
        )
        assert response.status_code == 403
        assert "certification_missing" in response.text
        assert "certification dirigeant est requise" in response.text
        assert (await client.get("/auth/me")).status_code == 401


async def test_login_rotates_session_and_sets_safe_cookie(
    app: FastAPI, settings: Settings, services: Services
) -> None:
    async with browser(app, settings.base_url) as client:
        login = await client.get("/auth/login", follow_redirects=False)
        assert login.status_code == 302
        cookie = login.headers["set-cookie"]
        assert cookie.startswith("attestia_session=")
        for flag in ("HttpOnly", "SameSite=Lax", "Path=/"):
            assert flag in cookie
        assert "Secure" not in cookie  # http base URL in dev
        before = client.cookies["attestia_session"]
        assert len(before) >= 43
        picker = await open_picker(client)
        await choose(client, picker, "gerant-sarl", siret="52718463400014", acr="eidas1")
        after = client.cookies["attestia_session"]
        assert after != before
    with services.sessions() as db:
        hashes = set(db.scalars(select(WebSessionRow.id_hash)))
    assert before not in hashes
    assert after not in hashes
    assert _count(services, WebLoginState) == 0


async def test_https_base_url_gives_secure_host_cookie(
    services: Services, tmp_path: object
) -> None:
    from attestia.app import create_app

    secure = services.settings.model_copy(update={"base_url": "https://attestia.example"})
    app = create_app(secure, services=services)
    async with browser(app, secure.base_url) as client:
        login = await client.get("/auth/login", follow_redirects=False)
        cookie = login.headers["set-cookie"]
        assert cookie.startswith("__Host-attestia_session=")
        for flag in ("HttpOnly", "SameSite=Lax", "Secure", "Path=/"):
            assert flag in cookie
        picker = await open_picker(client)
        response = await choose(client, picker, "gerant-sarl", siret="52718463400014", acr="eidas1")
        assert response.json()["identity"]["siret"] == "52718463400014"


async def test_logout_ends_session_here_and_at_provider(
    app: FastAPI, settings: Settings, services: Services
) -> None:
    async with browser(app, settings.base_url) as client:
        picker = await open_picker(client)
        await choose(client, picker, "agent-territorial", siret="21299741500014", acr="eidas1")
        page = await client.get("/auth/logout")
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        response = await client.post(
            "/auth/logout", data={"csrf_token": token}, follow_redirects=False
        )
        assert response.status_code == 303
        location = httpx.URL(response.headers["location"])
        assert location.path == "/sandbox/proconnect/api/v2/session/end"
        assert (
            location.params["post_logout_redirect_uri"]
            == settings.proconnect_post_logout_redirect_uri
        )
        assert len(location.params["state"]) >= 32
        assert location.params["id_token_hint"].count(".") == 2
        assert _count(services, WebSessionRow) == 0
        end = await client.get(str(location))
        assert end.url.path == "/auth/logged-out"
        assert end.url.params["state"] == location.params["state"]
        assert (await client.get("/auth/me")).status_code == 401


async def test_logout_without_csrf_token_is_refused(
    app: FastAPI, settings: Settings, services: Services
) -> None:
    async with browser(app, settings.base_url) as client:
        picker = await open_picker(client)
        await choose(client, picker, "gerant-sarl", siret="52718463400014", acr="eidas1")
        await client.get("/auth/logout")
        refused = await client.post("/auth/logout", data={"csrf_token": "forged"})
        assert refused.status_code == 403
        assert (await client.get("/auth/me")).status_code == 200


async def test_home_page_and_me_when_anonymous(app: FastAPI, settings: Settings) -> None:
    async with browser(app, settings.base_url) as client:
        me = await client.get("/auth/me")
        assert me.status_code == 401
        assert me.json()["error"] == "unauthorized"
        assert "set-cookie" not in me.headers
