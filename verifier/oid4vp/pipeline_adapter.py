"""Adapter: the verifier's single pipeline (:mod:`verifier.pipeline`) behind the
:class:`~verifier.oid4vp.presentation.PresentationVerifier` port.

Each presentation is verified with ``challenge`` = the request ``nonce`` and ``domain`` =
the ``client_id`` (OpenID4VP 1.0 Appendix B), in the pipeline format that carries the
DCQL format (``dc+sd-jwt`` → ``dc+sd-jwt`` with KB-JWT, ``jwt_vc_json`` → ``vp+jwt``,
``ldp_vc`` → ``ldp_vp``). The pipeline reports the VCDM subject as ``claims``; DCQL claims
paths start at the credential (B.1.2), so W3C credentials are matched on their document.
"""

from __future__ import annotations

from typing import Any, Final

from credentials.result import Check
from verifier.oid4vp.dcql import FORMAT_JWT_VC_JSON, FORMAT_LDP_VC, FORMAT_SD_JWT_VC
from verifier.oid4vp.matching import PresentedCredential
from verifier.oid4vp.presentation import PresentationOutcome
from verifier.pipeline import CredentialReport, VerificationPipeline, VerifyOptions
from verifier.pipeline.formats import CredentialFormat

PIPELINE_FORMATS: Final[dict[str, CredentialFormat]] = {
    FORMAT_SD_JWT_VC: "dc+sd-jwt",
    FORMAT_JWT_VC_JSON: "vp+jwt",
    FORMAT_LDP_VC: "ldp_vp",
}


def _presented(dcql_format: str, report: CredentialReport) -> PresentedCredential:
    if dcql_format == FORMAT_SD_JWT_VC:
        vct = report.claims.get("vct")
        return PresentedCredential(
            format=dcql_format,
            claims=dict(report.claims),
            vct=vct if isinstance(vct, str) else None,
            issuer=report.issuer,
        )
    document: dict[str, Any] = dict(report.document) or {"credentialSubject": report.claims}
    written = document.get("type")
    types = [t for t in (written if isinstance(written, list) else [written]) if isinstance(t, str)]
    return PresentedCredential(
        format=dcql_format,
        claims=document,
        types=tuple(dict.fromkeys([*types, *report.types])),
        issuer=report.issuer,
    )


class PipelinePresentationVerifier:
    """Run :class:`VerificationPipeline` on each presentation of a ``vp_token``."""

    def __init__(self, pipeline: VerificationPipeline, *, check_trust: bool = True) -> None:
        self._pipeline = pipeline
        self._check_trust = check_trust

    def verify(
        self,
        presentation: object,
        *,
        format: str,
        nonce: str,
        audience: str,
        require_holder_binding: bool,
        now: float,
    ) -> PresentationOutcome:
        pipeline_format = PIPELINE_FORMATS.get(format)
        if pipeline_format is None:
            check = Check("format", False, f"{format!r} presentations are not supported")
            return PresentationOutcome(verified=False, checks=[check])
        del now  # the pipeline has its own injected clock
        report = self._pipeline.verify_presentation(
            presentation,
            VerifyOptions(
                challenge=nonce,
                domain=audience,
                format=pipeline_format,
                require_holder_binding=require_holder_binding,
                check_trust=self._check_trust,
            ),
        )
        checks = [
            Check(check.code, check.passed, f"{check.target}: {check.detail}")
            for check in report.checks
        ]
        credentials = [_presented(format, c) for c in report.credentials] if report.verified else []
        return PresentationOutcome(
            verified=report.verified,
            checks=checks,
            credentials=credentials,
            detail={"pipeline": report.to_json()},
        )
