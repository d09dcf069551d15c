"""The verifier's single verification pipeline (issue #7).

Usage, for every entry point (connector API, OpenID4VP response endpoint, CLI)::

    pipeline = VerificationPipeline(dids=..., fetcher=..., contexts=..., clock=...,
                                    trust=..., policies=...)
    report = pipeline.verify_presentations(vp_token_items,
                                           VerifyOptions(challenge=nonce, domain=client_id,
                                                         policy="company-representative"))
    report.verified, report.checks, report.credentials, report.to_json()

Formats: ``dc+sd-jwt`` (+KB-JWT), ``vc+jwt``, ``vp+jwt`` (enveloped ``vc+jwt``),
``ldp_vc`` / ``ldp_vp`` (Data Integrity, or JsonWebSignature2020 for Gaia-X Tagus).
Check codes: :data:`~verifier.pipeline.report.CheckCode`.
"""

from verifier.pipeline.formats import (
    CREDENTIAL_FORMATS,
    FORMATS,
    PRESENTATION_FORMATS,
    CredentialFormat,
    ParsedInput,
    detect_format,
    parse_as,
)
from verifier.pipeline.options import VerifyOptions
from verifier.pipeline.pipeline import MAX_LEEWAY, VerificationPipeline
from verifier.pipeline.report import (
    CHECK_CODES,
    CheckCode,
    CredentialReport,
    ReportCheck,
    VerificationReport,
)
from verifier.pipeline.status import StatusChecker, StatusUnavailable

__all__ = [
    "CHECK_CODES",
    "CREDENTIAL_FORMATS",
    "FORMATS",
    "MAX_LEEWAY",
    "PRESENTATION_FORMATS",
    "CheckCode",
    "CredentialFormat",
    "CredentialReport",
    "ParsedInput",
    "ReportCheck",
    "StatusChecker",
    "StatusUnavailable",
    "VerificationPipeline",
    "VerificationReport",
    "VerifyOptions",
    "detect_format",
    "parse_as",
]
