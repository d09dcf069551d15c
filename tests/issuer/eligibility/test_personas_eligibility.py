"""Every sandbox persona, against the offline registry: which credentials, and why not.

``CASES`` are plain ProConnect logins, as the portal sees them: userinfo and the id_token
``acr``, no birth date. ``CIVIL_CASES`` add the civil identity (birth date, gender,
birthplace) a certified source would give, so that matching compares the birth date.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from attestia.sandbox.personas import CERTIFICATION_DIRIGEANT_ACR, Persona, load_personas
from issuer.company.offline import OfflineRegistry
from issuer.eligibility.decisions import CREDENTIAL_KINDS, EligibilityReport
from issuer.eligibility.identity import AuthenticatedIdentity
from issuer.eligibility.rules import evaluate

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
CR, LR, EC, PA, GX = CREDENTIAL_KINDS
CERT = CERTIFICATION_DIRIGEANT_ACR

# persona id, chosen SIRET (None: first), acr, expected {kind: "eligible" | reason code}
# GX (Gaia-X participant, issue #8: for the company's confirmed legal representative only):
# the CR outcome when the company is refused, otherwise the LR outcome
CASES: list[tuple[str, str | None, str, dict[str, str]]] = [
    (
        "presidente-sas",
        None,
        CERT,
        {CR: "eligible", LR: "eligible", EC: "eligible", PA: "not_public_agent", GX: "eligible"},
    ),
    (
        "presidente-sas",
        "91845372100022",
        "eidas1",
        {
            CR: "eligible",
            LR: "mandate_unconfirmed",
            EC: "certification_not_presented",
            PA: "not_public_agent",
            GX: "mandate_unconfirmed",
        },
    ),
    (
        "gerant-sarl",
        None,
        "eidas1",
        {
            CR: "eligible",
            LR: "mandate_unconfirmed",
            EC: "certification_not_presented",
            PA: "not_public_agent",
            GX: "mandate_unconfirmed",
        },
    ),
    (
        "gerant-sarl",
        None,
        CERT,
        {CR: "eligible", LR: "eligible", EC: "eligible", PA: "not_public_agent", GX: "eligible"},
    ),
    (
        "entrepreneur-individuel",
        None,
        "eidas1",
        {CR: "eligible", LR: "eligible", EC: "eligible", PA: "not_public_agent", GX: "eligible"},
    ),
    (
        "salarie-sans-mandat",
        None,
        "eidas1",
        {
            CR: "eligible",
            LR: "no_active_mandate",
            EC: "certification_not_presented",
            PA: "not_public_agent",
            GX: "no_active_mandate",
        },
    ),
    (
        "agent-territorial",
        None,
        "eidas1",
        {
            CR: "eligible",
            LR: "no_active_mandate",
            EC: "certification_not_presented",
            PA: "eligible",
            GX: "no_active_mandate",
        },
    ),
    (
        "membre-entreprise-cessee",
        None,
        "eidas1",
        {
            CR: "organisation_ceased",
            LR: "organisation_ceased",
            EC: "certification_not_presented",
            PA: "not_public_agent",
            GX: "organisation_ceased",
        },
    ),
    (
        "homonyme-dirigeant",
        None,
        "eidas1",
        {
            CR: "eligible",
            LR: "mandate_unconfirmed",
            EC: "certification_not_presented",
            PA: "not_public_agent",
            GX: "mandate_unconfirmed",
        },
    ),
    (
        "administrateur-registre",
        None,
        "eidas2",
        {
            CR: "eligible",
            LR: "no_active_mandate",
            EC: "certification_not_presented",
            PA: "eligible",
            GX: "no_active_mandate",
        },
    ),
    (
        "president-holding",
        None,
        CERT,
        {CR: "eligible", LR: "eligible", EC: "eligible", PA: "not_public_agent", GX: "eligible"},
    ),
    (
        "president-holding",
        "90261587100016",
        CERT,
        {
            CR: "eligible",
            LR: "represented_by_legal_person",
            EC: "represented_by_legal_person",
            PA: "not_public_agent",
            GX: "represented_by_legal_person",
        },
    ),
    (
        "dirigeante-non-diffusible",
        None,
        "eidas1",
        {
            CR: "organisation_not_diffusible",
            LR: "mandate_unconfirmed",
            EC: "certification_not_presented",
            PA: "not_public_agent",
            GX: "organisation_not_diffusible",
        },
    ),
    (
        "presidente-association",
        None,
        "eidas1",
        {
            CR: "eligible",
            LR: "no_active_mandate",
            EC: "certification_not_presented",
            PA: "not_public_agent",
            GX: "no_active_mandate",
        },
    ),
    (
        "agent-la-poste",
        None,
        "eidas1",
        {
            CR: "eligible",
            LR: "no_active_mandate",
            EC: "certification_not_presented",
            PA: "not_public_agent",
            GX: "no_active_mandate",
        },
    ),
]


# the same, with the persona's civil identity (birth date compared where the register has it)
CIVIL_CASES: list[tuple[str, str | None, str, dict[str, str]]] = [
    (
        "homonyme-dirigeant",
        None,
        "eidas1",
        {
            CR: "eligible",
            LR: "close_match",
            EC: "certification_not_presented",
            PA: "not_public_agent",
            GX: "close_match",
        },
    ),
    (
        "presidente-sas",
        "91845372100022",
        "eidas1",
        {
            CR: "eligible",
            LR: "eligible",
            EC: "certification_not_presented",
            PA: "not_public_agent",
            GX: "eligible",
        },
    ),
    (
        "presidente-sas",
        None,
        CERT,
        {CR: "eligible", LR: "eligible", EC: "eligible", PA: "not_public_agent", GX: "eligible"},
    ),
]


def identity_of(
    persona: Persona, siret: str | None, acr: str, *, civil: bool = False
) -> AuthenticatedIdentity:
    """The persona's login; ``civil`` adds its civil identity (birth date, gender, place)."""
    claims = persona.userinfo(siret, acr)
    identity = AuthenticatedIdentity.from_claims(claims, acr=acr)
    civil_identity = persona.civil_identity if civil else None
    if civil_identity is None:
        return identity
    civil_fields = {
        "birthdate": date.fromisoformat(civil_identity.birthdate),
        "gender": civil_identity.gender,
        "birthplace": civil_identity.birthplace,
    }
    return AuthenticatedIdentity(
        **{
            **{f: getattr(identity, f) for f in AuthenticatedIdentity.__dataclass_fields__},
            **civil_fields,
        }
    )


