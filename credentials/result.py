"""One structured result for every verification.

Modelled on jsonld-signatures' ``verify`` result: verification never raises on a bad input;
it returns a :class:`VerificationResult` listing every check performed, each with a stable
``code`` (``signature``, ``expired``, ``not_yet_valid``, ``status``, ``holder_binding``,
``data_model``, ``trust``, ``policy``…), whether it passed, and a detail a person can read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from credentials.errors import CredentialError


@dataclass(frozen=True, slots=True)
class Check:
    """The outcome of one check."""

    code: str
    passed: bool
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "passed": self.passed, "detail": self.detail}


@dataclass(slots=True)
class VerificationResult:
    """Every check performed on one credential or presentation, and what it disclosed.

    ``verified`` is true only when at least one check ran and none failed.
    """

    format: str
    checks: list[Check] = field(default_factory=list)
    claims: dict[str, Any] = field(default_factory=dict)
    issuer: str | None = None
    credential_types: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def verified(self) -> bool:
        return bool(self.checks) and all(check.passed for check in self.checks)

    @property
    def failed(self) -> list[Check]:
        return [check for check in self.checks if not check.passed]

    def passed(self, code: str, detail: str = "") -> None:
        self.checks.append(Check(code, True, detail))

    def fail(self, code: str, detail: str) -> None:
        self.checks.append(Check(code, False, detail))

    def fail_with(self, error: CredentialError) -> None:
        self.checks.append(Check(error.code, False, error.detail))

    def to_json(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "format": self.format,
            "issuer": self.issuer,
            "credential_types": self.credential_types,
            "checks": [check.to_json() for check in self.checks],
            "claims": self.claims,
            **self.extra,
        }
