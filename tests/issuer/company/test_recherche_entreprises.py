"""API Recherche d'entreprises client against recorded responses (respx, no network)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

import httpx
import pytest
import respx

from issuer.company.errors import (
    InvalidIdentifier,
    MalformedResponse,
    NotFound,
    RateLimited,
    RegistryUnavailable,
)
from issuer.company.rate_limit import RateLimiter
from issuer.company.recherche_entreprises import BASE_URL, RechercheEntreprisesRegistry
from issuer.company.transport import RetryPolicy

from .conftest import FakeClock, recording

T = TypeVar("T")
SEARCH = f"{BASE_URL}/search"


def run(awaitable: Awaitable[T]) -> T:
    async def main() -> T:
        return await awaitable

    return asyncio.run(main())


def registry(clock: FakeClock, http: httpx.AsyncClient) -> RechercheEntreprisesRegistry:
    return RechercheEntreprisesRegistry(
        http,
        timeout=2.0,
        limiter=RateLimiter(7, monotonic=clock.monotonic, sleep=clock.sleep),
        retry=RetryPolicy(max_retries=2, max_wait=5.0),
        clock=clock,
        sleep=clock.sleep,
        user_agent="Attestia-tests/1.0 (ops@attestia.example)",
    )


@respx.mock
def test_legal_unit_establishment_and_dirigeants(clock: FakeClock) -> None:
    route = respx.get(SEARCH).mock(
        return_value=httpx.Response(
            200, json=recording("recherche_entreprises_search_918453721.json")
        )
    )

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            source = registry(clock, http)
            unit = await source.legal_unit("918 453 721")
            assert unit.legal_name == "ATELIERS NUMERIQUES DU LITTORAL"
            assert unit.legal_form.code == "5710"
            assert unit.legal_form.label == "SAS, société par actions simplifiée"
            assert unit.category == "company"
            assert unit.status == "active"
            assert unit.vat_number == "FR30918453721"
            assert unit.freshness.source == "recherche-entreprises"
            assert unit.freshness.fetched_at == clock.now
            branch = await source.establishment("91845372100022")
            assert branch.address.street == "3 QUAI DU PORT IMAGINAIRE"
            assert branch.address.commune_code == "29019"
            assert not branch.head_office
            mandates = await source.mandates("918453721")
            first = mandates.items[0]
            assert first.role_label == "Président de SAS"
            assert first.birth_date is not None
            assert first.birth_date.isoformat() == "1978-04"

    run(scenario())
    assert route.call_count == 3
    request = route.calls[0].request
    assert request.url.params["q"] == "918453721"
    assert request.headers["User-Agent"] == "Attestia-tests/1.0 (ops@attestia.example)"


@respx.mock
def test_empty_results_is_not_found(clock: FakeClock) -> None:
    respx.get(SEARCH).mock(
        return_value=httpx.Response(200, json=recording("recherche_entreprises_search_empty.json"))
    )

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            await registry(clock, http).legal_unit("527184634")

    with pytest.raises(NotFound) as caught:
        run(scenario())
    assert caught.value.message_fr == "Aucune organisation trouvée pour 527184634"


def test_malformed_identifier_is_refused_before_any_request(clock: FakeClock) -> None:
    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            await registry(clock, http).legal_unit("918453722")

    with respx.mock(assert_all_called=False) as mock, pytest.raises(InvalidIdentifier):
        run(scenario())
    assert not mock.calls


@respx.mock
def test_429_retry_after_is_honoured_then_succeeds(clock: FakeClock) -> None:
    route = respx.get(SEARCH).mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "2"}),
            httpx.Response(200, json=recording("recherche_entreprises_search_918453721.json")),
        ]
    )

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            await registry(clock, http).legal_unit("918453721")

    run(scenario())
    assert route.call_count == 2
    assert clock.sleeps == [2.0]


@respx.mock
def test_429_retry_after_http_date_and_cap(clock: FakeClock) -> None:
    respx.get(SEARCH).mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "Mon, 01 Jun 2026 09:00:03 GMT"}),
            httpx.Response(429, headers={"Retry-After": "3600"}),
            httpx.Response(429),
        ]
    )

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            await registry(clock, http).legal_unit("918453721")

    with pytest.raises(RateLimited) as caught:
        run(scenario())
    assert clock.sleeps == [3.0, 5.0]
    assert caught.value.code == "rate_limited"
    assert "limite" in caught.value.message_fr


@pytest.mark.parametrize("status", [500, 502, 503, 401])
@respx.mock
def test_server_errors_are_unavailable(clock: FakeClock, status: int) -> None:
    respx.get(SEARCH).mock(return_value=httpx.Response(status, text="oops"))

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            await registry(clock, http).legal_unit("918453721")

    with pytest.raises(RegistryUnavailable) as caught:
        run(scenario())
    assert caught.value.code == "source_unavailable"
    assert caught.value.message_en == "data source recherche-entreprises is unavailable"


@respx.mock
def test_bad_request_body_is_unavailable(clock: FakeClock) -> None:
    respx.get(SEARCH).mock(
        return_value=httpx.Response(400, json=recording("recherche_entreprises_400.json"))
    )

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            await registry(clock, http).legal_unit("918453721")

    with pytest.raises(RegistryUnavailable):
        run(scenario())


@pytest.mark.parametrize(
    "error", [httpx.ReadTimeout("slow"), httpx.ConnectTimeout("slow"), httpx.ConnectError("no")]
)
@respx.mock
def test_timeouts_and_network_errors_are_unavailable(
    clock: FakeClock, error: httpx.HTTPError
) -> None:
    respx.get(SEARCH).mock(side_effect=error)

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            await registry(clock, http).legal_unit("918453721")

    with pytest.raises(RegistryUnavailable):
        run(scenario())


@pytest.mark.parametrize(
    "response",
    [
        pytest.param(httpx.Response(200, text="<html>maintenance</html>"), id="not-json"),
        pytest.param(httpx.Response(200, json=[1, 2]), id="not-an-object"),
        pytest.param(httpx.Response(200, json={"results": {"siren": "x"}}), id="results-object"),
        pytest.param(
            httpx.Response(
                200, json={"results": [{"siren": "918453721", "etat_administratif": "Z"}]}
            ),
            id="unknown-status",
        ),
    ],
)
@respx.mock
def test_malformed_bodies(clock: FakeClock, response: httpx.Response) -> None:
    respx.get(SEARCH).mock(return_value=response)

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            await registry(clock, http).legal_unit("918453721")

    with pytest.raises(MalformedResponse):
        run(scenario())


@respx.mock
def test_the_default_client_is_rate_limited_to_seven_per_second(clock: FakeClock) -> None:
    body = recording("recherche_entreprises_search_918453721.json")
    route = respx.get(SEARCH).mock(return_value=httpx.Response(200, json=body))

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            source = registry(clock, http)
            for _ in range(15):
                await source.legal_unit("918453721")

    run(scenario())
    assert route.call_count == 15
    assert len(clock.sleeps) == 2
    assert sum(clock.sleeps) == pytest.approx(2.0)
