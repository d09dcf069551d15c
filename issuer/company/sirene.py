"""INSEE API Sirene 3.11 (public API, ``https://api.insee.fr/api-sirene/3.11``).

Authentication is an API key in the ``X-INSEE-Api-Key-Integration`` header (reference §3).

* ``GET /siret/{siret}`` → ``{header:{statut, message}, etablissement:{siren, siret,
  etablissementSiege, adresseEtablissement, periodesEtablissement[], uniteLegale}}``. The
  establishment status exists **only** in the periods: the current period is the one whose
  ``dateFin`` is null, normally ``periodesEtablissement[0]``.
* ``GET /siren/{siren}`` → ``{header, uniteLegale:{siren, statutDiffusionUniteLegale,
  dateCreationUniteLegale, prenom1UniteLegale…, periodesUniteLegale[]}}``.

Sirene lists no corporate officers; :meth:`SireneRegistry.mandates` raises
:class:`NotProvided` (the private API's entrepreneur birth data is out of scope).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import httpx

from issuer.company.errors import NotProvided
from issuer.company.identifiers import parse_siren, parse_siret, vat_number
from issuer.company.legal_forms import legal_category, legal_form, normalize_naf
from issuer.company.models import (
    Address,
    AdministrativeStatus,
    DataFreshness,
    Establishment,
    LegalUnit,
    Mandates,
)
from issuer.company.rate_limit import RateLimiter, Sleep
from issuer.company.transport import DEFAULT_USER_AGENT, Clock, SourceClient, utc_now
from issuer.company.wire import Reader, join_words

SOURCE = "insee-sirene"
BASE_URL = "https://api.insee.fr/api-sirene/3.11"
API_KEY_HEADER = "X-INSEE-Api-Key-Integration"

_read = Reader(SOURCE)


def current_period(periods: Any, what: str) -> Mapping[str, Any]:
    """The period whose ``dateFin`` is null (index 0 in practice)."""
    entries = [_read.obj(p, what) for p in _read.items(periods, what)]
    for entry in entries:
        if entry.get("dateFin") is None:
            return entry
    raise _read.fail(f"{what} has no current period")


def _status(value: Any, *, ceased: str) -> AdministrativeStatus:
    if value == "A":
        return "active"
    if value == ceased:
        return "ceased"
    raise _read.fail(f"unknown etatAdministratif {value!r}")


def _unit_name(unit: Mapping[str, Any]) -> str:
    denomination = _read.opt_text(unit, "denominationUniteLegale")
    if denomination:
        return denomination
    given = _read.opt_text(unit, "prenomUsuelUniteLegale") or _read.opt_text(
        unit, "prenom1UniteLegale"
    )
    family = _read.opt_text(unit, "nomUsageUniteLegale") or _read.opt_text(unit, "nomUniteLegale")
    name = join_words(given, family)
    if name is None:
        raise _read.fail("legal unit has neither denomination nor name")
    return name


def parse_unite_legale(document: Any, *, freshness: DataFreshness) -> LegalUnit:
    """Map a ``/siren/{siren}`` answer onto :class:`LegalUnit`."""
    body = _read.obj(document, "response")
    unit = _read.obj(body.get("uniteLegale"), "uniteLegale")
    period = current_period(unit.get("periodesUniteLegale"), "periodesUniteLegale")
    merged = {**unit, **period}
    siren = _read.text(unit, "siren")
    code = _read.opt_text(period, "categorieJuridiqueUniteLegale") or "0000"
    status = _status(period.get("etatAdministratifUniteLegale"), ceased="C")
    nic = _read.opt_text(period, "nicSiegeUniteLegale")
    return LegalUnit(
        siren=siren,
        legal_name=_unit_name(merged),
        legal_form=legal_form(code),
        category=legal_category(code),
        naf=normalize_naf(_read.opt_text(period, "activitePrincipaleUniteLegale")),
        creation_date=_read.opt_date(unit, "dateCreationUniteLegale"),
        status=status,
        cessation_date=_read.opt_date(period, "dateDebut") if status == "ceased" else None,
        diffusion="non_diffusible" if unit.get("statutDiffusionUniteLegale") == "P" else "public",
        vat_number=vat_number(siren),
        head_office_siret=siren + nic if nic else None,
        freshness=freshness,
    )


def parse_etablissement(document: Any, *, freshness: DataFreshness) -> Establishment:
    """Map a ``/siret/{siret}`` answer onto :class:`Establishment`."""
    body = _read.obj(document, "response")
    entry = _read.obj(body.get("etablissement"), "etablissement")
    period = current_period(entry.get("periodesEtablissement"), "periodesEtablissement")
    address = _read.obj(entry.get("adresseEtablissement"), "adresseEtablissement")
    status = _status(period.get("etatAdministratifEtablissement"), ceased="F")
    foreign = _read.opt_text(address, "codePaysEtrangerEtablissement")
    return Establishment(
        siret=_read.text(entry, "siret"),
        siren=_read.text(entry, "siren"),
        address=Address(
            street=join_words(
                _read.opt_text(address, "numeroVoieEtablissement"),
                _read.opt_text(address, "indiceRepetitionEtablissement"),
                _read.opt_text(address, "typeVoieEtablissement"),
                _read.opt_text(address, "libelleVoieEtablissement"),
            ),
            postal_code=_read.opt_text(address, "codePostalEtablissement"),
            city=_read.opt_text(address, "libelleCommuneEtablissement"),
            commune_code=_read.opt_text(address, "codeCommuneEtablissement"),
            country="FR" if foreign is None else foreign,
        ),
        head_office=_read.opt_bool(entry, "etablissementSiege") is True,
        status=status,
        closing_date=_read.opt_date(period, "dateDebut") if status == "ceased" else None,
        naf=normalize_naf(_read.opt_text(period, "activitePrincipaleEtablissement")),
        freshness=freshness,
    )


class SireneRegistry:
    """:class:`CompanyRegistry` over the INSEE Sirene 3.11 public API."""

    name = SOURCE

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        api_key: str,
        timeout: float = 5.0,
        base_url: str = BASE_URL,
        limiter: RateLimiter | None = None,
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
            limiter=limiter,
            sleep=sleep,
            clock=clock,
        )
        self._headers = {API_KEY_HEADER: api_key}
        self._clock = clock

    async def legal_unit(self, siren: str) -> LegalUnit:
        siren = parse_siren(siren)
        document = await self._client.get_json(
            f"/siren/{siren}", identifier=siren, headers=self._headers
        )
        return parse_unite_legale(document, freshness=DataFreshness(SOURCE, self._clock()))

    async def establishment(self, siret: str) -> Establishment:
        siret = parse_siret(siret)
        document = await self._client.get_json(
            f"/siret/{siret}", identifier=siret, headers=self._headers
        )
        return parse_etablissement(document, freshness=DataFreshness(SOURCE, self._clock()))

    async def mandates(self, siren: str) -> Mandates:
        parse_siren(siren)
        raise NotProvided("mandates", source=SOURCE)