def run(
    identity: AuthenticatedIdentity,
    registry: OfflineRegistry | None = None,
    max_age: timedelta = timedelta(hours=24),
) -> EligibilityReport:
    registry = registry or OfflineRegistry(clock=lambda: NOW)
    return asyncio.run(evaluate(identity, registry, now=NOW, max_age=max_age))


def outcome(report: EligibilityReport, kind: str) -> str:
    decision = report.decisions[kind]  # type: ignore[index]
    if decision.eligible:
        return "eligible"
    assert decision.reason is not None
    return decision.reason.code


@pytest.mark.parametrize(
    ("persona_id", "siret", "acr", "expected"),
    [
        pytest.param(*case, id=f"{case[0]}-{case[1] or 'default'}-{case[2].rsplit('/', 1)[-1]}")
        for case in CASES
    ],
)
def test_persona_eligibility(
    persona_id: str, siret: str | None, acr: str, expected: dict[str, str]
) -> None:
    persona = load_personas().get(persona_id)
    report = run(identity_of(persona, siret, acr))
    assert {kind: outcome(report, kind) for kind in CREDENTIAL_KINDS} == expected


@pytest.mark.parametrize(
    ("persona_id", "siret", "acr", "expected"),
    [
        pytest.param(
            *case, id=f"{case[0]}-{case[1] or 'default'}-{case[2].rsplit('/', 1)[-1]}-civil"
        )
        for case in CIVIL_CASES
    ],
)
def test_persona_eligibility_with_civil_identity(
    persona_id: str, siret: str | None, acr: str, expected: dict[str, str]
) -> None:
    persona = load_personas().get(persona_id)
    report = run(identity_of(persona, siret, acr, civil=True))
    assert {kind: outcome(report, kind) for kind in CREDENTIAL_KINDS} == expected


