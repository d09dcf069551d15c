"""Which credentials an identity may obtain, decided from ProConnect claims and registers.

Order of checks for each credential kind:

1. the kind's own claim (public agent: a ``roles`` entry starting with ``agent_public``;
   executive certification: the certification-dirigeant ``acr`` or the ``dirigeant`` role);
2. the data: a valid SIRET, the legal unit and the establishment found, fresh (not older
   than ``max_age``) — nothing is eligible on missing or stale data;
3. the organisation: not ceased, establishment open; company registration and Gaia-X also
   refuse non-diffusible organisations;
4. the person (legal representative, executive certification): an exact match with an
   active legal-representative pouvoir (:mod:`issuer.company.matching`), and that match
   confirmed (below).

When a mandate match is enough
------------------------------

Matching counts a criterion that was not compared as matched (a plain ProConnect login
carries no birth date, gender or birthplace), so on its own an exact match may rest on the
two names alone — and a namesake (the director's son, employed at the same SIRET) matches
as well as the director. A match therefore makes a person eligible only when it is
**confirmed**, in one of two ways:

a. the birth date was actually compared and matched (``birth_date`` in
   :attr:`~issuer.company.matching.MatchRecord.matched`): the identity carries a birth
   date from a certified source (the FranceConnect step of the certification dirigeant),
   and the register has one;
b. ProConnect itself vouched for the person: the id_token ``acr`` is the
   certification-dirigeant level (``https://proconnect.gouv.fr/assurance/certification-
   dirigeant``: ProConnect Identité checked the five criteria against the RNE, reference
   §1.7), or ``roles`` carries ``dirigeant``, its announced successor (reference §1.6) —
   the same claims :func:`issuer.company.executive.certification_claim` reads.

A names-only match at a lower level (``eidas1``…) is refused with ``mandate_unconfirmed``,
which tells the person to log in again with the certification dirigeant. Executive
certification always has (b), since it requires that claim in the first place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from issuer.company.errors import RegistryError
from issuer.company.executive import certification_claim
from issuer.company.geography import UnknownLocation, subdivision_for_address
from issuer.company.identifiers import is_valid_siret
from issuer.company.matching import MatchRecord, best_match
from issuer.company.models import DataFreshness, Establishment, LegalUnit, Mandates
from issuer.company.registry import CompanyRegistry
from issuer.company.roles import RolePolicy, default_policy
from issuer.eligibility import reasons
from issuer.eligibility.decisions import (
    CREDENTIAL_KINDS,
    CredentialKind,
    Decision,
    EligibilityReport,
    Reason,
)
from issuer.eligibility.identity import AuthenticatedIdentity

PUBLIC_AGENT_ROLE_PREFIX = "agent_public"


@dataclass(frozen=True, slots=True)
class _Organisation:
    unit: LegalUnit
    establishment: Establishment


def _too_old(freshness: DataFreshness, now: datetime, max_age: timedelta) -> Reason | None:
    if now - freshness.fetched_at > max_age:
        return reasons.stale(freshness.source, max_age.total_seconds() / 3600)
    return None


async def _organisation(
    identity: AuthenticatedIdentity, registry: CompanyRegistry, now: datetime, max_age: timedelta
) -> _Organisation | Reason:
    if not is_valid_siret(identity.siret):
        return reasons.invalid_siret(identity.siret)
    siren = identity.siret[:9]
    if identity.siren is not None and identity.siren != siren:
        return reasons.siren_mismatch(identity.siren, identity.siret)
    try:
        unit = await registry.legal_unit(siren)
        establishment = await registry.establishment(identity.siret)
    except RegistryError as error:
        return reasons.from_registry_error(error)
    for freshness in (unit.freshness, establishment.freshness):
        if (problem := _too_old(freshness, now, max_age)) is not None:
            return problem
    return _Organisation(unit, establishment)


def _organisation_gate(org: _Organisation, *, require_diffusible: bool) -> Reason | None:
    if not org.unit.is_active:
        return reasons.ceased(org.unit.cessation_date)
    if not org.establishment.is_active:
        return reasons.establishment_closed(org.establishment.siret)
    if require_diffusible and not org.unit.is_diffusible:
        return reasons.not_diffusible()
    return None


class _Evaluation:
    """One evaluation: caches the lookups shared by the credential kinds."""

    def __init__(
        self,
        identity: AuthenticatedIdentity,
        registry: CompanyRegistry,
        now: datetime,
        max_age: timedelta,
        policy: RolePolicy,
    ) -> None:
        self.identity = identity
        self.registry = registry
        self.now = now
        self.max_age = max_age
        self.policy = policy
        self.sources: list[DataFreshness] = []
        self._org: _Organisation | Reason | None = None
        self._mandates: Mandates | Reason | None = None

    async def organisation(self) -> _Organisation | Reason:
        if self._org is None:
            self._org = await _organisation(self.identity, self.registry, self.now, self.max_age)
            if isinstance(self._org, _Organisation):
                self.sources += [self._org.unit.freshness, self._org.establishment.freshness]
        return self._org

    async def mandates(self, siren: str) -> Mandates | Reason:
        if self._mandates is None:
            try:
                found = await self.registry.mandates(siren)
            except RegistryError as error:
                self._mandates = reasons.from_registry_error(error)
            else:
                self.sources.append(found.freshness)
                stale = _too_old(found.freshness, self.now, self.max_age)
                self._mandates = found if stale is None else stale
        return self._mandates

    async def company_registration(self, kind: CredentialKind) -> Decision:
        org = await self.organisation()
        if isinstance(org, Reason):
            return Decision(kind, False, org)
        if (problem := _organisation_gate(org, require_diffusible=True)) is not None:
            return Decision(
                kind, False, problem, legal_unit=org.unit, establishment=org.establishment
            )
        return Decision(kind, True, legal_unit=org.unit, establishment=org.establishment)

    async def gaia_x(self, kind: CredentialKind) -> Decision:
        """The company as a Gaia-X participant: only its confirmed legal representative
        (issue #8: "a logged-in executive or mandate holder") may have it signed."""
        decision = await self.company_registration(kind)
        if not decision.eligible or decision.legal_unit is None:
            return decision
        representative = await self._representative(kind)
        if not representative.eligible:
            return Decision(
                kind,
                False,
                representative.reason,
                legal_unit=decision.legal_unit,
                establishment=decision.establishment,
                match=representative.match,
            )
        unit, establishment = decision.legal_unit, decision.establishment
        head = establishment
        head_siret = unit.head_office_siret
        if head_siret and (establishment is None or establishment.siret != head_siret):
            try:
                head = await self.registry.establishment(head_siret)
            except RegistryError as error:
                return Decision(kind, False, reasons.from_registry_error(error), unit, head)
        if head is None:
            return Decision(kind, False, reasons.no_subdivision(head_siret or "?"), unit)
        try:
            code = subdivision_for_address(head.address.postal_code, head.address.commune_code)
        except UnknownLocation:
            return Decision(kind, False, reasons.no_subdivision(head.siret), unit, establishment)
        return Decision(
            kind,
            True,
            legal_unit=unit,
            establishment=establishment,
            head_office=head,
            subdivision_code=code,
        )

    async def _representative(self, kind: CredentialKind) -> Decision:
        org = await self.organisation()
        if isinstance(org, Reason):
            return Decision(kind, False, org)
        if (problem := _organisation_gate(org, require_diffusible=False)) is not None:
            return Decision(
                kind, False, problem, legal_unit=org.unit, establishment=org.establishment
            )
        mandates = await self.mandates(org.unit.siren)
        if isinstance(mandates, Reason):
            return Decision(
                kind, False, mandates, legal_unit=org.unit, establishment=org.establishment
            )
        record = best_match(self.identity.person(), mandates, self.policy)
        if record is not None and record.is_match:
            if not self._confirmed(record):
                return Decision(
                    kind,
                    False,
                    reasons.mandate_unconfirmed(org.unit.siren),
                    match=record,
                    legal_unit=org.unit,
                    establishment=org.establishment,
                )
            return Decision(
                kind, True, match=record, legal_unit=org.unit, establishment=org.establishment
            )
        if record is not None and record.level == "close_match":
            return Decision(
                kind,
                False,
                reasons.close_match(record),
                match=record,
                legal_unit=org.unit,
                establishment=org.establishment,
            )
        legal_persons = [
            m.company_name or m.company_siren or "?"
            for m in mandates.items
            if m.active
            and m.person_type == "legal_person"
            and self.policy.is_legal_representative(m)
        ]
        if legal_persons and not representative_people(mandates, self.policy):
            reason = reasons.represented_by_legal_person(org.unit.siren, legal_persons)
            return Decision(
                kind, False, reason, legal_unit=org.unit, establishment=org.establishment
            )
        return Decision(
            kind,
            False,
            reasons.no_active_mandate(org.unit.siren),
            legal_unit=org.unit,
            establishment=org.establishment,
        )

    def _confirmed(self, record: MatchRecord) -> bool:
        """Whether an exact match is more than a names-only match (module docstring)."""
        if "birth_date" in record.matched:
            return True
        return certification_claim(self.identity.acr, self.identity.roles) is not None

    async def legal_representative(self, kind: CredentialKind) -> Decision:
        return await self._representative(kind)

    async def executive_certification(self, kind: CredentialKind) -> Decision:
        identity = self.identity
        method = certification_claim(identity.acr, identity.roles)
        if method is None:
            return Decision(kind, False, reasons.certification_not_presented())
        decision = await self._representative(kind)
        if decision.eligible:
            return Decision(
                kind,
                True,
                legal_unit=decision.legal_unit,
                establishment=decision.establishment,
                match=decision.match,
                certification_method=method,
            )
        reason = decision.reason
        if reason is not None and reason.code in ("no_active_mandate", "close_match"):
            siren = decision.legal_unit.siren if decision.legal_unit else identity.siret[:9]
            reason = reasons.certification_not_confirmed(siren)
        return Decision(
            kind,
            False,
            reason,
            legal_unit=decision.legal_unit,
            establishment=decision.establishment,
            match=decision.match,
            certification_method=method,
        )

    async def public_agent(self, kind: CredentialKind) -> Decision:
        roles = tuple(r for r in self.identity.roles if r.startswith(PUBLIC_AGENT_ROLE_PREFIX))
        if not roles:
            return Decision(kind, False, reasons.not_public_agent())
        org = await self.organisation()
        if isinstance(org, Reason):
            return Decision(kind, False, org)
        if (problem := _organisation_gate(org, require_diffusible=False)) is not None:
            return Decision(
                kind, False, problem, legal_unit=org.unit, establishment=org.establishment
            )
        return Decision(
            kind, True, roles=roles, legal_unit=org.unit, establishment=org.establishment
        )


def representative_people(mandates: Mandates, policy: RolePolicy) -> bool:
    """Whether any active natural person holds a representative role."""
    return any(policy.is_legal_representative(m) for m in mandates.active_natural_persons)


async def evaluate(
    identity: AuthenticatedIdentity,
    registry: CompanyRegistry,
    *,
    now: datetime,
    max_age: timedelta = timedelta(hours=24),
    policy: RolePolicy | None = None,
) -> EligibilityReport:
    """Decide every credential kind for ``identity``; lookups are shared between kinds."""
    run = _Evaluation(identity, registry, now, max_age, policy or default_policy())
    deciders = {
        "company_registration": run.company_registration,
        "legal_representative": run.legal_representative,
        "executive_certification": run.executive_certification,
        "public_agent": run.public_agent,
        "gaia_x_participant": run.gaia_x,
    }
    decisions: dict[CredentialKind, Decision] = {}
    for kind in CREDENTIAL_KINDS:
        decisions[kind] = await deciders[kind](kind)
    return EligibilityReport(decisions=decisions, sources=tuple(run.sources))
