"""Re-checking live credentials against the company registers, and revoking the stale ones.

``attestia revalidate`` runs :func:`revalidate` over every live credential
(:func:`issuer.status.live_credentials`: not revoked, not expired). What the register row
lets us re-check (it keeps SIREN, SIRET, the ProConnect ``sub`` and a SHA-256 of the
person's normalised names, never the claims):

- every credential with a SIREN: the legal unit is still active — a ceased company
  revokes (``company_ceased``);
- company registration and public agent (which attest a SIRET): the establishment is still
  open — a closed one revokes (``establishment_closed``);
- legal representative and executive certification: the person's name digest
  (:func:`issuer.status.person_digest`) is recomputed for every natural-person mandate
  of the SIREN, in the variants the sources differ on (usage or birth name, all or first
  given name, birth date to the day, month, year or absent). A digest found on an active
  legal-representative mandate keeps the credential; found only on an ended or
  non-representative mandate, it revokes (``mandate_ended``). Found nowhere, it revokes
  (``mandate_not_found``): both kinds record the digest of the matched mandate's names as
  the register itself spells them (``subject["mandate_digest"]`` of the offer, see
  :mod:`issuer.oid4vci.adapters`), so a digest the register no longer reproduces means the
  mandate is gone. An executive certification recorded without that digest has none and
  is reported ``unverifiable``.

Limits, by design: nothing is revoked when a lookup fails (unavailable, rate limited,
malformed, stale beyond ``max_age``, or "not found": a company that disappears from a
source is more often a diffusion change than a cessation) — those credentials are listed
as errors for an operator. Public-agent roles and the certification-dirigeant ``acr`` come
from ProConnect at login and cannot be re-checked without the person. A non-diffusible
organisation is not a revocation reason. Lookups are shared by every credential of one
SIREN/SIRET within a run.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final, Literal, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from issuer.company.errors import RegistryError
from issuer.company.models import DataFreshness, Establishment, LegalUnit, Mandate, Mandates
from issuer.company.registry import CompanyRegistry
from issuer.company.roles import RolePolicy, default_policy
from issuer.status import (
    Actor,
    InvalidTransitionError,
    RevocationService,
    UnknownCredentialError,
    live_credentials,
    person_digest,
)
from issuer.status.models import IssuedCredential

Verdict = Literal["valid", "revoke", "error", "unverifiable"]
SYSTEM_ACTOR: Final = Actor(kind="system", id="revalidate")
SIRET_KINDS: Final = frozenset({"company_registration", "public_agent"})
MANDATE_KINDS: Final = frozenset({"legal_representative", "executive_certification"})
T = TypeVar("T", LegalUnit, Establishment, Mandates)


@dataclass(frozen=True, slots=True)
class CredentialRecord:
    """What the register row says about one credential (a detached copy)."""

    id: str
    configuration_id: str
    kind: str
    siren: str | None
    siret: str | None
    person_digest: str | None
    state: str

    @classmethod
    def of(cls, row: IssuedCredential) -> CredentialRecord:
        return cls(
            id=row.id,
            configuration_id=row.configuration_id,
            kind=row.kind,
            siren=row.subject_siren,
            siret=row.subject_siret,
            person_digest=row.person_digest,
            state=row.state,
        )


@dataclass(frozen=True, slots=True)
class Outcome:
    """The verdict for one credential; ``code``/``reason`` explain revocations and errors."""

    credential: CredentialRecord
    verdict: Verdict
    code: str = ""
    reason: str = ""
    revoked: bool = False


@dataclass(slots=True)
class Summary:
    """The whole run, for the final report."""

    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)

    def _with(self, verdict: Verdict) -> list[Outcome]:
        return [o for o in self.outcomes if o.verdict == verdict]

    @property
    def checked(self) -> int:
        return len(self.outcomes)

    @property
    def still_valid(self) -> list[Outcome]:
        return self._with("valid")

    @property
    def to_revoke(self) -> list[Outcome]:
        return self._with("revoke")

    @property
    def revoked(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.revoked]

    @property
    def errors(self) -> list[Outcome]:
        return self._with("error")

    @property
    def unverifiable(self) -> list[Outcome]:
        return self._with("unverifiable")


class _Lookups:
    """Register answers of one run, shared by credentials of the same SIREN/SIRET; a
    failure is remembered too (one outage is one error per credential, not a retry storm)."""

    def __init__(self, registry: CompanyRegistry, now: datetime, max_age: timedelta) -> None:
        self.registry = registry
        self.now = now
        self.max_age = max_age
        self._cache: dict[tuple[str, str], object] = {}

    async def _get(self, key: tuple[str, str], fetch: Callable[[], Awaitable[T]]) -> T:
        if key not in self._cache:
            try:
                self._cache[key] = await fetch()
            except RegistryError as error:
                self._cache[key] = error
        value = self._cache[key]
        if isinstance(value, RegistryError):
            raise value
        return value  # type: ignore[return-value]

    def fresh(self, freshness: DataFreshness) -> str | None:
        age = self.now - freshness.fetched_at
        if age > self.max_age:
            return f"data from {freshness.source} is {age.total_seconds() / 3600:.1f} h old"
        return None

    async def legal_unit(self, siren: str) -> LegalUnit:
        return await self._get(("unit", siren), lambda: self.registry.legal_unit(siren))

    async def establishment(self, siret: str) -> Establishment:
        return await self._get(("estab", siret), lambda: self.registry.establishment(siret))

    async def mandates(self, siren: str) -> Mandates:
        return await self._get(("mandates", siren), lambda: self.registry.mandates(siren))


def mandate_digests(mandate: Mandate) -> set[str]:
    """Every :func:`person_digest` this mandate's person may have been recorded under."""
    if mandate.name is None:
        return set()
    name = mandate.name
    given_variants = {" ".join(name.given_names)}
    if name.given_names:
        given_variants.add(name.given_names[0])
    families = {n for n in (name.usage_name, name.birth_name) if n}
    births: set[str | None] = {None}
    if mandate.birth_date is not None:
        birth = mandate.birth_date
        births.add(f"{birth.year:04d}")
        if birth.month is not None:
            births.add(f"{birth.year:04d}-{birth.month:02d}")
            if birth.day is not None:
                births.add(f"{birth.year:04d}-{birth.month:02d}-{birth.day:02d}")
    return {
        person_digest(given, family, born)
        for given in given_variants
        for family in families
        for born in births
    }


