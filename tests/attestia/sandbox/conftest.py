"""A browser (httpx following redirects, keeping cookies) against the app in process."""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI

from attestia.app import create_app
from attestia.sandbox.proconnect import SandboxProvider
from attestia.services import Services

INTERACTION = re.compile(r'name="interaction" value="([^"]+)"')


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def app(services: Services) -> FastAPI:
    return create_app(services.settings, services=services)


@pytest.fixture
def provider(app: FastAPI) -> SandboxProvider:
    sandbox: SandboxProvider = app.state.proconnect_sandbox
    return sandbox


def browser(app: FastAPI, base_url: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=base_url, follow_redirects=True
    )


@dataclass
class Picker:
    """The sandbox's persona picker page, reached from ``/auth/login``."""

    response: httpx.Response

    @property
    def interaction(self) -> str:
        found = INTERACTION.search(self.response.text)
        assert found, self.response.text[:500]
        return found.group(1)


async def open_picker(
    client: httpx.AsyncClient, *, next_path: str = "/auth/me", certification: bool = False
) -> Picker:
    params = {"next": next_path}
    if certification:
        params["certification"] = "1"
    response = await client.get("/auth/login", params=params)
    assert response.status_code == 200, response.text[:500]
    assert "/sandbox/proconnect/api/v2/authorize" in str(response.url)
    return Picker(response)


async def choose(
    client: httpx.AsyncClient,
    picker: Picker,
    persona: str,
    *,
    siret: str,
    acr: str,
    follow: bool = True,
) -> httpx.Response:
    return await client.post(
        "/sandbox/proconnect/api/v2/interaction",
        data={
            "interaction": picker.interaction,
            "persona": persona,
            "siret": siret,
            "acr": acr,
            "action": "login",
        },
        follow_redirects=follow,
    )
