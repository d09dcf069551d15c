"""The real app in process, over https://testserver, with a fetcher that reaches it.

The verifier's outbound fetches (did:web documents, the x5u chain) are routed to the same
in-process app, so the deployment verifies what it issues without any network.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from attestia.app import create_app
from attestia.cli_verify import verifier_services_for
from attestia.services import Services, build_services
from attestia.settings import Settings, load_settings
from credentials.net import FetchedDocument
from tests.conftest import SHARED
from tests.issuer.portal.conftest import Browser

BASE_URL = "https://testserver"
PERSONA = "presidente-sas"
SIRET = "91845372100014"
CSRF_PAGE = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class ClientFetcher:
    """:class:`credentials.net.Fetcher` over the in-process app."""

    client: TestClient

    def fetch(self, url: str, *, accept: str, max_bytes: int) -> FetchedDocument:
        response = self.client.get(url, headers={"Accept": accept})
        return FetchedDocument(
            response.status_code,
            response.headers.get("content-type"),
            response.content[:max_bytes],
            url=url,
        )


def gaia_x_settings(tmp_path: Path, **extra: Any) -> Settings:
    options: dict[str, Any] = {"data_dir": tmp_path / "var", "base_url": BASE_URL}
    if SHARED is not None and (SHARED / "gaia-x").is_dir():
        folder = SHARED / "gaia-x"
        options |= {
            "gaia_x_shapes": str(folder / "loire" / "gx.shacl.ttl"),
            "gaia_x_ontology": str(folder / "loire" / "gx.owl.ttl"),
            "gaia_x_tagus_shapes": str(folder / "tagus" / "trustframework_context.json"),
            "gaia_x_subdivision_codes_file": folder / "tagus" / "iso-3166-2-country-codes.json",
        }
    return load_settings({**options, **extra})


@dataclass
class Deployment:
    app: FastAPI
    client: TestClient
    services: Services
    settings: Settings

    def browser(self) -> Browser:
        return Browser(self.client)

    def logged_in(self, persona: str = PERSONA) -> Browser:
        browser = self.browser()
        # Gaia-X participant: the company's confirmed legal representative only (issue #8)
        browser.login(persona, SIRET, certification=True)
        return browser


def start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **extra: Any) -> Iterator[Deployment]:
    monkeypatch.chdir(tmp_path)
    settings = gaia_x_settings(tmp_path, **extra)
    services = build_services(settings)
    app = create_app(settings, services=services)
    try:
        with TestClient(app, base_url=BASE_URL) as client:
            app.state.verifier = verifier_services_for(
                settings, trust=None, fetcher=ClientFetcher(client)
            )
            yield Deployment(app, client, services, settings)
    finally:
        services.engine.dispose()


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """One deployment per module: loading the official Loire shapes takes seconds."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        yield from start(tmp_path_factory.mktemp("gaia-x"), monkeypatch)
