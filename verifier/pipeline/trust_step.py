"""The ``trust`` check: ask the :class:`~verifier.trust.TrustChecker` about each type.

Every type the credential asserts (``vct``, or the VCDM types other than
``VerifiableCredential``) must have been authorised for its issuer at the issuance time
(``iat`` / ``validFrom`` / ``issuanceDate``), and the issuer must not be cancelled now.
The registry entry the answer rests on is kept in the report.
"""

from __future__ import annotations

from datetime import datetime

from verifier.pipeline.report import CredentialReport
from verifier.trust import TrustChecker


def check_trust(report: CredentialReport, checker: TrustChecker | None, now: datetime) -> None:
    if checker is None:
        report.add("trust", False, "no trust registry or trusted list is configured")
        return
    if report.issuer is None or report.issued_at is None or not report.types:
        report.add("trust", False, "issuer, type or issuance time unknown: trust not decidable")
        return
    for credential_type in report.types:
        try:
            decision = checker.is_authorized(report.issuer, credential_type, report.issued_at, now)
        except Exception as exc:  # noqa: BLE001 - a port adapter must not break the verdict
            report.add("trust", False, f"the trust source failed: {type(exc).__name__}")
            return
        if decision.entry is not None and report.trust_entry is None:
            report.trust_entry = decision.entry
        if not decision.authorized:
            report.add("trust", False, f"{credential_type}: {decision.reason}")
            return
    report.add("trust", True, f"{report.issuer} authorised for {', '.join(report.types)}")
