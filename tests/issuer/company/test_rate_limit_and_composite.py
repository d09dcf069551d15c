"""Rate limiter (injected clock), composite registry fallbacks, cache and staleness."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import timedelta
from typing import TypeVar

import httpx
import pytest

from issuer.company.composite import CompositeRegistry, RegistryConfig
from issuer.company.errors import (
    NotFound,
    NotProvided,
    RegistryConfigurationError,
    RegistryError,
    RegistryUnavailable,
    StaleData,
)
from issuer.company.factory import build_registry
from issuer.company.models import Establishment, LegalUnit, Mandates
from issuer.company.offline import OfflineRegistry
from issuer.company.rate_limit import RateLimiter

from .conftest import FakeClock

T = TypeVar("T")


def run(awaitable: Awaitable[T]) -> T:
    async def main() -> T:
        return await awaitable

    return asyncio.run(main())


def test_rate_limiter_sliding_window(clock: FakeClock) -> None:
    limiter = RateLimiter(3, 1.0, monotonic=clock.monotonic, sleep=clock.sleep)

    async def scenario() -> None:
        for _ in range(3):
            await limiter.acquire()
        assert clock.sleeps == []
        clock.advance(0.4)
        await limiter.acquire()
        assert clock.sleeps == [pytest.approx(0.6)]
        clock.advance(5)
        await limiter.acquire()
        assert len(clock.sleeps) == 1

    run(scenario())


def test_rate_limiter_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        RateLimiter(0)


class Failing:
    """A source that always fails with the given error."""

    name = "failing"

    def __init__(self, error: RegistryError) -> None:
        self.error = error
        self.calls = 0

    async def legal_unit(self, siren: str) -> LegalUnit:
        self.calls += 1
        raise self.error

    async def establishment(self, siret: str) -> Establishment:
        self.calls += 1
        raise self.error

    async def mandates(self, siren: str) -> Mandates:
        self.calls += 1
        raise self.error


class Switchable:
    """Wraps a registry; fails while ``down`` is set."""

    name = "switchable"

    def __init__(self, inner: OfflineRegistry) -> None:
        self.inner = inner
        self.down = False
        self.calls = 0

    def _check(self) -> None:
        self.calls += 1
        if self.down:
            raise RegistryUnavailable(source="switchable")

    async def legal_unit(self, siren: str) -> LegalUnit:
        self._check()
        return await self.inner.legal_unit(siren)

    async def establishment(self, siret: str) -> Establishment:
        self._check()
        return await self.inner.establishment(siret)

    async def mandates(self, siren: str) -> Mandates:
        self._check()
        return await self.inner.mandates(siren)


def test_falls_back_to_the_next_source(clock: FakeClock) -> None:
    down = Failing(RegistryUnavailable(source="rne"))
    not_provided = Failing(NotProvided("mandates", source="insee-sirene"))
    composite = CompositeRegistry(
        [down, OfflineRegistry(clock=clock)],
        [not_provided, down, OfflineRegistry(clock=clock)],
        clock=clock,
    )
    unit = run(composite.legal_unit("918453721"))
    assert unit.freshness.source == "offline:recherche-entreprises"
    mandates = run(composite.mandates("918453721"))
    assert mandates.freshness.source == "offline:rne"
    assert not_provided.calls == 1


def test_not_found_is_an_answer(clock: FakeClock) -> None:
    second = Failing(RegistryUnavailable(source="x"))
    composite = CompositeRegistry([OfflineRegistry(clock=clock), second], [second], clock=clock)
    with pytest.raises(NotFound):
        run(composite.legal_unit("404833048"))
    assert second.calls == 0


def test_all_sources_failing_raise_the_last_error(clock: FakeClock) -> None:
    composite = CompositeRegistry(
        [Failing(NotProvided("x", source="a")), Failing(RegistryUnavailable(source="b"))],
        [Failing(RegistryUnavailable(source="c"))],
        clock=clock,
    )
    with pytest.raises(RegistryUnavailable) as caught:
        run(composite.legal_unit("918453721"))
    assert caught.value.source == "b"


def test_cache_ttl_then_stale_if_error_then_stale_data(clock: FakeClock) -> None:
    source = Switchable(OfflineRegistry(clock=clock))
    composite = CompositeRegistry(
        [source],
        [source],
        cache_ttl=timedelta(minutes=10),
        max_age=timedelta(hours=2),
        clock=clock,
    )
    run(composite.legal_unit("918453721"))
    clock.advance(300)
    run(composite.legal_unit("918453721"))
    assert source.calls == 1
    clock.advance(600)
    source.down = True
    served = run(composite.legal_unit("918453721"))
    assert served.freshness.source == "offline:recherche-entreprises"
    assert source.calls == 2
    clock.advance(2 * 3600)
    with pytest.raises(StaleData) as caught:
        run(composite.legal_unit("918453721"))
    assert caught.value.message_en == "data from offline:recherche-entreprises older than 2 hours"


def test_factory_builds_the_configured_sources(clock: FakeClock) -> None:
    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            registry = build_registry(RegistryConfig(), http, clock=clock)
            unit = await registry.legal_unit("527184634")
            assert unit.legal_name == "BOULANGERIE L'EPI D'OR"
            with pytest.raises(RegistryConfigurationError):
                build_registry(RegistryConfig(mandate_sources=("rne",)), http)
            with pytest.raises(RegistryConfigurationError):
                build_registry(RegistryConfig(identity_sources=("kbis-scraper",)), http)
            full = RegistryConfig(
                identity_sources=("recherche-entreprises", "insee-sirene"),
                mandate_sources=("rne", "api-entreprise"),
                insee_api_key="k",
                api_entreprise_token="t",
                api_entreprise_recipient="13009874200013",
                rne_username="u",
                rne_password="p",
            )
            assert build_registry(full, http, clock=clock).name == "composite"
            assert "rne_password" not in repr(full)

    run(scenario())