def test_every_persona_is_covered() -> None:
    assert {case[0] for case in CASES} == {p.id for p in load_personas()}


def test_refusals_carry_french_and_english_sentences() -> None:
    persona = load_personas().get("membre-entreprise-cessee")
    reason = run(identity_of(persona, None, "eidas1"))[CR].reason
    assert reason is not None
    assert reason.message_fr == "Entreprise cessée le 2024-03-01"
    assert reason.message_en == "company ceased on 2024-03-01"


def test_close_match_names_the_differing_criterion() -> None:
    persona = load_personas().get("homonyme-dirigeant")
    decision = run(identity_of(persona, None, "eidas1", civil=True))[LR]
    assert decision.match is not None
    assert decision.match.score == 4
    assert decision.match.mismatched == ("birth_date",)
    assert decision.reason is not None
    assert "4 of 5" in decision.reason.message_en
    assert "date de naissance" in decision.reason.message_fr


def test_a_namesake_is_not_a_legal_representative_on_names_alone() -> None:
    """Names-only match at ``eidas1``: refused, with the way to confirm it."""
    persona = load_personas().get("homonyme-dirigeant")
    decision = run(identity_of(persona, None, "eidas1"))[LR]
    assert not decision.eligible
    assert decision.match is not None
    assert decision.match.is_match  # the names alone match the director…
    assert "birth_date" in decision.match.not_compared  # …the birth date was never compared
    assert decision.reason is not None
    assert decision.reason.code == "mandate_unconfirmed"
    assert decision.reason.message_en == (
        "your name matches a legal representative of SIREN 918453721, but it could not be "
        "confirmed: log in with ProConnect's « certification dirigeant »"
    )
    assert decision.reason.message_fr == (
        "Votre nom correspond à un représentant légal du SIREN 918453721, mais cela n'a pas "
        "pu être confirmé : connectez-vous avec la « certification dirigeant » de ProConnect"
    )


def test_the_certification_acr_confirms_a_names_only_match() -> None:
    persona = load_personas().get("gerant-sarl")
    decision = run(identity_of(persona, None, CERT))[LR]
    assert decision.eligible
    assert decision.match is not None
    assert "birth_date" not in decision.match.matched  # ProConnect vouched, not our compare


def test_the_dirigeant_role_confirms_a_names_only_match() -> None:
    persona = load_personas().get("entrepreneur-individuel")
    identity = identity_of(persona, None, "eidas1")
    assert identity.roles == ("dirigeant",)
    assert identity.birthdate is None
    assert run(identity)[LR].eligible
    assert outcome(run(replace(identity, roles=())), LR) == "mandate_unconfirmed"


def test_a_compared_birth_date_confirms_a_match_without_certification() -> None:
    persona = load_personas().get("presidente-sas")
    decision = run(identity_of(persona, None, "eidas1", civil=True))[LR]
    assert decision.eligible
    assert decision.match is not None
    assert "birth_date" in decision.match.matched


def test_a_non_diffusible_company_still_has_legal_representatives() -> None:
    """Non-diffusion hides the company's data, not the person's mandate (with the acr)."""
    persona = load_personas().get("dirigeante-non-diffusible")
    identity = replace(identity_of(persona, None, "eidas1"), acr=CERT)
    report = run(identity)
    assert report[LR].eligible
    assert outcome(report, CR) == "organisation_not_diffusible"


