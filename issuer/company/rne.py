"""INPI Registre national des entreprises (RNE) API.

* ``POST /sso/login`` with ``{"username", "password"}`` → ``{"token"}``; the token is sent
  as ``Authorization: Bearer`` and cached until it expires (its JWT ``exp`` when readable,
  else ``token_ttl``); a ``401`` drops it and logs in once more.
* ``GET /companies/{siren}`` → ``{siren, updatedAt, formality:{siren, companyName,
  formeJuridique, diffusionINSEE, codeAPE, content:{natureCreation, personneMorale |
  personnePhysique | exploitation}}}`` (reference §5).
* Representatives: ``content.personneMorale.composition.pouvoirs[]``; each has
  ``roleEntreprise`` (code), ``libelleRoleEntreprise``, ``actif``, ``typeDePersonne``
  (``INDIVIDU``, or ``ENTREPRISE``/``PERSONNE_MORALE`` for legal persons) and
  ``individu.descriptionPersonne`` or ``entreprise``. An entrepreneur individuel is at
  ``personnePhysique.identite.entrepreneur.descriptionPersonne``.

The documented shape has no start/end date on a pouvoir; :attr:`Mandate.since` stays
``None`` for this source.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import httpx

from issuer.company.errors import MalformedResponse, NotFound, RegistryUnavailable
from issuer.company.identifiers import parse_siren, parse_siret, vat_number
from issuer.company.legal_forms import legal_category, legal_form, normalize_naf
from issuer.company.models import (
    Address,
    BirthDate,
    DataFreshness,
    Establishment,
    Gender,
    LegalUnit,
    Mandate,
    Mandates,
    PersonName,
)
from issuer.company.rate_limit import RateLimiter, Sleep
from issuer.company.transport import DEFAULT_USER_AGENT, Clock, SourceClient, utc_now
from issuer.company.wire import Reader, join_words

SOURCE = "rne"
BASE_URL = "https://registre-national-entreprises.inpi.fr/api"
ENTREPRENEUR_ROLE_CODE = "101"
LEGAL_PERSON_TYPES = frozenset({"ENTREPRISE", "PERSONNE_MORALE"})

_read = Reader(SOURCE)


def _content(document: Any) -> tuple[Mapping[str, Any], Mapping[str, Any], Mapping[str, Any]]:
    """(company, formality, the one of personneMorale/personnePhysique/exploitation)."""
    company = _read.obj(document, "company")
    formality = _read.obj(company.get("formality"), "formality")
    content = _read.obj(formality.get("content"), "formality.content")
    for key in ("personneMorale", "personnePhysique", "exploitation"):
        if content.get(key) is not None:
            return company, formality, _read.obj(content[key], key)
    raise _read.fail("content has no personneMorale, personnePhysique or exploitation")


def freshness_of(document: Any, fetched_at: datetime) -> DataFreshness:
    company = _read.obj(document, "company")
    return DataFreshness(SOURCE, fetched_at, _read.opt_date(company, "updatedAt"))


def _person(description: Mapping[str, Any]) -> tuple[PersonName, BirthDate | None, Gender | None]:
    given = [g for g in _read.items(description.get("prenoms"), "prenoms") if isinstance(g, str)]
    born = _read.opt_text(description, "dateDeNaissance")
    try:
        birth = BirthDate.parse(born) if born else None
    except ValueError as exc:
        raise _read.fail("dateDeNaissance is not a date") from exc
    genders: dict[str, Gender] = {"1": "male", "2": "female"}
    gender = genders.get(description.get("genre") or "")
    name = PersonName(
        _read.text(description, "nom"), _read.opt_text(description, "nomUsage"), tuple(given)
    )
    return name, birth, gender


def parse_legal_unit(document: Any, *, freshness: DataFreshness) -> LegalUnit:
    """Identity of the legal unit from an RNE company document."""
    _, formality, body = _content(document)
    siren = _read.text(formality, "siren")
    identite = _read.opt_obj(body.get("identite"), "identite") or {}
    entreprise = _read.opt_obj(identite.get("entreprise"), "identite.entreprise") or {}
    content = _read.obj(formality.get("content"), "content")
    creation = _read.opt_obj(content.get("natureCreation"), "natureCreation") or {}
    cessation = _read.opt_obj(body.get("detailCessationEntreprise"), "cessation") or {}
    nature_cessation = _read.opt_obj(content.get("natureCessationEntreprise"), "n_c") or {}
    code = (
        _read.opt_text(formality, "formeJuridique")
        or _read.opt_text(creation, "formeJuridiqueInsee")
        or "0000"
    )
    radiated = _read.opt_date(cessation, "dateRadiation")
    ceased = radiated is not None or nature_cessation.get("etatAdministratifInsee") == "C"
    name = _read.opt_text(entreprise, "denomination") or _read.opt_text(formality, "companyName")
    if name is None:
        raise _read.fail("no denomination nor companyName")
    etab = _read.opt_obj(body.get("etablissementPrincipal"), "etablissementPrincipal") or {}
    description = _read.opt_obj(etab.get("descriptionEtablissement"), "d_e") or {}
    return LegalUnit(
        siren=siren,
        legal_name=name,
        legal_form=legal_form(code),
        category=legal_category(code),
        naf=normalize_naf(_read.opt_text(formality, "codeAPE")),
        creation_date=_read.opt_date(creation, "dateCreation"),
        status="ceased" if ceased else "active",
        cessation_date=radiated,
        diffusion="public" if formality.get("diffusionINSEE") in (None, "O") else "non_diffusible",
        vat_number=vat_number(siren),
        head_office_siret=_read.opt_text(description, "siret"),
        freshness=freshness,
    )


def parse_establishment(document: Any, siret: str, *, freshness: DataFreshness) -> Establishment:
    """An establishment among ``etablissementPrincipal`` and ``autresEtablissements``."""
    _, formality, body = _content(document)
    entries = [
        body.get("etablissementPrincipal"),
        *_read.items(body.get("autresEtablissements"), "autresEtablissements"),
    ]
    for index, raw in enumerate(entries):
        if raw is None:
            continue
        entry = _read.obj(raw, "etablissement")
        description = _read.opt_obj(entry.get("descriptionEtablissement"), "d_e") or {}
        if description.get("siret") != siret:
            continue
        address = _read.opt_obj(entry.get("adresse"), "adresse") or {}
        return Establishment(
            siret=siret,
            siren=_read.text(formality, "siren"),
            address=Address(
                street=join_words(
                    _read.opt_text(address, "numVoie"),
                    _read.opt_text(address, "indiceRepetition"),
                    _read.opt_text(address, "typeVoie"),
                    _read.opt_text(address, "voie"),
                ),
                postal_code=_read.opt_text(address, "codePostal"),
                city=_read.opt_text(address, "commune"),
                commune_code=_read.opt_text(address, "codeInseeCommune"),
                country=_read.opt_text(address, "codePays") or "FR",
            ),
            head_office=index == 0,
            status="active",
            closing_date=None,
            naf=None,
            freshness=freshness,
        )
    raise NotFound(siret, source=SOURCE)


def parse_pouvoirs(document: Any, *, freshness: DataFreshness) -> Mandates:
    """Every pouvoir of the company (active or not), plus the entrepreneur individuel."""
    _, formality, body = _content(document)
    siren = _read.text(formality, "siren")
    mandates: list[Mandate] = []
    identite = _read.opt_obj(body.get("identite"), "identite") or {}
    entrepreneur = _read.opt_obj(identite.get("entrepreneur"), "entrepreneur")
    if entrepreneur is not None and entrepreneur.get("descriptionPersonne") is not None:
        name, birth, gender = _person(_read.obj(entrepreneur["descriptionPersonne"], "d_p"))
        mandates.append(
            Mandate(
                siren=siren,
                person_type="natural_person",
                role_code=ENTREPRENEUR_ROLE_CODE,
                role_label="Entrepreneur",
                active=True,
                name=name,
                birth_date=birth,
                gender=gender,
            )
        )
    composition = _read.opt_obj(body.get("composition"), "composition") or {}
    for raw in _read.items(composition.get("pouvoirs"), "pouvoirs"):
        mandates.append(_pouvoir(siren, _read.obj(raw, "pouvoir")))
    return Mandates(siren=siren, items=tuple(mandates), freshness=freshness)


def _pouvoir(siren: str, pouvoir: Mapping[str, Any]) -> Mandate:
    kind = _read.opt_text(pouvoir, "typeDePersonne")
    role_code = _read.opt_text(pouvoir, "roleEntreprise")
    role_label = _read.opt_text(pouvoir, "libelleRoleEntreprise")
    active = pouvoir.get("actif") is not False
    if kind == "INDIVIDU":
        individu = _read.obj(pouvoir.get("individu"), "individu")
        description = _read.obj(individu.get("descriptionPersonne"), "descriptionPersonne")
        name, birth, gender = _person(description)
        return Mandate(
            siren=siren,
            person_type="natural_person",
            role_code=role_code,
            role_label=role_label,
            active=active,
            name=name,
            birth_date=birth,
            gender=gender,
            birthplace_commune=_read.opt_text(description, "codeInseeGeographique"),
            birth_country=_read.opt_text(description, "codePaysNaissance"),
        )
    if kind in LEGAL_PERSON_TYPES:
        entreprise = _read.obj(pouvoir.get("entreprise"), "entreprise")
        return Mandate(
            siren=siren,
            person_type="legal_person",
            role_code=role_code,
            role_label=role_label,
            active=active,
            company_siren=_read.opt_text(entreprise, "siren"),
            company_name=_read.opt_text(entreprise, "denomination"),
        )
    raise _read.fail(f"unknown typeDePersonne {kind!r}")


def token_expiry(token: str, *, now: datetime, default_ttl: timedelta) -> datetime:
    """When a bearer token expires: its JWT ``exp`` if readable, else ``now + default_ttl``.

    The payload is read without verification: it only decides when to log in again.
    """
    parts = token.split(".")
    if len(parts) == 3:
        try:
            padded = parts[1] + "=" * (-len(parts[1]) % 4)
            exp = json.loads(base64.urlsafe_b64decode(padded)).get("exp")
        except (ValueError, binascii.Error, AttributeError):
            exp = None
        if isinstance(exp, int | float) and not isinstance(exp, bool):
            return datetime.fromtimestamp(exp, now.tzinfo)
    return now + default_ttl


class RneRegistry:
    """:class:`CompanyRegistry` over the INPI RNE API, with a cached login token."""

    name = SOURCE

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        username: str,
        password: str,
        timeout: float = 10.0,
        base_url: str = BASE_URL,
        token_ttl: timedelta = timedelta(minutes=30),
        expiry_margin: timedelta = timedelta(seconds=60),
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
        self._credentials = {"username": username, "password": password}
        self._token_ttl = token_ttl
        self._margin = expiry_margin
        self._clock = clock
        self._token: str | None = None
        self._expires_at: datetime | None = None
        self._login_lock = asyncio.Lock()

    async def _bearer(self) -> str:
        async with self._login_lock:
            now = self._clock()
            if self._token and self._expires_at and now < self._expires_at - self._margin:
                return self._token
            body = await self._client.request_json(
                "POST", "/sso/login", identifier="login", json_body=self._credentials
            )
            token = body.get("token") if isinstance(body, Mapping) else None
            if not isinstance(token, str) or not token:
                raise MalformedResponse(source=SOURCE, detail="login answer has no token")
            self._token = token
            self._expires_at = token_expiry(token, now=now, default_ttl=self._token_ttl)
            return token

    async def company(self, siren: str) -> tuple[Any, DataFreshness]:
        """The raw ``companies/{siren}`` document and its freshness."""
        siren = parse_siren(siren)
        for attempt in range(2):
            token = await self._bearer()
            try:
                document = await self._client.get_json(
                    f"/companies/{siren}",
                    identifier=siren,
                    headers={"Authorization": f"Bearer {token}"},
                )
            except RegistryUnavailable as exc:
                if exc.detail == "HTTP 401" and attempt == 0:
                    self._token = None
                    continue
                raise
            return document, freshness_of(document, self._clock())
        raise RegistryUnavailable(source=SOURCE, detail="authentication refused")

    async def legal_unit(self, siren: str) -> LegalUnit:
        document, freshness = await self.company(siren)
        return parse_legal_unit(document, freshness=freshness)

    async def establishment(self, siret: str) -> Establishment:
        siret = parse_siret(siret)
        document, freshness = await self.company(siret[:9])
        return parse_establishment(document, siret, freshness=freshness)

    async def mandates(self, siren: str) -> Mandates:
        document, freshness = await self.company(siren)
        return parse_pouvoirs(document, freshness=freshness)
