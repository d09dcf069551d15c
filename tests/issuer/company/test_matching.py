"""Mandate matching: name variants, the 5-criteria score, the role policy."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from issuer.company.executive import (
    CERTIFICATION_DIRIGEANT_ACR,
    certification_claim,
    check_executive,
)
from issuer.company.matching import PersonToMatch, best_match, compare
from issuer.company.models import BirthDate, DataFreshness, Mandate, Mandates, PersonName
from issuer.company.names import family_name_matches, first_given_name_matches, name_key
from issuer.company.roles import default_policy

FRESH = DataFreshness("test", datetime(2026, 6, 1, tzinfo=UTC))


def pouvoir(
    nom: str = "DURAND-LEFÈVRE",
    prenoms: tuple[str, ...] = ("Camille", "Hélène"),
    *,
    usage: str | None = None,
    born: str | None = "1978-04-12",
    gender: str | None = "female",
    place: str | None = "44109",
    role: str | None = "73",
    label: str | None = "Président de SAS",
    active: bool = True,
) -> Mandate:
    return Mandate(
        siren="918453721",
        person_type="natural_person",
        role_code=role,
        role_label=label,
        active=active,
        name=PersonName(nom, usage, prenoms),
        birth_date=BirthDate.parse(born) if born else None,
        gender=gender,  # type: ignore[arg-type]
        birthplace_commune=place,
    )


# identity family name, identity given names, register name, usage name, register given names
NAME_VARIANTS = [
    ("DURAND-LEFÈVRE", "Camille Hélène", "DURAND-LEFÈVRE", None, ("Camille", "Hélène"), True),
    ("durand lefevre", "camille", "DURAND-LEFÈVRE", None, ("Camille", "Hélène"), True),
    ("Durand-Lefevre", "CAMILLE HELENE", "DURAND LEFEVRE", None, ("CAMILLE",), True),
    ("d'Almeida", "Eloise Marie", "D'ALMEIDA", None, ("Éloïse", "Marie"), True),
    ("DALMEIDA", "Éloïse", "D’ALMEIDA", None, ("ELOISE",), True),
    ("Le Goff", "Yannick", "LE GOFF", None, ("Yannick",), True),
    ("GARCIA", "Sophie Anne", "MARTIN", "GARCIA", ("Sophie", "Anne"), True),
    ("MARTIN", "Sophie", "MARTIN", "GARCIA", ("Sophie", "Anne"), True),
    ("Jean Baptiste", "x", "JEAN-BAPTISTE", None, ("x",), True),
    ("MOREAU", "Jean Baptiste", "MOREAU", None, ("Jean-Baptiste", "Louis"), True),
    ("MOREAU", "Jean-Baptiste", "MOREAU", None, ("Jean", "Baptiste"), True),
    ("MOREAU", "Jean", "MOREAU", None, ("Jean-Baptiste",), False),
    ("MOREAU", "Louis", "MOREAU", None, ("Jean-Baptiste", "Louis"), False),
    ("MOREAU", "Louis Jean-Baptiste", "MOREAU", None, ("Jean-Baptiste", "Louis"), False),
    ("OEUVRARD", "Zoé", "ŒUVRARD", None, ("ZOE",), True),
    ("GARCIA", "Sophie", "MARTIN", None, ("Sophie",), False),
    ("DURAND", "Camille", "DURAND-LEFÈVRE", None, ("Camille",), False),
    ("", "Camille", "DURAND", None, ("Camille",), False),
]


@pytest.mark.parametrize(
    ("family", "given", "register", "usage", "register_given", "expected"),
    [pytest.param(*case, id=f"{case[0] or 'empty'}|{case[1]}|{case[2]}") for case in NAME_VARIANTS],
)
def test_name_variants(
    family: str,
    given: str,
    register: str,
    usage: str | None,
    register_given: tuple[str, ...],
    expected: bool,
) -> None:
    matched = family_name_matches(family, register, usage) and first_given_name_matches(
        given, register_given
    )
    assert matched is expected


def test_name_key_ignores_accents_case_and_punctuation() -> None:
    assert name_key("D’Almeida-Lefèvre") == name_key("DALMEIDA LEFEVRE") == "dalmeidalefevre"


PERSON = PersonToMatch("DURAND-LEFEVRE", "Camille Helene", date(1978, 4, 12), "female", "44109")


def test_five_of_five_is_a_match() -> None:
    record = compare(PERSON, pouvoir())
    assert record.score == 5
    assert record.is_match
    assert record.level == "exact_match"
    assert record.not_compared == ()


@pytest.mark.parametrize(
    ("changes", "criterion"),
    [
        ({"born": "1979-04-12"}, "birth_date"),
        ({"gender": "male"}, "gender"),
        ({"place": "75056"}, "birthplace"),
        ({"prenoms": ("Hélène", "Camille")}, "given_name"),
        ({"nom": "DURAND"}, "family_name"),
    ],
)
def test_four_of_five_is_not_a_match(changes: dict[str, object], criterion: str) -> None:
    record = compare(PERSON, pouvoir(**changes))  # type: ignore[arg-type]
    assert record.score == 4
    assert not record.is_match
    assert record.level == "close_match"
    assert record.mismatched == (criterion,)


def test_year_month_birth_dates_compare_at_their_precision() -> None:
    assert compare(PERSON, pouvoir(born="1978-04")).is_match
    assert not compare(PERSON, pouvoir(born="1978-05")).is_match


def test_absent_criteria_score_but_are_reported_as_not_compared() -> None:
    names_only = PersonToMatch("Durand-Lefèvre", "Camille")
    record = compare(names_only, pouvoir())
    assert record.is_match
    assert record.matched == ("family_name", "given_name")
    assert record.not_compared == ("gender", "birth_date", "birthplace")


def test_a_stranger_is_below_threshold() -> None:
    record = compare(PersonToMatch("NGUYEN", "Léa"), pouvoir())
    assert record.level == "below_threshold"


def test_only_active_representative_pouvoirs_are_candidates() -> None:
    mandates = Mandates(
        "918453721",
        (
            pouvoir(role="71", label="Commissaire aux comptes titulaire"),
            pouvoir(active=False),
        ),
        FRESH,
    )
    assert best_match(PERSON, mandates) is None


def test_best_match_prefers_the_exact_one() -> None:
    mandates = Mandates(
        "918453721",
        (pouvoir(born="1970-01-01"), pouvoir(role="53", label="Directeur général")),
        FRESH,
    )
    record = best_match(PERSON, mandates)
    assert record is not None
    assert record.is_match
    assert record.mandate.role_code == "53"


@pytest.mark.parametrize(
    ("code", "label", "representative"),
    [
        ("73", None, True),
        ("30", None, True),
        ("53", None, True),
        ("70", None, True),
        ("60", None, True),
        ("51", None, True),
        ("101", None, True),
        ("71", None, False),
        ("72", None, False),
        ("40", None, False),
        ("65", None, False),
        ("999", None, False),
        (None, "Président de SAS", True),
        (None, "GERANT", True),
        (None, "Directeur général", True),
        (None, "DIRECTEUR GENERAL DELEGUE", True),
        (None, "Commissaire aux comptes titulaire", False),
        (None, None, False),
    ],
)
def test_role_policy(code: str | None, label: str | None, representative: bool) -> None:
    assert (
        default_policy().is_legal_representative(pouvoir(role=code, label=label)) is representative
    )


def test_certification_claim() -> None:
    """The method names are the catalogue's ``certification_method`` values."""
    assert (
        certification_claim(CERTIFICATION_DIRIGEANT_ACR, ["dirigeant"])
        == "proconnect_certification_dirigeant"
    )
    assert certification_claim("eidas1", ["dirigeant"]) == "roles_dirigeant"
    assert certification_claim("eidas1", ["agent_public"]) is None
    assert certification_claim(None, []) is None


def test_executive_check_requires_the_register() -> None:
    mandates = Mandates("918453721", (pouvoir(),), FRESH)
    assert check_executive(PERSON, CERTIFICATION_DIRIGEANT_ACR, [], mandates).certified
    assert not check_executive(PERSON, "eidas1", [], mandates).certified
    other = PersonToMatch("DURAND-LEFEVRE", "Camille", date(1990, 1, 1))
    assert not check_executive(other, CERTIFICATION_DIRIGEANT_ACR, [], mandates).certified
