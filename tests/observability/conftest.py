"""The whole app in process over a temporary SQLite database, with a verifier whose
outbound fetches (did:web, status lists) are answered by the same app."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from attestia.app import create_app
from attestia.cli_verify import deployment_trust, verifier_services_for
from attestia.settings import Settings, load_settings
from attestia.web.metrics import observe_verifier
from credentials.net.fetcher import FetchedDocument

BASE_URL = "http://testserver"


class AppFetcher:
    """A :class:`credentials.net.fetcher.Fetcher` that asks the app under test."""

    def __init__(self, client: TestClient) -> None:
        self._client = client

    def fetch(self, url: str, *, accept: str, max_bytes: int) -> FetchedDocument:
        response = self._client.get(url, headers={"Accept": accept})
        return FetchedDocument(
            response.status_code,
            response.headers.get("content-type"),
            response.content[:max_bytes],
            dict(response.headers),
            url,
        )


@dataclass
class Deployment:
    app: FastAPI
    client: TestClient
    settings: Settings

    @property
    def data_dir(self) -> Path:
        return self.settings.data_dir

    @property
    def http(self) -> httpx.Client:
        """The test client as the wallets type it (Starlette's is an ``httpx2.Client``,
        the same API under another package name)."""
        return cast(httpx.Client, self.client)


@contextmanager
def deployment(tmp_path: Path, **overrides: Any) -> Iterator[Deployment]:
    """The app for ``load_settings(**overrides)``, started; stopped on exit."""
    settings = load_settings(data_dir=tmp_path / "var", base_url=BASE_URL, **overrides)
    app = create_app(settings)
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as client:
        app.state.verifier = verifier_services_for(
            settings,
            trust=deployment_trust(settings, app.state.services.sessions),
            fetcher=AppFetcher(client),
        )
        observe_verifier(app)
        yield Deployment(app, client, settings)


@pytest.fixture
def deployed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Deployment]:
    monkeypatch.chdir(tmp_path)
    with deployment(tmp_path) as started:
        yield started


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Put the root logger and the loggers ``configure_logging`` touches back as they were."""
    names = ["", "uvicorn", "uvicorn.error", "uvicorn.access", "sqlalchemy", "httpx", "httpcore"]
    saved = {
        name: (
            logging.getLogger(name).handlers[:],
            logging.getLogger(name).level,
            logging.getLogger(name).propagate,
        )
        for name in names
    }
    yield
    for name, (handlers, level, propagate) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers = handlers
        logger.setLevel(level)
        logger.propagate = propagate
