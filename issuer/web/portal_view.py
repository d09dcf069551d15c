"""What the company portal shows and offers, computed from an eligibility report.

Framework-free: the router (:mod:`issuer.web.portal`) renders these values. The portal
never trusts the browser: the claims of an offer are rebuilt here from a fresh
eligibility report (:func:`issuer.eligibility.evaluate`) every time an offer is created,
with the claim builders of :mod:`issuer.catalogue.claims`. Nothing is offered while a
source is unavailable or its data is stale (:func:`outage`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from issuer.catalogue import (
    FORMATS,
    Catalogue,
    CredentialConfiguration,
    company_registration_claims,
    executive_certification_claims,
    legal_representative_claims,
    public_agent_claims,
)
from issuer.company.models import Mandate
from issuer.eligibility import (
    CREDENTIAL_KINDS,
    AuthenticatedIdentity,
    CredentialKind,
    Decision,
    EligibilityReport,
    Reason,
)
from issuer.gaia_x import GaiaXError
from issuer.minting.gaia_x import gaia_x_participant_claims
from issuer.status import person_digest

Lang = Literal["fr", "en"]
LANGS: Final[tuple[Lang, ...]] = ("fr", "en")

#: Refusal codes that mean "the data is missing or too old", not "you may not": the portal
#: shows an outage page (503) and offers nothing.
OUTAGE_CODES: Final = frozenset({"source_unavailable", "stale_data", "malformed_source_data"})

FORMAT_LABELS: Final[dict[str, dict[Lang, str]]] = {
    "dc+sd-jwt": {
        "fr": "SD-JWT VC (portefeuilles européens, divulgation sélective)",
        "en": "SD-JWT VC (European wallets, selective disclosure)",
    },
    "jwt_vc_json": {
        "fr": "VC-JWT (W3C VCDM 2.0, signature JOSE)",
        "en": "VC-JWT (W3C VCDM 2.0, JOSE signature)",
    },
    "ldp_vc": {
        "fr": "JSON-LD (W3C VCDM 2.0, Data Integrity)",
        "en": "JSON-LD (W3C VCDM 2.0, Data Integrity)",
    },
}

#: Gaia-X builder configurations are not VCDM 2.0 / Data Integrity: name what they are.
GAIA_X_FORMAT_LABELS: Final[dict[str, dict[Lang, str]]] = {
    "gaia_x_loire": {
        "fr": "Gaia-X Loire (VC-JWT, W3C VCDM 2.0, PS256)",
        "en": "Gaia-X Loire (VC-JWT, W3C VCDM 2.0, PS256)",
    },
    "gaia_x_tagus": {
        "fr": "Gaia-X Tagus 22.10 (JSON-LD, JsonWebSignature2020)",
        "en": "Gaia-X Tagus 22.10 (JSON-LD, JsonWebSignature2020)",
    },
}

GAIA_X_TEXT: Final[dict[Lang, tuple[str, str]]] = {
    "fr": (
        "Participant Gaia-X",
        "Présentation (VP-JWT, Gaia-X Loire) de votre entreprise comme personne morale, "
        "à soumettre à un service de conformité Gaia-X (GXDCH).",
    ),
    "en": (
        "Gaia-X participant",
        "A presentation (VP-JWT, Gaia-X Loire) of your company as a legal person, to submit "
        "to a Gaia-X compliance service (GXDCH).",
    ),
}


def pick_lang(value: str | None) -> Lang:
    """``en`` when asked for, French otherwise (French first)."""
    return "en" if value == "en" else "fr"


def reason_text(reason: Reason | None, lang: Lang) -> str:
    if reason is None:
        return ""
    return reason.message_en if lang == "en" else reason.message_fr


def outage(report: EligibilityReport) -> Reason | None:
    """The first refusal caused by a missing, unavailable or stale source, if any."""
    for kind in CREDENTIAL_KINDS:
        reason = report[kind].reason
        if reason is not None and reason.code in OUTAGE_CODES:
            return reason
    return None


@dataclass(frozen=True, slots=True)
class _Person:
    """The :class:`issuer.catalogue.IdentityFacts` view of an authenticated identity."""

    sub: str
    given_name: str
    usual_name: str
    organizational_unit: str | None
    belonging_population: str | None


def claims_for(
    kind: CredentialKind, decision: Decision, identity: AuthenticatedIdentity
) -> dict[str, Any] | None:
    """The claims a credential of ``kind`` states, or None when the decision refuses it
    or lacks a fact the claims need."""
    if not decision.eligible or decision.legal_unit is None:
        return None
    unit, establishment = decision.legal_unit, decision.establishment
    person = _Person(
        sub=identity.sub or "",
        given_name=identity.given_name,
        usual_name=identity.usual_name,
        organizational_unit=identity.organizational_unit,
        belonging_population=identity.belonging_population,
    )
    if kind == "company_registration" and establishment is not None:
        return company_registration_claims(unit, establishment)
    if kind == "legal_representative" and decision.match is not None:
        return legal_representative_claims(unit, decision.match.mandate)
    if kind == "executive_certification":
        method = decision.certification_method
        if method is None or not identity.acr:
            return None
        return executive_certification_claims(person, unit, method=method, acr=identity.acr)
    if kind == "public_agent" and establishment is not None:
        return public_agent_claims(person, unit, establishment)
    if kind == "gaia_x_participant":
        try:
            return gaia_x_participant_claims(decision)
        except GaiaXError:
            return None
    return None


@dataclass(frozen=True, slots=True)
class ClaimLine:
    label: str
    value: str


def _display(entries: Any, lang: Lang) -> Any:
    return next((d for d in entries if d.locale == lang), entries[0])


def explain(configuration: CredentialConfiguration, lang: Lang) -> tuple[str, str]:
    """(name, plain description) of what a credential of this configuration says."""
    shown = _display(configuration.kind.display, lang)
    return shown.name, shown.description or ""


def format_label(configuration: CredentialConfiguration, lang: Lang) -> str:
    """How the portal names the format a configuration delivers."""
    if configuration.builder is not None:
        return GAIA_X_FORMAT_LABELS[configuration.builder][lang]
    return FORMAT_LABELS[configuration.format][lang]


def claim_labels(configuration: CredentialConfiguration, lang: Lang) -> list[str]:
    """The names of the top-level claims, in the catalogue's order."""
    return [_display(c.display, lang).name for c in configuration.kind.top_level()]


