"""A logged-in browser against the app in process: ``TestClient`` follows redirects and
keeps cookies, through ``/auth/login`` and the sandbox's persona picker."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from attestia.app import create_app
from attestia.sandbox.personas import CERTIFICATION_DIRIGEANT_ACR
from attestia.services import Services, build_services
from attestia.settings import Settings, load_settings
from issuer.company import (
    CompanyRegistry,
    Establishment,
    LegalUnit,
    Mandates,
    OfflineRegistry,
    RegistryUnavailable,
)
from issuer.oid4vci.models import OfferRow

INTERACTION = re.compile(r'name="interaction" value="([^"]+)"')
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def settings(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.chdir(tmp_path)
    return load_settings(data_dir=tmp_path / "var", database_url=database_url)


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    built = build_services(settings)
    yield built
    built.engine.dispose()


@pytest.fixture
def app(services: Services) -> FastAPI:
    return create_app(services.settings, services=services)


@dataclass
class Browser:
    client: TestClient

    def login(
        self, persona: str, siret: str, *, certification: bool = False, next_path: str = "/issuer/"
    ) -> str:
        """Log in through the sandbox picker; returns the page ``next_path`` shows."""
        params = {"next": next_path} | ({"certification": "1"} if certification else {})
        picker = self.client.get("/auth/login", params=params)
        assert picker.status_code == 200, picker.text[:300]
        found = INTERACTION.search(picker.text)
        assert found, picker.text[:300]
        acr = CERTIFICATION_DIRIGEANT_ACR if certification else "eidas1"
        page = self.client.post(
            "/sandbox/proconnect/api/v2/interaction",
            data={
                "interaction": found.group(1),
                "persona": persona,
                "siret": siret,
                "acr": acr,
                "action": "login",
            },
        )
        assert page.url.path == next_path, (page.status_code, page.text[:300])
        return page.text

    def csrf(self, page: str) -> str:
        found = CSRF.search(page)
        assert found, page[:300]
        return found.group(1)


def browser_for(app: FastAPI, settings: Settings) -> Browser:
    return Browser(TestClient(app, base_url=settings.base_url))


@pytest.fixture
def browser(app: FastAPI, settings: Settings) -> Browser:
    return browser_for(app, settings)


def offer_count(services: Services) -> int:
    with services.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(OfferRow)) or 0)


class DownRegistry:
    """Every lookup fails as an unreachable source would."""

    name = "down"

    async def legal_unit(self, siren: str) -> LegalUnit:
        raise RegistryUnavailable(source="recherche-entreprises", detail="test outage")

    async def establishment(self, siret: str) -> Establishment:
        raise RegistryUnavailable(source="recherche-entreprises", detail="test outage")

    async def mandates(self, siren: str) -> Mandates:
        raise RegistryUnavailable(source="rne", detail="test outage")


class FrozenRegistry(OfflineRegistry):
    """The offline dataset, fetched long ago (stale beyond any maximum age)."""

    def __init__(self, fetched_at: datetime) -> None:
        super().__init__(clock=lambda: fetched_at)


def registry_of(app: FastAPI) -> CompanyRegistry:
    registry: CompanyRegistry = app.state.company_registry
    return registry
