"""API Entreprise v3 (``https://entreprise.api.gouv.fr``), restricted to administrations.

Every call carries ``Authorization: Bearer <token>`` and the mandatory query parameters
``recipient`` (SIRET of the administration the data is for), ``context`` and ``object``
(reference §4); ``purpose`` is sent as ``object``. Endpoints used:

* ``/v3/insee/sirene/unites_legales/{siren}`` and ``/v3/insee/sirene/etablissements/{siret}``
  → ``{data:{…}, links, meta}``;
* ``/v3/infogreffe/rcs/unites_legales/{siren}/mandataires_sociaux`` →
  ``{data:[{data:{type, fonction, nom, prenom, date_naissance…}}], meta, links}``.

Errors have the shape ``{"errors":[{"code","title","detail"}]}``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx

from issuer.company.identifiers import parse_siren, parse_siret, vat_number
from issuer.company.legal_forms import legal_category, legal_form, normalize_naf
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
from issuer.company.transport import DEFAULT_USER_AGENT, Clock, SourceClient, utc_now
from issuer.company.wire import Reader, join_words

SOURCE = "api-entreprise"
BASE_URL = "https://entreprise.api.gouv.fr"

_read = Reader(SOURCE)


def _status(value: Any, *, ceased: str) -> AdministrativeStatus:
    if value == "A":
        return "active"
    if value == ceased:
        return "ceased"
    raise _read.fail(f"unknown etat_administratif {value!r}")


def _data(document: Any) -> Mapping[str, Any]:
    return _read.obj(_read.obj(document, "response").get("data"), "data")


def _freshness(document: Any, fetched_at: datetime) -> DataFreshness:
    meta = _read.opt_obj(_read.obj(document, "response").get("meta"), "meta") or {}
    key = "date_derniere_mise_a_jour"
    updated = (
        _read.opt_timestamp_date(meta, key)
        if isinstance(meta.get(key), int)
        else _read.opt_date(meta, key)
    )
    return DataFreshness(SOURCE, fetched_at, updated)


def parse_unite_legale(unit: Mapping[str, Any], *, freshness: DataFreshness) -> LegalUnit:
    """Map an ``unite_legale`` object onto :class:`LegalUnit`."""
    siren = _read.text(unit, "siren")
    form = _read.opt_obj(unit.get("forme_juridique"), "forme_juridique") or {}
    code = _read.opt_text(form, "code") or "0000"
    activity = _read.opt_obj(unit.get("activite_principale"), "activite_principale") or {}
    moral = _read.opt_obj(unit.get("personne_morale_attributs"), "p_m_a") or {}
    physical = _read.opt_obj(unit.get("personne_physique_attributs"), "p_p_a") or {}
    name = _read.opt_text(moral, "raison_sociale") or join_words(
        _read.opt_text(physical, "prenom_usuel") or _read.opt_text(physical, "prenom_1"),
        _read.opt_text(physical, "nom_usage") or _read.opt_text(physical, "nom_naissance"),
    )
    if name is None:
        raise _read.fail("unite_legale has no name")
    status = _status(unit.get("etat_administratif"), ceased="C")
    return LegalUnit(
        siren=siren,
        legal_name=name,
        legal_form=legal_form(code, _read.opt_text(form, "libelle")),
        category=legal_category(code),
        naf=normalize_naf(_read.opt_text(activity, "code")),
        creation_date=_read.opt_timestamp_date(unit, "date_creation"),
        status=status,
        cessation_date=_read.opt_timestamp_date(unit, "date_cessation"),
        diffusion="non_diffusible"
        if unit.get("diffusable_commercialement") is False
        or unit.get("status_diffusion") in ("P", "protege", "partiellement_diffusible")
        else "public",
        vat_number=vat_number(siren),
        head_office_siret=_read.opt_text(unit, "siret_siege_social"),
        freshness=freshness,
    )


def parse_etablissement(document: Any, *, freshness: DataFreshness) -> Establishment:
    """Map an ``etablissements/{siret}`` answer onto :class:`Establishment`."""
    data = _data(document)
    address = _read.obj(data.get("adresse"), "adresse")
    activity = _read.opt_obj(data.get("activite_principale"), "activite_principale") or {}
    siret = _read.text(data, "siret")
    return Establishment(
        siret=siret,
        siren=siret[:9],
        address=Address(
            street=join_words(
                _read.opt_text(address, "numero_voie"),
                _read.opt_text(address, "indice_repetition_voie"),
                _read.opt_text(address, "type_voie"),
                _read.opt_text(address, "libelle_voie"),
            ),
            postal_code=_read.opt_text(address, "code_postal"),
            city=_read.opt_text(address, "libelle_commune"),
            commune_code=_read.opt_text(address, "code_commune"),
            country=_read.opt_text(address, "code_pays_etranger") or "FR",
        ),
        head_office=_read.opt_bool(data, "siege_social") is True,
        status=_status(data.get("etat_administratif"), ceased="F"),
        closing_date=_read.opt_timestamp_date(data, "date_fermeture"),
        naf=normalize_naf(_read.opt_text(activity, "code")),
        freshness=freshness,
    )


def parse_mandataires(document: Any, siren: str, *, freshness: DataFreshness) -> Mandates:
    """Map ``mandataires_sociaux`` onto :class:`Mandates` (all listed ones are current)."""
    body = _read.obj(document, "response")
    mandates: list[Mandate] = []
    for raw in _read.items(body.get("data"), "data"):
        entry = _read.obj(_read.obj(raw, "item").get("data"), "item.data")
        kind = entry.get("type")
        role = _read.opt_text(entry, "fonction")
        if kind == "personne_physique":
            born = _read.opt_text(entry, "date_naissance")
            try:
                birth = BirthDate.parse(born) if born else None
            except ValueError as exc:
                raise _read.fail("date_naissance is not a date") from exc
            given = tuple((_read.opt_text(entry, "prenom") or "").split())
            mandates.append(
                Mandate(
                    siren=siren,
                    person_type="natural_person",
                    role_code=None,
                    role_label=role,
                    active=True,
                    name=PersonName(_read.text(entry, "nom"), None, given),
                    birth_date=birth,
                )
            )
        elif kind == "personne_morale":
            mandates.append(
                Mandate(
                    siren=siren,
                    person_type="legal_person",
                    role_code=None,
                    role_label=role,
                    active=True,
                    company_siren=_read.opt_text(entry, "numero_identification"),
                    company_name=_read.opt_text(entry, "raison_sociale"),
                )
            )
        else:
            raise _read.fail(f"unknown mandataire type {kind!r}")
    return Mandates(siren=siren, items=tuple(mandates), freshness=freshness)


class ApiEntrepriseRegistry:
    """:class:`CompanyRegistry` over API Entreprise v3."""

    name = SOURCE

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        token: str,
        recipient: str,
        context: str,
        purpose: str,
        timeout: float = 10.0,
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
        self._headers = {"Authorization": f"Bearer {token}"}
        self._params = {"recipient": parse_siret(recipient), "context": context, "object": purpose}
        self._clock = clock

    async def _get(self, path: str, identifier: str) -> Any:
        return await self._client.get_json(
            path, identifier=identifier, params=self._params, headers=self._headers
        )

    async def legal_unit(self, siren: str) -> LegalUnit:
        siren = parse_siren(siren)
        document = await self._get(f"/v3/insee/sirene/unites_legales/{siren}", siren)
        return parse_unite_legale(_data(document), freshness=_freshness(document, self._clock()))

    async def establishment(self, siret: str) -> Establishment:
        siret = parse_siret(siret)
        document = await self._get(f"/v3/insee/sirene/etablissements/{siret}", siret)
        return parse_etablissement(document, freshness=_freshness(document, self._clock()))

    async def mandates(self, siren: str) -> Mandates:
        siren = parse_siren(siren)
        document = await self._get(
            f"/v3/infogreffe/rcs/unites_legales/{siren}/mandataires_sociaux", siren
        )
        return parse_mandataires(document, siren, freshness=_freshness(document, self._clock()))