def claim_lines(
    configuration: CredentialConfiguration, claims: Mapping[str, Any], lang: Lang
) -> list[ClaimLine]:
    """Each claim the credential will state, labelled as the catalogue displays it."""
    lines: list[ClaimLine] = []
    for claim in configuration.kind.claims:
        if len(claim.path) != 1 or claim.path[0] not in claims:
            continue
        value = claims[claim.path[0]]
        if isinstance(value, Mapping):
            value = ", ".join(str(v) for k, v in value.items() if k != "commune_code")
        lines.append(ClaimLine(_display(claim.display, lang).name, str(value)))
    return lines


@dataclass(frozen=True, slots=True)
class FormatChoice:
    configuration_id: str
    format: str
    label: str


@dataclass(frozen=True, slots=True)
class KindView:
    """One line of the portal: a credential kind, eligible (with its formats) or not."""

    kind: CredentialKind
    name: str
    description: str
    eligible: bool
    reason: str
    reason_code: str | None
    formats: list[FormatChoice] = field(default_factory=list)
    claims: list[ClaimLine] = field(default_factory=list)


def kind_views(
    report: EligibilityReport,
    catalogue: Catalogue,
    identity: AuthenticatedIdentity,
    lang: Lang,
) -> list[KindView]:
    """Every credential kind with its verdict; catalogue kinds list one choice per format."""
    views: list[KindView] = []
    for kind in CREDENTIAL_KINDS:
        decision = report[kind]
        configurations = sorted(catalogue.by_kind(kind), key=lambda c: FORMATS.index(c.format))
        if not configurations:
            name, description = GAIA_X_TEXT[lang] if kind == "gaia_x_participant" else (kind, "")
            views.append(
                KindView(
                    kind,
                    name,
                    description,
                    decision.eligible,
                    reason_text(decision.reason, lang),
                    decision.reason.code if decision.reason else None,
                )
            )
            continue
        name, description = explain(configurations[0], lang)
        claims = claims_for(kind, decision, identity) if decision.eligible else None
        eligible = decision.eligible and claims is not None
        views.append(
            KindView(
                kind=kind,
                name=name,
                description=description,
                eligible=eligible,
                reason=reason_text(decision.reason, lang),
                reason_code=decision.reason.code if decision.reason else None,
                formats=[
                    FormatChoice(c.id, c.format, format_label(c, lang)) for c in configurations
                ]
                if eligible
                else [],
                claims=claim_lines(configurations[0], claims, lang) if claims else [],
            )
        )
    return views


