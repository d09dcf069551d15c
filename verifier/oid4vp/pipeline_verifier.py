"""The OpenID4VP response endpoint's ports, implemented by the verification pipeline.

OpenID4VP 1.0 Appendix B binds each presentation to the request: the request's ``nonce``
and the Client Identifier (with its prefix) become the pipeline's ``challenge`` and
``domain`` (KB-JWT ``nonce``/``aud``, ``vp+jwt`` ``nonce``/``aud``, Data Integrity proof
``challenge``/``domain``). Each credential is reported with the claims DCQL paths apply to
(the processed SD-JWT payload, or the whole W3C credential: Appendix B.1.2).

- :meth:`PipelinePresentationVerifier.verify`: one presentation (DCQL transactions).
- :meth:`PipelinePresentationVerifier.verify_token`: every presentation of a response in
  one :meth:`~verifier.pipeline.VerificationPipeline.verify_presentations` call under the
  transaction's policy, so that its cross-credential rules (same SIREN, the required set,
  minimum assurance) see all of them; the result is split back per presentation for DCQL
  matching, the ``policy`` checks kept for the token as a whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Final

from credentials.errors import CredentialError
from credentials.result import Check
from verifier.oid4vp.matching import PresentedCredential
from verifier.oid4vp.presentation import PresentationOutcome, TokenOutcome, TokenPresentation
from verifier.pipeline import (
    CredentialFormat,
    CredentialReport,
    ParsedInput,
    ReportCheck,
    VerificationPipeline,
    VerificationReport,
    VerifyOptions,
    parse_as,
)

#: OpenID4VP Credential Format Identifiers → the pipeline's presentation formats.
OID4VP_FORMATS: Final[dict[str, CredentialFormat]] = {
    "dc+sd-jwt": "dc+sd-jwt",
    "vc+sd-jwt": "dc+sd-jwt",
    "jwt_vc_json": "vp+jwt",
    "ldp_vc": "ldp_vp",
}


def _presented(format: str, credential: CredentialReport) -> PresentedCredential:
    return PresentedCredential(
        format=format,
        claims=credential.document or credential.claims,
        vct=credential.types[0] if credential.format == "dc+sd-jwt" and credential.types else None,
        types=tuple(credential.types),
        issuer=credential.issuer,
    )


def _outcome(
    format: str,
    checks: Sequence[ReportCheck],
    credentials: Sequence[CredentialReport],
    *,
    strip: str = "",
) -> PresentationOutcome:
    verified = bool(checks) and all(c.passed for c in checks)
    return PresentationOutcome(
        verified=verified,
        checks=[
            Check(c.code, c.passed, f"{c.target.removeprefix(strip)}: {c.detail}") for c in checks
        ],
        credentials=[_presented(format, c) for c in credentials if c.verified] if verified else [],
    )


def _unsupported(format: str) -> PresentationOutcome:
    check = Check("malformed", False, f"presentations in {format!r} are not supported")
    return PresentationOutcome(verified=False, checks=[check])


class PipelinePresentationVerifier:
    """:class:`~verifier.oid4vp.presentation.PresentationVerifier` and
    :class:`~verifier.oid4vp.presentation.PolicyVerifier` over the pipeline."""

    def __init__(self, pipeline: VerificationPipeline, *, policy: str | None = None) -> None:
        self._pipeline = pipeline
        self._policy = policy

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
        declared = OID4VP_FORMATS.get(format)
        if declared is None:
            return _unsupported(format)
        options = VerifyOptions(
            challenge=nonce,
            domain=audience,
            format=declared,
            policy=self._policy,
            at=datetime.fromtimestamp(now, UTC),
            require_holder_binding=require_holder_binding,
        )
        report = self._pipeline.verify_presentation(presentation, options)
        outcome = _outcome(format, report.checks, report.credentials)
        outcome.detail = {"report": report.to_json()}
        return outcome

    def verify_token(
        self,
        presentations: Sequence[TokenPresentation],
        *,
        policy: str,
        nonce: str,
        audience: str,
        now: float,
    ) -> TokenOutcome:
        outcomes: list[PresentationOutcome | None] = [None] * len(presentations)
        parsed: list[ParsedInput] = []
        positions: list[int] = []
        for index, item in enumerate(presentations):
            declared = OID4VP_FORMATS.get(item.format)
            if declared is None:
                outcomes[index] = _unsupported(item.format)
                continue
            try:
                parsed.append(parse_as(item.presentation, declared))
            except CredentialError as exc:
                outcomes[index] = PresentationOutcome(
                    verified=False, checks=[Check("malformed", False, exc.detail)]
                )
                continue
            positions.append(index)
        options = VerifyOptions(
            challenge=nonce,
            domain=audience,
            policy=policy,
            at=datetime.fromtimestamp(now, UTC),
            require_holder_binding=any(p.require_holder_binding for p in presentations),
        )
        report = self._pipeline.verify_presentations(parsed, options)
        attributed = self._split(report, presentations, positions, outcomes)
        token_checks = [
            Check(c.code, c.passed, c.detail)
            for c in report.checks
            if c.code == "policy" or id(c) not in attributed
        ]
        final = [o if o is not None else PresentationOutcome(verified=False) for o in outcomes]
        return TokenOutcome(final, token_checks, {"report": report.to_json()})

    @staticmethod
    def _split(
        report: VerificationReport,
        presentations: Sequence[TokenPresentation],
        positions: Sequence[int],
        outcomes: list[PresentationOutcome | None],
    ) -> set[int]:
        """Give each presentation its checks and credentials (by the pipeline's
        ``presentation[i]/`` target prefix); return the ids of the checks given out."""
        attributed: set[int] = set()
        own = [c for c in report.checks if c.code != "policy"]
        for rank, index in enumerate(positions):
            prefix = f"presentation[{rank}]/" if len(positions) > 1 else ""
            checks = [c for c in own if c.target.startswith(prefix)]
            credentials = [c for c in report.credentials if c.target.startswith(prefix)]
            attributed.update(id(c) for c in checks)
            outcomes[index] = _outcome(
                presentations[index].format, checks, credentials, strip=prefix
            )
        return attributed
