"""An in-process issuer (the real app, minter and catalogue) and a wallet talking to it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import issuer.oid4vci.models
import issuer.status.models
from attestia.app import create_app
from attestia.sandbox.personas import load_personas
from attestia.settings import load_settings
from credentials.jsonld import ContextRegistry
from issuer.catalogue.vocabulary import register
from issuer.db import IssuerBase
from issuer.gaia_x import gaia_x_registry
from issuer.oid4vci.context import Oid4vciContext
from issuer.oid4vci.credential_offer import Offer, create_offer
from issuer.web.oid4vci import context_for
from tests.issuer.minting.samples import claims_for
from tests.wallet import Wallet
from tests.wallet.verify import IssuerKeys

BASE_URL = "http://testserver"
PERSONA = "presidente-sas"


def persona_sub(persona: str = PERSONA) -> str:
    return str(load_personas().get(persona).userinfo()["sub"])


@dataclass
class Issuer:
    app: FastAPI
    client: TestClient

    @property
    def ctx(self) -> Oid4vciContext:
        return context_for(self.app)

    def kind_of(self, configuration_id: str) -> str:
        return str(self.app.state.issuer.catalogue.get(configuration_id).kind_name)

    def format_of(self, configuration_id: str) -> str:
        return str(self.app.state.issuer.catalogue.get(configuration_id).format)

    def binds_holder(self, configuration_id: str) -> bool:
        """False for Gaia-X builder configurations (their subject is the company)."""
        return self.app.state.issuer.catalogue.get(configuration_id).builder is None

    def configuration_ids(self) -> list[str]:
        return sorted(self.app.state.issuer.catalogue.configurations)

    def offer(
        self,
        configuration_ids: list[str],
        *,
        grant: str = "pre-authorized_code",
        tx_code: bool = True,
        ttl: int | None = None,
        pending: bool = False,
        sub: str | None = None,
    ) -> Offer:
        claims: dict[str, Any] = {
            cid: None if pending else claims_for(self.kind_of(cid)) for cid in configuration_ids
        }
        with self.ctx.sessions.begin() as session:
            return create_offer(
                self.ctx,
                session,
                configuration_ids=configuration_ids,
                claims_by_configuration=claims,
                subject={"sub": sub or persona_sub(), "siret": "91845372100014"},
                grant=grant,  # type: ignore[arg-type]
                tx_code=tx_code,
                ttl=ttl,
            )

    def wallet(self, *, dpop: bool = False) -> Wallet:
        wallet = Wallet(self.client, use_dpop=dpop)
        wallet.discover(BASE_URL)
        return wallet

    def keys(self) -> IssuerKeys:
        return IssuerKeys(self.client, BASE_URL)

    @property
    def registry(self) -> ContextRegistry:
        """The standard contexts, the project vocabulary and the Gaia-X contexts."""
        return gaia_x_registry(register(ContextRegistry.standard()))


def make_issuer(tmp_path: Path, **settings: Any) -> Iterator[Issuer]:
    config = load_settings(data_dir=tmp_path / "var", base_url=BASE_URL, **settings)
    app = create_app(config)
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as client:
        IssuerBase.metadata.create_all(app.state.services.engine)
        issuer = Issuer(app, client)
        issuer.ctx  # noqa: B018  (builds the context and the issuer services)
        yield issuer


@pytest.fixture
def issuer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Issuer]:
    monkeypatch.chdir(tmp_path)
    yield from make_issuer(tmp_path)


@pytest.fixture
def issuer_each_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str
) -> Iterator[Issuer]:
    """The in-process issuer on SQLite and, when configured, on PostgreSQL (whose token
    and nonce statements differ: autocommit, ``WITH … UPDATE``)."""
    monkeypatch.chdir(tmp_path)
    yield from make_issuer(tmp_path, database_url=database_url)