@dataclass(frozen=True, slots=True)
class OrganisationView:
    legal_name: str
    siren: str
    siret: str | None
    address: str
    legal_form: str
    status: str
    diffusible: bool


@dataclass(frozen=True, slots=True)
class PersonView:
    name: str
    email: str
    role: str | None
    match: str | None


_STATUS: Final[dict[str, dict[Lang, str]]] = {
    "active": {"fr": "active", "en": "active"},
    "ceased": {"fr": "cessée", "en": "ceased"},
}


def organisation_view(report: EligibilityReport, lang: Lang) -> OrganisationView | None:
    """The organisation as the registers describe it, from whichever decision saw it."""
    decision = next((report[k] for k in CREDENTIAL_KINDS if report[k].legal_unit is not None), None)
    if decision is None or decision.legal_unit is None:
        return None
    unit, establishment = decision.legal_unit, decision.establishment
    address = ""
    if establishment is not None:
        parts = (
            establishment.address.street,
            " ".join(
                p for p in (establishment.address.postal_code, establishment.address.city) if p
            ),
        )
        address = ", ".join(p for p in parts if p)
    status = _STATUS[unit.status][lang]
    if unit.cessation_date is not None:
        status += f" ({unit.cessation_date.isoformat()})"
    form = unit.legal_form.label or ""
    return OrganisationView(
        legal_name=unit.legal_name,
        siren=unit.siren,
        siret=establishment.siret if establishment is not None else None,
        address=address,
        legal_form=f"{form} ({unit.legal_form.code})" if form else unit.legal_form.code,
        status=status,
        diffusible=unit.is_diffusible,
    )


_CRITERIA: Final[dict[Lang, dict[str, str]]] = {
    "fr": {
        "family_name": "nom",
        "given_name": "prénom",
        "gender": "sexe",
        "birth_date": "date de naissance",
        "birthplace": "lieu de naissance",
    },
    "en": {
        "family_name": "family name",
        "given_name": "given name",
        "gender": "gender",
        "birth_date": "birth date",
        "birthplace": "birthplace",
    },
}


def person_view(
    identity: AuthenticatedIdentity, report: EligibilityReport, lang: Lang
) -> PersonView:
    """The person, with the mandate the register matched (if any) and how well."""
    name = f"{identity.given_name} {identity.usual_name}".strip()
    match = report["legal_representative"].match or report["executive_certification"].match
    if match is None:
        return PersonView(name, identity.email, None, None)
    mandate = match.mandate
    role = mandate.role_label or mandate.role_code
    words = _CRITERIA[lang]

    def listed(criteria: tuple[str, ...]) -> str:
        return ", ".join(words[c] for c in criteria)

    if lang == "fr":
        summary = f"concordance au registre : {listed(match.matched) or '—'}"
        if match.mismatched:
            summary += f" ; différence : {listed(match.mismatched)}"
        if match.not_compared:
            summary += f" ; non comparés : {listed(match.not_compared)}"
    else:
        summary = f"agrees with the register on: {listed(match.matched) or '—'}"
        if match.mismatched:
            summary += f"; differs on: {listed(match.mismatched)}"
        if match.not_compared:
            summary += f"; not compared: {listed(match.not_compared)}"
    return PersonView(name, identity.email, role, summary)


def route_paths(routes: Any, prefix: str = "") -> set[str]:
    """Every path served, also inside included routers (FastAPI keeps those as entries
    with an ``original_router`` and no ``path``)."""
    paths: set[str] = set()
    for route in routes:
        if isinstance(getattr(route, "path", None), str):
            paths.add(prefix + route.path)
        included = getattr(route, "original_router", None)
        if included is not None:
            context = getattr(route, "include_context", None)
            paths |= route_paths(included.routes, prefix + getattr(context, "prefix", ""))
    return paths


def mandate_digest(mandate: Mandate) -> str:
    """The register's own name digest of the matched mandate (what ``revalidate`` can
    recompute), offered to the minter as ``subject["mandate_digest"]``."""
    assert mandate.name is not None
    return person_digest(
        " ".join(mandate.name.given_names),
        mandate.name.usage_name or mandate.name.birth_name,
        mandate.birth_date.isoformat() if mandate.birth_date else None,
    )
