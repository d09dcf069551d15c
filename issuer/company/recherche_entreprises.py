"""API Recherche d'entreprises (``recherche-entreprises.api.gouv.fr``), no authentication.

``GET /search?q=<SIREN|SIRET>``: a ``q`` of exactly 9 or 14 digits is a direct lookup
(reference §2). Limits: 7 requests/s per IP, ``429`` with ``Retry-After`` beyond; a
descriptive ``User-Agent`` is expected. Non-diffusible companies are excluded by the API.

The parsers here are also used by the offline registry on its packaged dataset, which is
stored in this response shape.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx

from issuer.company.errors import NotFound
from issuer.company.identifiers import parse_siren, parse_siret, vat_number
from issuer.company.legal_forms import legal_category, legal_form
from issuer.company.models import (
    Address,
    AdministrativeStatus,
    BirthDate,
    DataFreshness,
    Establishment,
    LegalUnit,
    Mandate,
    Mandates,
    PersonName,
)
from issuer.company.rate_limit import RateLimiter, Sleep
from issuer.company.transport import (
    DEFAULT_USER_AGENT,
    Clock,
    RetryPolicy,
    SourceClient,
    utc_now,
)
from issuer.company.wire import Reader, join_words

SOURCE = "recherche-entreprises"
BASE_URL = "https://recherche-entreprises.api.gouv.fr"
RATE_PER_SECOND = 7

_read = Reader(SOURCE)


def find_unit(document: Any, siren: str) -> Mapping[str, Any]:
    """The ``results[]`` entry of a search response whose ``siren`` is ``siren``."""
    body = _read.obj(document, "response")
    for entry in _read.items(body.get("results"), "results"):
        unit = _read.obj(entry, "result")
        if unit.get("siren") == siren:
            return unit
    raise NotFound(siren, source=SOURCE)


def _status(value: str | None, *, ceased: str) -> AdministrativeStatus:
    if value == "A":
        return "active"
    if value == ceased:
        return "ceased"
    raise _read.fail(f"unknown etat_administratif {value!r}")


def parse_legal_unit(unit: Mapping[str, Any], *, freshness: DataFreshness) -> LegalUnit:
    """Map one ``UniteLegale`` of the search response onto :class:`LegalUnit`."""
    siren = _read.text(unit, "siren")
    code = _read.opt_text(unit, "nature_juridique") or "0000"
    siege = _read.opt_obj(unit.get("siege"), "siege") or {}
    complements = _read.opt_obj(unit.get("complements"), "complements") or {}
    category = legal_category(code)
    if complements.get("est_association") is True:
        category = "association"
    elif complements.get("est_entrepreneur_individuel") is True:
        category = "entrepreneur_individuel"
    computed = vat_number(siren)
    listed = [v for v in _read.items(unit.get("tva"), "tva") if isinstance(v, str)]
    return LegalUnit(
        siren=siren,
        legal_name=_read.opt_text(unit, "nom_raison_sociale") or _read.text(unit, "nom_complet"),
        legal_form=legal_form(code),
        category=category,
        naf=_read.opt_text(unit, "activite_principale"),
        creation_date=_read.opt_date(unit, "date_creation"),
        status=_status(_read.opt_text(unit, "etat_administratif"), ceased="C"),
        cessation_date=_read.opt_date(unit, "date_fermeture"),
        diffusion="non_diffusible" if unit.get("statut_diffusion") == "P" else "public",
        vat_number=computed if computed in listed or not listed else listed[0],
        head_office_siret=_read.opt_text(siege, "siret"),
        freshness=freshness,
    )


def parse_establishment(
    unit: Mapping[str, Any], siret: str, *, freshness: DataFreshness
) -> Establishment:
    """Find ``siret`` among ``siege`` and ``matching_etablissements`` of a search result."""
    candidates = [unit.get("siege"), *_read.items(unit.get("matching_etablissements"), "m_e")]
    for candidate in candidates:
        if candidate is None:
            continue
        entry = _read.obj(candidate, "etablissement")
        if entry.get("siret") == siret:
            return _establishment(entry, siret, freshness)
    raise NotFound(siret, source=SOURCE)


def _establishment(entry: Mapping[str, Any], siret: str, freshness: DataFreshness) -> Establishment:
    return Establishment(
        siret=siret,
        siren=siret[:9],
        address=Address(
            street=join_words(
                _read.opt_text(entry, "numero_voie"),
                _read.opt_text(entry, "indice_repetition"),
                _read.opt_text(entry, "type_voie"),
                _read.opt_text(entry, "libelle_voie"),
            ),
            postal_code=_read.opt_text(entry, "code_postal"),
            city=_read.opt_text(entry, "libelle_commune"),
            commune_code=_read.opt_text(entry, "commune"),
            country="FR",
        ),
        head_office=_read.opt_bool(entry, "est_siege") is True,
        status=_status(_read.opt_text(entry, "etat_administratif"), ceased="F"),
        closing_date=_read.opt_date(entry, "date_fermeture"),
        naf=_read.opt_text(entry, "activite_principale"),
        freshness=freshness,
    )


def parse_dirigeants(unit: Mapping[str, Any], *, freshness: DataFreshness) -> Mandates:
    """Map ``dirigeants[]`` (built from the RNE, reference §2) onto :class:`Mandates`.

    Natural persons carry ``nom``, ``prenoms`` (space-separated), ``date_de_naissance``
    (year-month only) and ``qualite`` (the label of the RNE role; no code). Every listed
    dirigeant is current.
    """
    siren = _read.text(unit, "siren")
    mandates: list[Mandate] = []
    for raw in _read.items(unit.get("dirigeants"), "dirigeants"):
        entry = _read.obj(raw, "dirigeant")
        kind = entry.get("type_dirigeant")
        qualite = _read.opt_text(entry, "qualite")
        if kind == "personne physique":
            born = _read.opt_text(entry, "date_de_naissance") or _read.opt_text(
                entry, "annee_de_naissance"
            )
            try:
                birth = BirthDate.parse(born) if born else None
            except ValueError as exc:
                raise _read.fail("date_de_naissance is not a date") from exc
            given = (_read.opt_text(entry, "prenoms") or "").split()
            mandates.append(
                Mandate(
                    siren=siren,
                    person_type="natural_person",
                    role_code=None,
                    role_label=qualite,
                    active=True,
                    name=PersonName(_read.text(entry, "nom"), None, tuple(given)),
                    birth_date=birth,
                )
            )
        elif kind == "personne morale":
            mandates.append(
                Mandate(
                    siren=siren,
                    person_type="legal_person",
                    role_code=None,
                    role_label=qualite,
                    active=True,
                    company_siren=_read.opt_text(entry, "siren"),
                    company_name=_read.opt_text(entry, "denomination"),
                )
            )
        else:
            raise _read.fail(f"unknown type_dirigeant {kind!r}")
    return Mandates(siren=siren, items=tuple(mandates), freshness=freshness)


def freshness_of(unit: Mapping[str, Any], fetched_at: datetime) -> DataFreshness:
    return DataFreshness(
        source=SOURCE,
        fetched_at=fetched_at,
        source_updated_at=_read.opt_date(unit, "date_mise_a_jour"),
    )


class RechercheEntreprisesRegistry:
    """:class:`CompanyRegistry` over the public search API, rate limited client-side."""

    name = SOURCE

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        timeout: float = 5.0,
        base_url: str = BASE_URL,
        limiter: RateLimiter | None = None,
        retry: RetryPolicy | None = None,
        clock: Clock = utc_now,
        sleep: Sleep = asyncio.sleep,
        user_agent: str = DEFAULT_USER_AGENT,
    ) -> None:
        self._client = SourceClient(
            http,
            source=SOURCE,
            base_url=base_url,
            timeout=timeout,
            user_agent=user_agent,
            limiter=limiter or RateLimiter(RATE_PER_SECOND, sleep=sleep),
            retry=retry,
            sleep=sleep,
            clock=clock,
        )
        self._clock = clock

    async def _lookup(self, query: str) -> Mapping[str, Any]:
        document = await self._client.get_json("/search", identifier=query, params={"q": query})
        return find_unit(document, query[:9])

    async def legal_unit(self, siren: str) -> LegalUnit:
        siren = parse_siren(siren)
        unit = await self._lookup(siren)
        return parse_legal_unit(unit, freshness=freshness_of(unit, self._clock()))

    async def establishment(self, siret: str) -> Establishment:
        siret = parse_siret(siret)
        unit = await self._lookup(siret)
        return parse_establishment(unit, siret, freshness=freshness_of(unit, self._clock()))

    async def mandates(self, siren: str) -> Mandates:
        siren = parse_siren(siren)
        unit = await self._lookup(siren)
        return parse_dirigeants(unit, freshness=freshness_of(unit, self._clock()))