def test_eligible_decisions_carry_their_facts() -> None:
    persona = load_personas().get("presidente-sas")
    report = run(identity_of(persona, None, CERT, civil=True))
    executive = report[EC]
    assert executive.certification_method == "proconnect_certification_dirigeant"
    assert executive.match is not None
    assert executive.match.mandate.role_code == "73"
    assert set(executive.match.matched) == {
        "family_name",
        "given_name",
        "gender",
        "birth_date",
        "birthplace",
    }
    unit = report[CR].legal_unit
    assert unit is not None
    assert unit.vat_number == "FR30918453721"
    assert report[GX].subdivision_code == "FR-44"
    assert [s.source for s in report.sources][:2] == [
        "offline:recherche-entreprises",
        "offline:recherche-entreprises",
    ]


def test_gaia_x_uses_the_head_office_subdivision() -> None:
    """The president, certified, logged in at the Brest branch: the Nantes head office."""
    persona = load_personas().get("presidente-sas")
    decision = run(identity_of(persona, "91845372100022", CERT))[GX]
    assert decision.eligible
    assert decision.establishment is not None
    assert decision.establishment.siret == "91845372100022"
    assert decision.establishment.address.postal_code == "29200"
    assert decision.head_office is not None
    assert decision.head_office.siret == "91845372100014"
    assert decision.subdivision_code == "FR-44"


@pytest.mark.parametrize(
    ("persona_id", "code"),
    [
        pytest.param("salarie-sans-mandat", "no_active_mandate", id="employee"),
        pytest.param("homonyme-dirigeant", "mandate_unconfirmed", id="namesake"),
    ],
)
def test_gaia_x_is_refused_to_a_member_who_is_not_a_confirmed_representative(
    persona_id: str, code: str
) -> None:
    """Issue #8: the participant credential is for an executive or mandate holder, not for
    any member of an eligible company."""
    persona = load_personas().get(persona_id)
    report = run(identity_of(persona, None, "eidas1"))
    assert report[CR].eligible  # the company itself is fine…
    decision = report[GX]
    assert not decision.eligible  # …but this person may not have it signed
    assert decision.reason is not None
    assert decision.reason.code == code
    assert decision.subdivision_code is None
    assert decision.legal_unit is not None


def test_stale_data_makes_nothing_eligible() -> None:
    persona = load_personas().get("presidente-sas")
    old = OfflineRegistry(clock=lambda: NOW - timedelta(hours=30))
    report = run(identity_of(persona, None, CERT), old, max_age=timedelta(hours=24))
    assert report.eligible_kinds == ()
    assert outcome(report, CR) == "stale_data"
    reason = report[CR].reason
    assert reason is not None
    assert reason.message_en == ("data from offline:recherche-entreprises older than 24 hours")


@pytest.mark.parametrize(
    ("siret", "code"),
    [
        pytest.param("91845372100015", "invalid_siret", id="luhn"),
        pytest.param("52718463400022", "organisation_not_found", id="unknown-establishment"),
        pytest.param("40483304800022", "organisation_not_found", id="unknown-siren"),
    ],
)
def test_missing_data_makes_nothing_eligible(siret: str, code: str) -> None:
    identity = AuthenticatedIdentity(
        given_name="Eloise",
        usual_name="D'ALMEIDA",
        email="e@example.org",
        uid="1",
        siret=siret,
        acr=CERT,
        roles=("agent_public",),
    )
    report = run(identity)
    assert report.eligible_kinds == ()
    assert outcome(report, CR) == code


def test_siren_claim_must_match_the_siret() -> None:
    identity = AuthenticatedIdentity(
        given_name="Eloise",
        usual_name="D'ALMEIDA",
        email="e@example.org",
        uid="1",
        siret="52718463400014",
        siren="918453721",
    )
    assert outcome(run(identity), CR) == "siren_mismatch"
