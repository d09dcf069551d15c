"""Failures of Gaia-X participant issuance, each with a stable ``code``."""

from __future__ import annotations


class GaiaXError(Exception):
    """Base class: a Gaia-X participant credential could not be built, signed or sent."""

    code: str = "gaia_x_error"

    def __init__(self, detail: str) -> None:
        super().__init__(f"{self.code}: {detail}")
        self.detail = detail


class NotEligible(GaiaXError):
    """The eligibility decision does not allow a Gaia-X participant credential."""

    code = "not_eligible"


class MissingFacts(GaiaXError):
    """The register lookup lacks a fact the Gaia-X shapes require (address, subdivision)."""

    code = "missing_facts"


class CertificateChainError(GaiaXError):
    """The x5u certificate chain is unreadable or its leaf is not the issuer's RSA key.

    Reference gaia-x.md §2.2 step 4: "The SPKI of ``publicKeyJwk`` must equal the SPKI of
    the first certificate in the PEM" — a deployment whose chain does not match refuses to
    start rather than publish a DID document compliance would reject.
    """

    code = "certificate_chain"


class ComplianceError(GaiaXError):
    """The compliance service could not be reached or answered something unreadable."""

    code = "compliance_unavailable"


class ComplianceRejected(GaiaXError):
    """The compliance service refused the presentation (HTTP 400 or 409 with its reasons)."""

    code = "compliance_rejected"

    def __init__(self, detail: str, *, status_code: int, body: object) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.body = body
