"""Offline company registry: the development default, backed by a packaged dataset.

The dataset (``data/offline_recherche_entreprises.json`` and ``data/offline_rne_companies.json``)
holds fictitious companies stored in the API Recherche d'entreprises and INPI RNE response
shapes, and is read with the very parsers of the real clients, so the emulator exercises
the real parsing code. Unlike the public search API, it also lists a non-diffusible company
(as Sirene or API Entreprise would).

Mandates come from the RNE document when the company has one, otherwise from the
``dirigeants`` of the search result (public bodies and associations are not in the RNE).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

from issuer.company import recherche_entreprises, rne
from issuer.company.errors import NotFound
from issuer.company.identifiers import parse_siren, parse_siret
from issuer.company.models import DataFreshness, Establishment, LegalUnit, Mandates
from issuer.company.transport import Clock, utc_now

SOURCE = "offline"


def _load(name: str) -> Any:
    text = resources.files("issuer.company.data").joinpath(name).read_text("utf-8")
    return json.loads(text)


class OfflineRegistry:
    """:class:`CompanyRegistry` over the packaged (or a given) dataset; no I/O after load."""

    name = SOURCE

    def __init__(
        self,
        *,
        search_results: list[Mapping[str, Any]] | None = None,
        rne_companies: list[Mapping[str, Any]] | None = None,
        clock: Clock = utc_now,
    ) -> None:
        if search_results is None:
            search_results = _load("offline_recherche_entreprises.json")["results"]
        if rne_companies is None:
            rne_companies = _load("offline_rne_companies.json")["companies"]
        self._units = {str(unit["siren"]): unit for unit in search_results}
        self._rne = {str(company["siren"]): company for company in rne_companies}
        self._clock = clock

    @property
    def sirens(self) -> tuple[str, ...]:
        return tuple(self._units)

    def _unit(self, siren: str) -> Mapping[str, Any]:
        document = {"results": [self._units[siren]]} if siren in self._units else {"results": []}
        try:
            return recherche_entreprises.find_unit(document, siren)
        except NotFound:
            raise NotFound(siren, source=SOURCE) from None

    def _freshness(self, unit: Mapping[str, Any], origin: str) -> DataFreshness:
        fresh = recherche_entreprises.freshness_of(unit, self._clock())
        return DataFreshness(f"{SOURCE}:{origin}", fresh.fetched_at, fresh.source_updated_at)

    async def legal_unit(self, siren: str) -> LegalUnit:
        unit = self._unit(parse_siren(siren))
        return recherche_entreprises.parse_legal_unit(
            unit, freshness=self._freshness(unit, recherche_entreprises.SOURCE)
        )

    async def establishment(self, siret: str) -> Establishment:
        siret = parse_siret(siret)
        unit = self._unit(siret[:9])
        try:
            return recherche_entreprises.parse_establishment(
                unit, siret, freshness=self._freshness(unit, recherche_entreprises.SOURCE)
            )
        except NotFound:
            raise NotFound(siret, source=SOURCE) from None

    async def mandates(self, siren: str) -> Mandates:
        siren = parse_siren(siren)
        if siren in self._rne:
            document = self._rne[siren]
            fresh = rne.freshness_of(document, self._clock())
            return rne.parse_pouvoirs(
                document,
                freshness=DataFreshness(
                    f"{SOURCE}:{rne.SOURCE}", fresh.fetched_at, fresh.source_updated_at
                ),
            )
        unit = self._unit(siren)
        return recherche_entreprises.parse_dirigeants(
            unit, freshness=self._freshness(unit, recherche_entreprises.SOURCE)
        )
