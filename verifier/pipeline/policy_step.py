"""The ``policy`` check: a named policy applied to the verified credentials.

Each :class:`~verifier.policies.CredentialRequirement` needs a credential whose every
other check passed, whose type or ``vct`` matches, in an accepted format, with the claim
paths disclosed and, where asked, an ``acr`` at least the minimum. With ``same_siren``
every credential naming a company must name the same one (SIREN from ``siren``, the first
nine digits of ``siret`` / ``administration_siret``, or a French VAT number
``FRkk`` + SIREN).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from verifier.pipeline.report import CredentialReport, VerificationReport
from verifier.pipeline.vcdm_facts import all_types
from verifier.policies import ASSURANCE_RANKS, CredentialRequirement, Policy

_SIREN: Final = re.compile(r"^\d{9}$")
_SIRET: Final = re.compile(r"^\d{14}$")
_FR_VAT: Final = re.compile(r"^FR[0-9A-Z]{2}(\d{9})$")
_SIRET_CLAIMS: Final = ("siret", "administration_siret")
_VAT_CLAIMS: Final = ("vat_number", "gx:vatID", "vatID")


def _local(name: str) -> str:
    return re.split(r"[#/:]", name)[-1]


def _matches(requirement: CredentialRequirement, credential: CredentialReport) -> bool:
    found = all_types(credential)
    if any(v in found for v in requirement.vct):
        return True
    wanted = set(requirement.types) | {_local(t) for t in requirement.types}
    return any(t in wanted or _local(t) in wanted for t in found)


def _claim(claims: Mapping[str, Any], path: Sequence[str]) -> tuple[bool, Any]:
    value: Any = claims
    for part in path:
        if not isinstance(value, Mapping) or part not in value:
            return False, None
        value = value[part]
    return True, value


def siren_of(claims: Mapping[str, Any]) -> str | None:
    """The SIREN a credential's claims name, if any."""
    value = claims.get("siren")
    if isinstance(value, str) and _SIREN.match(value):
        return value
    for name in _SIRET_CLAIMS:
        value = claims.get(name)
        if isinstance(value, str) and _SIRET.match(value):
            return value[:9]
    for name in _VAT_CLAIMS:
        value = claims.get(name)
        if isinstance(value, str):
            match = _FR_VAT.match(value.replace(" ", "").upper())
            if match:
                return match.group(1)
    return None


def _requirement_problems(
    requirement: CredentialRequirement, candidates: Iterable[CredentialReport], policy: Policy
) -> tuple[CredentialReport | None, str]:
    reason = f"no verified credential of type {requirement.id}"
    for credential in candidates:
        if not _matches(requirement, credential):
            continue
        if credential.format not in policy.formats:
            reason = f"{requirement.id}: format {credential.format} is not accepted"
            continue
        missing = [
            "/".join(path) for path in requirement.claims if not _claim(credential.claims, path)[0]
        ]
        if missing:
            reason = f"{requirement.id}: required claims not disclosed: {', '.join(missing)}"
            continue
        rule = requirement.minimum_assurance
        if rule is not None:
            present, acr = _claim(credential.claims, rule.claim)
            rank = ASSURANCE_RANKS.get(acr) if isinstance(acr, str) else None
            if not present or rank is None or rank < ASSURANCE_RANKS[rule.minimum]:
                reason = f"{requirement.id}: assurance {acr!r} is below {rule.minimum}"
                continue
        return credential, ""
    return None, reason


def check_policy(report: VerificationReport, policy: Policy, target: str = "presentation") -> None:
    """Add the ``policy`` checks for ``policy`` over ``report``'s credentials."""
    verified = [c for c in report.credentials if c.verified]
    failures = 0
    for requirement in policy.credentials:
        match, reason = _requirement_problems(requirement, verified, policy)
        if match is None:
            report.add("policy", False, reason, target)
            failures += 1
        else:
            report.add("policy", True, f"{requirement.id}: {match.target}", target)
    if policy.same_siren:
        sirens = {s for s in (siren_of(c.claims) for c in report.credentials) if s is not None}
        if len(sirens) > 1:
            report.add(
                "policy", False, f"the credentials name different SIRENs: {sorted(sirens)}", target
            )
            failures += 1
        elif sirens:
            report.add("policy", True, f"one SIREN across the credentials: {sirens.pop()}", target)
    if not failures:
        report.add("policy", True, f"policy {policy.id} satisfied", target)
