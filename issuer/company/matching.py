"""Matching a person's identity against the mandates (pouvoirs) of a legal unit.

Five criteria, one point each, following ProConnect Identité's certification score
(reference §1.7):

1. family name (the identity's usual name equals the register's birth or usage name);
2. **first** given name;
3. gender;
4. birth date (to the precision the source gives: Recherche d'entreprises has year-month);
5. birthplace (INSEE commune code).

Each criterion is ``match``, ``mismatch`` or ``not_compared`` (absent on either side). As in
ProConnect, a criterion the source does not carry scores its point; so does one the
identity lacks (plain ProConnect logins carry no birth data), and the record says which
criteria were really verified. **Only 5/5 with both names verified is a match**: 3–4 with at
least one name verified is a ``close_match`` (refused, and worth explaining to the person);
anything else is ``below_threshold`` (someone else).

Only active natural-person pouvoirs whose role the :class:`RolePolicy` counts as a legal
representative are candidates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from issuer.company.models import Gender, Mandate, Mandates
from issuer.company.names import family_name_matches, first_given_name_matches
from issuer.company.roles import RolePolicy, default_policy

Criterion = Literal["family_name", "given_name", "gender", "birth_date", "birthplace"]
Outcome = Literal["match", "mismatch", "not_compared"]
MatchLevel = Literal["exact_match", "close_match", "below_threshold"]
CRITERIA: tuple[Criterion, ...] = (
    "family_name",
    "given_name",
    "gender",
    "birth_date",
    "birthplace",
)
CLOSE_MATCH_MIN = 3


@dataclass(frozen=True, slots=True)
class PersonToMatch:
    """What we know of the person: ProConnect names, and civil data when certified."""

    family_name: str
    given_names: str
    birth_date: date | None = None
    gender: Gender | None = None
    birthplace: str | None = None


@dataclass(frozen=True, slots=True)
class MatchRecord:
    """How one mandate compares with the person."""

    mandate: Mandate
    outcomes: tuple[tuple[Criterion, Outcome], ...]

    @property
    def score(self) -> int:
        return sum(1 for _, outcome in self.outcomes if outcome != "mismatch")

    @property
    def matched(self) -> tuple[Criterion, ...]:
        return tuple(c for c, o in self.outcomes if o == "match")

    @property
    def mismatched(self) -> tuple[Criterion, ...]:
        return tuple(c for c, o in self.outcomes if o == "mismatch")

    @property
    def not_compared(self) -> tuple[Criterion, ...]:
        return tuple(c for c, o in self.outcomes if o == "not_compared")

    @property
    def level(self) -> MatchLevel:
        if self.score == len(CRITERIA) and {"family_name", "given_name"} <= set(self.matched):
            return "exact_match"
        names = {"family_name", "given_name"} & set(self.matched)
        if self.score >= CLOSE_MATCH_MIN and names:
            return "close_match"
        return "below_threshold"

    @property
    def is_match(self) -> bool:
        return self.level == "exact_match"


def _compare(ours: object, theirs: object, equal: bool) -> Outcome:
    if ours is None or theirs is None:
        return "not_compared"
    return "match" if equal else "mismatch"


def compare(person: PersonToMatch, mandate: Mandate) -> MatchRecord:
    """Score one natural-person mandate against the person."""
    if mandate.name is None:
        raise ValueError("only natural-person mandates can be compared")
    name = mandate.name
    birth = mandate.birth_date
    birth_equal = False
    if person.birth_date is not None and birth is not None:
        ours = (person.birth_date.year, person.birth_date.month, person.birth_date.day)
        theirs = (birth.year, birth.month, birth.day)
        birth_equal = all(t is None or o == t for o, t in zip(ours, theirs, strict=True))
    outcomes: tuple[tuple[Criterion, Outcome], ...] = (
        (
            "family_name",
            "match"
            if family_name_matches(person.family_name, name.birth_name, name.usage_name)
            else "mismatch",
        ),
        (
            "given_name",
            "match"
            if first_given_name_matches(person.given_names, name.given_names)
            else "mismatch",
        ),
        ("gender", _compare(person.gender, mandate.gender, person.gender == mandate.gender)),
        ("birth_date", _compare(person.birth_date, birth, birth_equal)),
        (
            "birthplace",
            _compare(
                person.birthplace,
                mandate.birthplace_commune,
                (person.birthplace or "").upper() == (mandate.birthplace_commune or "").upper(),
            ),
        ),
    )
    return MatchRecord(mandate=mandate, outcomes=outcomes)


def representative_candidates(
    mandates: Mandates, policy: RolePolicy | None = None
) -> tuple[Mandate, ...]:
    """Active natural-person pouvoirs whose role counts as a legal representative."""
    rules = policy or default_policy()
    return tuple(m for m in mandates.active_natural_persons if rules.is_legal_representative(m))


def best_match(
    person: PersonToMatch, mandates: Mandates, policy: RolePolicy | None = None
) -> MatchRecord | None:
    """The best-scoring representative mandate for the person (``None``: no candidate).

    Exact matches win over higher-looking close matches; ties keep register order.
    """
    records = [compare(person, m) for m in representative_candidates(mandates, policy)]
    if not records:
        return None
    return max(records, key=lambda r: (r.is_match, r.score, len(r.matched)))
