"""INSEE Sirene, API Entreprise and INPI RNE clients against recorded responses."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import date, timedelta
from typing import TypeVar

import httpx
import pytest
import respx

from issuer.company import api_entreprise, rne, sirene
from issuer.company.errors import MalformedResponse, NotFound, NotProvided, RegistryUnavailable

from .conftest import FakeClock, recording

T = TypeVar("T")


def run(awaitable: Awaitable[T]) -> T:
    async def main() -> T:
        return await awaitable

    return asyncio.run(main())


# --- INSEE Sirene 3.11 -------------------------------------------------------------------


@respx.mock
def test_sirene_establishment_reads_the_current_period(clock: FakeClock) -> None:
    route = respx.get(f"{sirene.BASE_URL}/siret/91845372100022").mock(
        return_value=httpx.Response(200, json=recording("sirene_siret_91845372100022.json"))
    )

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            source = sirene.SireneRegistry(http, api_key="k-123", clock=clock)
            found = await source.establishment("91845372100022")
            assert found.status == "active"
            assert found.naf == "62.01Z"
            assert found.address.postal_code == "29200"
            assert found.address.street == "3 QUAI DU PORT IMAGINAIRE"

    run(scenario())
    assert route.calls[0].request.headers[sirene.API_KEY_HEADER] == "k-123"


@respx.mock
def test_sirene_ceased_legal_unit(clock: FakeClock) -> None:
    respx.get(f"{sirene.BASE_URL}/siren/810773242").mock(
        return_value=httpx.Response(200, json=recording("sirene_siren_810773242.json"))
    )

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            unit = await sirene.SireneRegistry(http, api_key="k", clock=clock).legal_unit(
                "810773242"
            )
            assert unit.status == "ceased"
            assert unit.cessation_date == date(2024, 3, 1)
            assert unit.head_office_siret == "81077324200013"
            assert unit.legal_name == "START-UP EPHEMERE"

    run(scenario())


@respx.mock
def test_sirene_404_and_no_mandates(clock: FakeClock) -> None:
    respx.get(f"{sirene.BASE_URL}/siret/52718463400022").mock(
        return_value=httpx.Response(404, json=recording("sirene_404.json"))
    )

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            source = sirene.SireneRegistry(http, api_key="k", clock=clock)
            with pytest.raises(NotProvided):
                await source.mandates("527184634")
            await source.establishment("52718463400022")

    with pytest.raises(NotFound):
        run(scenario())


@respx.mock
def test_sirene_without_current_period_is_malformed(clock: FakeClock) -> None:
    document = recording("sirene_siret_91845372100022.json")
    for period in document["etablissement"]["periodesEtablissement"]:
        period["dateFin"] = "2025-01-01"
    respx.get(f"{sirene.BASE_URL}/siret/91845372100022").mock(
        return_value=httpx.Response(200, json=document)
    )

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            await sirene.SireneRegistry(http, api_key="k", clock=clock).establishment(
                "91845372100022"
            )

    with pytest.raises(MalformedResponse):
        run(scenario())


# --- API Entreprise v3 -------------------------------------------------------------------


def _api_entreprise(
    http: httpx.AsyncClient, clock: FakeClock
) -> api_entreprise.ApiEntrepriseRegistry:
    return api_entreprise.ApiEntrepriseRegistry(
        http,
        token="tok-abc",
        recipient="13009874200013",
        context="Attestia",
        purpose="attestation",
        clock=clock,
    )


@respx.mock
def test_api_entreprise_sends_token_and_mandatory_parameters(clock: FakeClock) -> None:
    base = f"{api_entreprise.BASE_URL}/v3"
    units = respx.get(f"{base}/insee/sirene/unites_legales/527184634").mock(
        return_value=httpx.Response(
            200, json=recording("api_entreprise_unite_legale_527184634.json")
        )
    )
    respx.get(f"{base}/insee/sirene/etablissements/52718463400014").mock(
        return_value=httpx.Response(
            200, json=recording("api_entreprise_etablissement_52718463400014.json")
        )
    )
    respx.get(f"{base}/infogreffe/rcs/unites_legales/527184634/mandataires_sociaux").mock(
        return_value=httpx.Response(
            200, json=recording("api_entreprise_mandataires_527184634.json")
        )
    )

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            source = _api_entreprise(http, clock)
            unit = await source.legal_unit("527184634")
            assert unit.legal_form.label == (
                "Société à responsabilité limitée (sans autre indication)"
            )
            assert unit.creation_date == date(2012, 9, 13)
            assert unit.freshness.source_updated_at == date(2024, 5, 4)
            found = await source.establishment("52718463400014")
            assert found.head_office
            assert found.address.commune_code == "35238"
            mandates = await source.mandates("527184634")
            person, company = mandates.items
            assert person.name is not None
            assert person.name.given_names == ("ELOISE", "MARIE")
            assert person.birth_date is not None
            assert person.birth_date.isoformat() == "1983-01-27"
            assert company.person_type == "legal_person"
            assert company.company_siren == "833607211"

    run(scenario())
    request = units.calls[0].request
    assert request.headers["Authorization"] == "Bearer tok-abc"
    assert dict(request.url.params) == {
        "recipient": "13009874200013",
        "context": "Attestia",
        "object": "attestation",
    }


@pytest.mark.parametrize(
    ("status", "name", "error"),
    [
        (404, "api_entreprise_404.json", NotFound),
        (502, "api_entreprise_404.json", RegistryUnavailable),
    ],
)
@respx.mock
def test_api_entreprise_errors(
    clock: FakeClock, status: int, name: str, error: type[Exception]
) -> None:
    respx.get(url__startswith=api_entreprise.BASE_URL).mock(
        return_value=httpx.Response(status, json=recording(name))
    )

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            await _api_entreprise(http, clock).legal_unit("527184634")

    with pytest.raises(error):
        run(scenario())


# --- INPI RNE ------------------------------------------------------------------------------


def _rne(http: httpx.AsyncClient, clock: FakeClock) -> rne.RneRegistry:
    return rne.RneRegistry(http, username="u@example.org", password="pw", clock=clock)


@respx.mock
def test_rne_login_token_is_cached_until_expiry(clock: FakeClock) -> None:
    login = respx.post(f"{rne.BASE_URL}/sso/login").mock(
        return_value=httpx.Response(200, json=recording("rne_login.json"))
    )
    company = respx.get(f"{rne.BASE_URL}/companies/902615871").mock(
        return_value=httpx.Response(200, json=recording("rne_company_902615871.json"))
    )

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            source = _rne(http, clock)
            await source.mandates("902615871")
            clock.advance(timedelta(days=2).total_seconds())
            await source.legal_unit("902615871")
            assert login.call_count == 1
            clock.advance(timedelta(days=1).total_seconds())
            await source.mandates("902615871")
            assert login.call_count == 2

    run(scenario())
    assert login.calls[0].request.read() == b'{"username":"u@example.org","password":"pw"}'
    token = recording("rne_login.json")["token"]
    assert company.calls[0].request.headers["Authorization"] == f"Bearer {token}"


@respx.mock
def test_rne_logs_in_again_after_a_401(clock: FakeClock) -> None:
    login = respx.post(f"{rne.BASE_URL}/sso/login").mock(
        return_value=httpx.Response(200, json={"token": "opaque-token"})
    )
    respx.get(f"{rne.BASE_URL}/companies/902615871").mock(
        side_effect=[
            httpx.Response(401, json={"message": "Expired JWT Token"}),
            httpx.Response(200, json=recording("rne_company_902615871.json")),
        ]
    )

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            await _rne(http, clock).legal_unit("902615871")

    run(scenario())
    assert login.call_count == 2


@respx.mock
def test_rne_login_without_token_is_malformed(clock: FakeClock) -> None:
    respx.post(f"{rne.BASE_URL}/sso/login").mock(return_value=httpx.Response(200, json={}))

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            await _rne(http, clock).legal_unit("902615871")

    with pytest.raises(MalformedResponse):
        run(scenario())


@respx.mock
def test_rne_pouvoirs_legal_person_and_entrepreneur(clock: FakeClock) -> None:
    respx.post(f"{rne.BASE_URL}/sso/login").mock(
        return_value=httpx.Response(200, json={"token": "t"})
    )
    for siren in ("902615871", "842937518", "810773242"):
        respx.get(f"{rne.BASE_URL}/companies/{siren}").mock(
            return_value=httpx.Response(200, json=recording(f"rne_company_{siren}.json"))
        )

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            source = _rne(http, clock)
            subsidiary = await source.mandates("902615871")
            president = subsidiary.items[1]
            assert president.person_type == "legal_person"
            assert president.role_code == "73"
            assert president.company_name == "HOLDING ARMOR INVEST"
            sole = await source.mandates("842937518")
            (entrepreneur,) = sole.items
            assert entrepreneur.role_code == "101"
            assert entrepreneur.name is not None
            assert entrepreneur.name.usage_name == "GARCIA"
            assert entrepreneur.gender == "female"
            unit = await source.legal_unit("842937518")
            assert unit.category == "entrepreneur_individuel"
            assert unit.naf == "70.22Z"
            ceased = await source.legal_unit("810773242")
            assert ceased.status == "ceased"
            assert ceased.cessation_date == date(2024, 3, 1)
            head = await source.establishment("81077324200013")
            assert head.address.commune_code == "75056"

    run(scenario())


@respx.mock
def test_rne_unknown_person_type_is_malformed(clock: FakeClock) -> None:
    document = recording("rne_company_902615871.json")
    pouvoirs = document["formality"]["content"]["personneMorale"]["composition"]["pouvoirs"]
    pouvoirs[0]["typeDePersonne"] = "ROBOT"
    respx.post(f"{rne.BASE_URL}/sso/login").mock(
        return_value=httpx.Response(200, json={"token": "t"})
    )
    respx.get(f"{rne.BASE_URL}/companies/902615871").mock(
        return_value=httpx.Response(200, json=document)
    )

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            await _rne(http, clock).mandates("902615871")

    with pytest.raises(MalformedResponse):
        run(scenario())