def _error(record: CredentialRecord, error: RegistryError) -> Outcome:
    return Outcome(record, "error", error.code, error.message_en)


async def check(record: CredentialRecord, lookups: _Lookups, policy: RolePolicy) -> Outcome:
    """The verdict for one credential (no database access, nothing changed)."""
    if record.siren is None:
        return Outcome(record, "unverifiable", "no_siren", "the register row has no SIREN")
    try:
        unit = await lookups.legal_unit(record.siren)
    except RegistryError as error:
        return _error(record, error)
    if (stale := lookups.fresh(unit.freshness)) is not None:
        return Outcome(record, "error", "stale_data", stale)
    if not unit.is_active:
        when = f" on {unit.cessation_date.isoformat()}" if unit.cessation_date else ""
        return Outcome(record, "revoke", "company_ceased", f"company {unit.siren} ceased{when}")
    if record.kind in SIRET_KINDS and record.siret is not None:
        try:
            establishment = await lookups.establishment(record.siret)
        except RegistryError as error:
            return _error(record, error)
        if (stale := lookups.fresh(establishment.freshness)) is not None:
            return Outcome(record, "error", "stale_data", stale)
        if not establishment.is_active:
            return Outcome(
                record,
                "revoke",
                "establishment_closed",
                f"establishment {establishment.siret} closed",
            )
    if record.kind in MANDATE_KINDS:
        return await _check_mandate(record, lookups, policy)
    return Outcome(record, "valid")


async def _check_mandate(
    record: CredentialRecord, lookups: _Lookups, policy: RolePolicy
) -> Outcome:
    assert record.siren is not None
    if record.person_digest is None:
        return Outcome(record, "unverifiable", "no_person_digest", "no name digest recorded")
    try:
        mandates = await lookups.mandates(record.siren)
    except RegistryError as error:
        return _error(record, error)
    if (stale := lookups.fresh(mandates.freshness)) is not None:
        return Outcome(record, "error", "stale_data", stale)
    theirs = [
        m
        for m in mandates.items
        if m.person_type == "natural_person" and record.person_digest in mandate_digests(m)
    ]
    if any(m.active and policy.is_legal_representative(m) for m in theirs):
        return Outcome(record, "valid")
    if theirs:
        ended = max((m.until for m in theirs if m.until), default=None)
        when = f" on {ended.isoformat()}" if ended else ""
        return Outcome(
            record, "revoke", "mandate_ended", f"mandate at SIREN {record.siren} ended{when}"
        )
    return Outcome(
        record,
        "revoke",
        "mandate_not_found",
        f"no mandate of this person at SIREN {record.siren} any more",
    )


def _revoke(
    sessions: sessionmaker[Session], revocation: RevocationService, outcome: Outcome
) -> Outcome:
    reason = f"revalidate: {outcome.code}: {outcome.reason}"
    try:
        with sessions.begin() as session:
            revocation.revoke(session, outcome.credential.id, actor=SYSTEM_ACTOR, reason=reason)
    except (InvalidTransitionError, UnknownCredentialError) as exc:
        return Outcome(outcome.credential, "error", "changed_meanwhile", str(exc))
    return Outcome(outcome.credential, "revoke", outcome.code, outcome.reason, revoked=True)


def live_records(sessions: sessionmaker[Session], now: datetime) -> list[CredentialRecord]:
    """Detached copies of every live credential, oldest first."""
    with sessions() as session:
        return [CredentialRecord.of(row) for row in live_credentials(session, now)]


async def revalidate(
    sessions: sessionmaker[Session],
    registry: CompanyRegistry,
    revocation: RevocationService,
    *,
    now: datetime,
    records: Sequence[CredentialRecord] | None = None,
    dry_run: bool = False,
    max_age: timedelta = timedelta(hours=24),
    policy: RolePolicy | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> Summary:
    """Check ``records`` (default: every live credential) and revoke what no longer holds.

    Each revocation is its own transaction (actor ``system:revalidate``, the reason code
    and text in the status history); ``dry_run`` reports without changing anything.
    """
    chosen: Iterable[CredentialRecord] = (
        records if records is not None else live_records(sessions, now)
    )
    lookups = _Lookups(registry, now, max_age)
    rules = policy or default_policy()
    summary = Summary(dry_run=dry_run)
    for record in chosen:
        outcome = await check(record, lookups, rules)
        if outcome.verdict == "revoke" and not dry_run:
            outcome = _revoke(sessions, revocation, outcome)
        summary.outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    return summary
