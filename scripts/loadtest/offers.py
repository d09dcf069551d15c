"""Offers for the simulated wallets: created straight in the shared database before the
clock starts, handed out one per issuance, refilled during a run only if it outlasts them.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from attestia.cli_offer import persona_claims
from attestia.db import make_engine, make_session_factory
from issuer.catalogue import load_catalogue
from issuer.oid4vci.adapters import CatalogueAdapter
from issuer.oid4vci.config import Oid4vciConfig
from issuer.oid4vci.context import Oid4vciContext
from issuer.oid4vci.credential_offer import create_offer

PERSONA = "presidente-sas"


@dataclass(frozen=True, slots=True)
class PooledOffer:
    configuration_id: str
    pre_authorized_code: str
    tx_code: str


class _NoMinter:
    """The load process only creates offers; the servers mint."""

    def mint(self, *_: Any, **__: Any) -> Any:
        raise AssertionError("the load process does not mint credentials")


class OfferFactory:
    """Creates pre-authorized offers (with ``tx_code``) straight in the shared database, with
    :func:`issuer.oid4vci.credential_offer.create_offer` for a sandbox persona, as
    ``attestia offer create`` does."""

    def __init__(self, database_url: str, base_url: str) -> None:
        self.engine = make_engine(database_url)
        self.catalogue = load_catalogue(base_url)
        self.ctx = Oid4vciContext(
            config=Oid4vciConfig(credential_issuer=base_url),
            sessions=make_session_factory(self.engine),
            catalogue=CatalogueAdapter(self.catalogue),
            minter=_NoMinter(),
        )
        self._claims: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}

    def _for(self, configuration_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        if configuration_id not in self._claims:
            kind = self.catalogue.get(configuration_id).kind_name
            self._claims[configuration_id] = persona_claims(PERSONA, kind)
        return self._claims[configuration_id]

    def create(self, configuration_ids: Sequence[str], count: int) -> list[PooledOffer]:
        """``count`` offers, round robin over ``configuration_ids``, in one transaction."""
        made = []
        with self.ctx.sessions.begin() as session:
            for i in range(count):
                configuration_id = configuration_ids[i % len(configuration_ids)]
                claims, subject = self._for(configuration_id)
                offer = create_offer(
                    self.ctx,
                    session,
                    configuration_ids=[configuration_id],
                    claims_by_configuration={configuration_id: claims},
                    subject=subject,
                    ttl=3600,
                )
                assert offer.pre_authorized_code is not None
                assert offer.tx_code is not None
                made.append(PooledOffer(configuration_id, offer.pre_authorized_code, offer.tx_code))
        return made

    def close(self) -> None:
        self.engine.dispose()


class OfferPool:
    """The offers the wallets redeem: created before the clock starts (:meth:`fill`), and
    refilled during the run (:meth:`keep_filled`) only if the run outlasts them."""

    #: Offers created per transaction.
    BATCH = 1000

    def __init__(self, factory: OfferFactory, configurations: Sequence[str]) -> None:
        self.factory = factory
        self.configurations = tuple(configurations)
        self.queue: asyncio.Queue[PooledOffer] = asyncio.Queue()
        #: Offers created by :meth:`fill`, and the seconds that took.
        self.filled = 0
        self.fill_seconds = 0.0
        #: Offers created while the wallets ran (load-process work inside the measurement).
        self.refilled = 0

    async def fill(self, count: int, configurations: Sequence[str] | None = None) -> None:
        started = time.monotonic()
        for offset in range(0, count, self.BATCH):
            batch = await asyncio.to_thread(
                self.factory.create,
                configurations or self.configurations,
                min(self.BATCH, count - offset),
            )
            for offer in batch:
                self.queue.put_nowait(offer)
        self.filled += count
        self.fill_seconds += time.monotonic() - started

    async def get(self) -> PooledOffer:
        return await self.queue.get()

    async def keep_filled(self, low: int, done: asyncio.Event) -> None:
        """The fallback: tops the queue up when fewer than ``low`` offers are left."""
        while not done.is_set():
            if self.queue.qsize() < low:
                batch = await asyncio.to_thread(self.factory.create, self.configurations, 2 * low)
                for offer in batch:
                    self.queue.put_nowait(offer)
                self.refilled += len(batch)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), 0.05)
