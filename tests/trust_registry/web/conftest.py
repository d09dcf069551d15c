"""The whole application in process, reached over HTTP with real server-side sessions.

Logins go through ``/auth/login`` → the sandbox ProConnect persona picker → ``/auth/callback``
with an httpx client that follows redirects and keeps cookies, like a browser.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from attestia.app import create_app
from attestia.registry_bootstrap import bootstrap_dev_registry
from attestia.sandbox.personas import load_personas
from attestia.services import Services, build_services
from attestia.settings import Settings, load_settings
from trust_registry.admins import add_administrator
from trust_registry.models import AuditEntry
from trust_registry.web import RegistryWebHooks

ADMIN_PERSONA = "administrateur-registre"
AUDITOR_PERSONA = "salarie-sans-mandat"
OUTSIDER_PERSONA = "gerant-sarl"
INTERACTION = re.compile(r'name="interaction" value="([^"]+)"')
CSRF = re.compile(r'(?:name="csrf_token" value|data-csrf-token)="([^"]+)"')
ISSUER_DID = "did:web:emetteur.example.fr"
SIREN = "130025265"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def settings(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.chdir(tmp_path)
    return load_settings(data_dir=tmp_path / "var", database_url=database_url)


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    built = build_services(settings)
    yield built
    built.engine.dispose()


class Clock:
    """The registry's injected clock, movable by tests."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(services: Services, clock: Clock) -> FastAPI:
    bootstrap_dev_registry(services, now=clock.now)
    with services.sessions() as db:
        persona = load_personas().get(AUDITOR_PERSONA)
        add_administrator(
            db,
            email=persona.claims.email,
            role="auditor",
            actor="test",
            now=clock.now,
        )
        db.commit()
    application = create_app(services.settings, services=services)
    hooks: RegistryWebHooks = application.state.registry_web
    application.state.registry_web = replace(hooks, clock=clock)
    return application


def browser(app: FastAPI, base_url: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=base_url, follow_redirects=True
    )


async def login(
    client: httpx.AsyncClient, persona_id: str, next_path: str = "/registry/admin/"
) -> httpx.Response:
    """Log in through the sandbox persona picker and land on ``next_path``."""
    persona = load_personas().get(persona_id)
    picker = await client.get("/auth/login", params={"next": next_path})
    assert picker.status_code == 200, picker.text[:500]
    found = INTERACTION.search(picker.text)
    assert found, picker.text[:500]
    return await client.post(
        "/sandbox/proconnect/api/v2/interaction",
        data={
            "interaction": found.group(1),
            "persona": persona.id,
            "siret": persona.default_siret,
            "acr": persona.acr_values[0],
            "action": "login",
        },
    )


def csrf_of(page: httpx.Response) -> str:
    found = CSRF.search(page.text)
    assert found, page.text[:800]
    return found.group(1)


def audit_count(services: Services) -> int:
    with services.sessions() as db:
        return int(db.scalar(select(func.count()).select_from(AuditEntry)) or 0)
