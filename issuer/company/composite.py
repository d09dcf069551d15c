"""Composing registers by configuration: which source answers what, with fallbacks.

:class:`RegistryConfig` is a plain dataclass (the ``attestia`` composition layer maps its
settings onto it). :class:`CompositeRegistry` asks the identity sources (legal units and
establishments) and the mandate sources in order, falling back to the next one when a
source is unavailable, rate limited, malformed, or does not provide that data. A
``NotFound`` from a source is an answer, not a failure, and stops the search.

Answers are cached for ``cache_ttl`` (injected clock). When every source fails, a cached
answer younger than ``max_age`` is served (stale-if-error); an older one raises
:class:`StaleData`, and without any, the last source's error is raised.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from issuer.company.errors import NotFound, RegistryConfigurationError, RegistryError, StaleData
from issuer.company.models import DataFreshness, Establishment, LegalUnit, Mandates
from issuer.company.registry import CompanyRegistry
from issuer.company.transport import Clock, utc_now

T = TypeVar("T", LegalUnit, Establishment, Mandates)


@dataclass(frozen=True, slots=True)
class RegistryConfig:
    """Which sources to use and how long their answers stay usable.

    ``identity_sources`` and ``mandate_sources`` name registries in fallback order (e.g.
    ``("recherche-entreprises",)`` and ``("rne", "api-entreprise")``).
    """

    identity_sources: tuple[str, ...] = ("offline",)
    mandate_sources: tuple[str, ...] = ("offline",)
    timeout_seconds: float = 5.0
    cache_ttl: timedelta = timedelta(minutes=15)
    max_age: timedelta = timedelta(hours=24)
    user_agent: str | None = None
    insee_api_key: str | None = None
    api_entreprise_token: str | None = None
    api_entreprise_recipient: str | None = None
    api_entreprise_context: str = "Attestia"
    api_entreprise_object: str = "Attestation de l'identité d'une organisation"
    rne_username: str | None = None
    rne_password: str | None = field(default=None, repr=False)


@dataclass(slots=True)
class _Entry(Generic[T]):
    value: T
    stored_at: datetime


class TtlCache(Generic[T]):
    """A small in-process cache keyed by identifier, timed by the injected clock."""

    def __init__(self, ttl: timedelta, clock: Clock) -> None:
        self.ttl = ttl
        self._clock = clock
        self._entries: dict[str, _Entry[T]] = {}

    def fresh(self, key: str) -> T | None:
        entry = self._entries.get(key)
        if entry is None or self._clock() - entry.stored_at > self.ttl:
            return None
        return entry.value

    def any(self, key: str) -> _Entry[T] | None:
        return self._entries.get(key)

    def put(self, key: str, value: T) -> None:
        self._entries[key] = _Entry(value, self._clock())


def _freshness(value: LegalUnit | Establishment | Mandates) -> DataFreshness:
    return value.freshness


class CompositeRegistry:
    """:class:`CompanyRegistry` that tries configured sources in order, with a cache."""

    name = "composite"

    def __init__(
        self,
        identity_sources: Sequence[CompanyRegistry],
        mandate_sources: Sequence[CompanyRegistry],
        *,
        cache_ttl: timedelta = timedelta(minutes=15),
        max_age: timedelta = timedelta(hours=24),
        clock: Clock = utc_now,
    ) -> None:
        if not identity_sources or not mandate_sources:
            raise RegistryConfigurationError("at least one identity and one mandate source")
        self._identity = tuple(identity_sources)
        self._mandate = tuple(mandate_sources)
        self._max_age = max_age
        self._clock = clock
        self._units: TtlCache[LegalUnit] = TtlCache(cache_ttl, clock)
        self._establishments: TtlCache[Establishment] = TtlCache(cache_ttl, clock)
        self._mandates: TtlCache[Mandates] = TtlCache(cache_ttl, clock)

    async def _ask(
        self,
        key: str,
        cache: TtlCache[T],
        sources: Sequence[CompanyRegistry],
        call: Callable[[CompanyRegistry], Awaitable[T]],
    ) -> T:
        cached = cache.fresh(key)
        if cached is not None:
            return cached
        last: RegistryError | None = None
        for source in sources:
            try:
                value = await call(source)
            except NotFound:
                raise
            except RegistryError as error:
                last = error
                continue
            cache.put(key, value)
            return value
        return self._stale_or_raise(key, cache, last)

    def _stale_or_raise(self, key: str, cache: TtlCache[T], last: RegistryError | None) -> T:
        entry = cache.any(key)
        if entry is not None:
            freshness = _freshness(entry.value)
            age = self._clock() - freshness.fetched_at
            if age <= self._max_age:
                return entry.value
            raise StaleData(
                source=freshness.source,
                age_hours=age.total_seconds() / 3600,
                max_age_hours=self._max_age.total_seconds() / 3600,
            )
        assert last is not None
        raise last

    async def legal_unit(self, siren: str) -> LegalUnit:
        return await self._ask(
            siren, self._units, self._identity, lambda source: source.legal_unit(siren)
        )

    async def establishment(self, siret: str) -> Establishment:
        return await self._ask(
            siret,
            self._establishments,
            self._identity,
            lambda source: source.establishment(siret),
        )

    async def mandates(self, siren: str) -> Mandates:
        return await self._ask(
            siren, self._mandates, self._mandate, lambda source: source.mandates(siren)
        )
