"""The one verification pipeline: parse → signature → data model → validity → holder
binding → status → trust → policy, for every format and every entry point.

Every entry point (the connector API, OpenID4VP's response endpoint, the CLI) calls a
:class:`VerificationPipeline`. It never raises on bad input: unparseable input is a failed
``malformed`` check, an unexpected error a failed check whose cause goes to the log.
Dependencies are injected: the DID resolver, the outbound fetcher (status lists, issuer
metadata), the JSON-LD contexts, the trust checker, the policies, the clock.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Concatenate, Final, ParamSpec

from cryptography import x509

from credentials.did import DidResolver
from credentials.errors import CredentialError
from credentials.jsonld import ContextRegistry
from credentials.net.fetcher import Fetcher
from credentials.net.json_fetcher import JsonFetcher
from credentials.sd_jwt import SdJwtPolicy
from credentials.vcdm.values import as_list
from verifier.observability import SILENT, VerificationObserver
from verifier.pipeline.formats import (
    CREDENTIAL_FORMATS,
    PRESENTATION_FORMATS,
    ParsedInput,
    parse_as,
)
from verifier.pipeline.gaia_x_step import GaiaXVerification, gaia_x_input, verify_gaia_x
from verifier.pipeline.jose_vc import verify_vc_jwt_stage, verify_vp_jwt_stage
from verifier.pipeline.keys import KeyDirectory
from verifier.pipeline.linked_data import verify_ldp_vc, verify_ldp_vp
from verifier.pipeline.options import VerifyOptions
from verifier.pipeline.policy_step import check_policy
from verifier.pipeline.report import CredentialReport, VerificationReport
from verifier.pipeline.sd_jwt_vc import verify_sd_jwt_vc
from verifier.pipeline.status import StatusChecker, StatusOutcome, StatusUnavailable
from verifier.pipeline.trust_step import check_trust
from verifier.policies import Policy, PolicyError, PolicyRegistry
from verifier.trust import TrustChecker

logger = logging.getLogger("verifier.pipeline")

#: Upper bound on the clock skew tolerated for any time claim (VCDM and JWT alike).
MAX_LEEWAY: Final = 300.0
_SIGNATURE_CODES: Final = frozenset({"malformed", "signature", "data_model"})


_P = ParamSpec("_P")


def _observed(
    method: Callable[Concatenate[VerificationPipeline, _P], VerificationReport],
) -> Callable[Concatenate[VerificationPipeline, _P], VerificationReport]:
    """Hand each report of a public entry point to the pipeline's observer (metrics)."""

    def observed(
        pipeline: VerificationPipeline, /, *args: _P.args, **kwargs: _P.kwargs
    ) -> VerificationReport:
        report = method(pipeline, *args, **kwargs)
        pipeline.observer.verification_finished(
            kind=report.kind,
            verified=report.verified,
            failed_checks={c.code for c in report.failed},
        )
        return report

    functools.update_wrapper(observed, method)
    return observed


@dataclass(frozen=True, slots=True)
class _Rules:
    """The options merged with the policy: what this one call enforces."""

    now: datetime
    policy: Policy | None
    challenge: str | None
    domain: str | None
    require_binding: bool
    holder_is_subject: bool
    check_status: bool
    status_fail_open: bool
    check_trust: bool


class VerificationPipeline:
    """Verify credentials and presentations in every supported format.

    ``clock`` returns an aware :class:`datetime`. ``leeway`` (seconds, at most
    :data:`MAX_LEEWAY`) bounds the clock skew for ``exp``/``nbf``/``iat`` and
    ``validFrom``/``validUntil``; ``kb_max_age`` is how old a KB-JWT's ``iat`` may be.
    ``issuer_metadata`` enables the ``/.well-known/jwt-vc-issuer`` key path.
    ``observer`` is told of every verdict (the composition layer may also set it later).
    """

    def __init__(
        self,
        *,
        dids: DidResolver,
        fetcher: Fetcher,
        contexts: ContextRegistry,
        clock: Callable[[], datetime],
        trust: TrustChecker | None = None,
        policies: PolicyRegistry | None = None,
        x5c_anchors: Sequence[x509.Certificate] = (),
        issuer_metadata: bool = True,
        leeway: float = 60.0,
        kb_max_age: float = 300.0,
        cache_ttl: float = 300.0,
        observer: VerificationObserver = SILENT,
    ) -> None:
        if not 0 <= leeway <= MAX_LEEWAY:
            raise ValueError(f"leeway must be between 0 and {MAX_LEEWAY} seconds")
        self._clock = clock
        self.dids = dids
        #: Gaia-X presentations go to :mod:`.gaia_x_step` when the deployment configures it.
        self.gaia_x: GaiaXVerification | None = None
        self._epoch: Callable[[], float] = lambda: clock().timestamp()
        metadata = (
            JsonFetcher(fetcher, clock=self._epoch, ttl=cache_ttl) if issuer_metadata else None
        )
        self.keys = KeyDirectory(
            dids, clock=self._epoch, x5c_anchors=x5c_anchors, metadata=metadata, ttl=cache_ttl
        )
        self.status = StatusChecker(fetcher, self.keys, contexts, leeway=leeway)
        self.contexts = contexts
        self.trust = trust
        self.policies = policies if policies is not None else PolicyRegistry(())
        self.leeway = leeway
        self.observer = observer
        self._sd_jwt_policy = SdJwtPolicy(leeway=leeway, kb_max_age=kb_max_age)

    # -- public API --------------------------------------------------------------

    def resolve_policy(self, policy: str | Policy | None) -> Policy | None:
        """The policy object for an id; :class:`~verifier.policies.PolicyError` if unknown."""
        if policy is None or isinstance(policy, Policy):
            return policy
        return self.policies.require(policy)

    @_observed
    def verify(self, value: object, options: VerifyOptions = VerifyOptions()) -> VerificationReport:
        """Verify whatever ``value`` is: a presentation format is verified as one
        (``dc+sd-jwt`` as a presentation only when a ``challenge`` is given)."""
        if (gaia_x := self._gaia_x(value, options)) is not None:
            return gaia_x
        try:
            parsed = parse_as(value, options.format)
        except CredentialError as exc:
            return self._malformed("credential", exc)
        as_presentation = parsed.format in ("vp+jwt", "ldp_vp") or (
            parsed.format == "dc+sd-jwt" and options.challenge is not None
        )
        kind = "presentation" if as_presentation else "credential"
        return self._run(kind, [parsed], options)

    @_observed
    def verify_credential(
        self, value: object, options: VerifyOptions = VerifyOptions()
    ) -> VerificationReport:
        """Verify one credential (``vc+jwt``, ``ldp_vc``, ``dc+sd-jwt`` with or without KB)."""
        try:
            parsed = parse_as(value, options.format)
        except CredentialError as exc:
            return self._malformed("credential", exc)
        if parsed.format not in CREDENTIAL_FORMATS:
            return self._malformed(
                "credential", CredentialError(f"{parsed.format} is a presentation format")
            )
        return self._run("credential", [parsed], options)

    def verify_presentation(
        self, value: object, options: VerifyOptions = VerifyOptions()
    ) -> VerificationReport:
        """Verify one presentation (``vp+jwt``, ``ldp_vp``, ``dc+sd-jwt`` with a KB-JWT)."""
        return self.verify_presentations([value], options)

    @_observed
    def verify_presentations(
        self, values: Sequence[object], options: VerifyOptions = VerifyOptions()
    ) -> VerificationReport:
        """Verify several presentations answering one request (an OpenID4VP ``vp_token``),
        each bound to the same ``challenge``/``domain``; the policy spans all of them."""
        if len(values) == 1 and (gaia_x := self._gaia_x(values[0], options)) is not None:
            return gaia_x
        parsed: list[ParsedInput] = []
        for value in values:
            try:
                item = parse_as(value, options.format)
            except CredentialError as exc:
                return self._malformed("presentation", exc)
            if item.format not in PRESENTATION_FORMATS:
                return self._malformed(
                    "presentation", CredentialError(f"{item.format} is not a presentation format")
                )
            parsed.append(item)
        if not parsed:
            return self._malformed("presentation", CredentialError("no presentation"))
        return self._run("presentation", parsed, options)

    # -- steps -------------------------------------------------------------------

    def _gaia_x(self, value: object, options: VerifyOptions) -> VerificationReport | None:
        """The Gaia-X verdict when ``value`` is a Gaia-X presentation and it is configured."""
        if self.gaia_x is None or options.policy is not None:
            return None
        if isinstance(value, ParsedInput):
            value = value.value
        document = gaia_x_input(value)
        if document is None:
            return None
        try:
            return verify_gaia_x(document, self.gaia_x, now=options.at or self._clock())
        except Exception:
            logger.exception("Gaia-X verification failed unexpectedly")
            report = VerificationReport(kind="presentation", format="gaia-x")
            report.add(
                "malformed", False, "internal error while verifying; see the log", "presentation"
            )
            return report

    @staticmethod
    def _malformed(kind: str, exc: CredentialError) -> VerificationReport:
        report = VerificationReport(
            kind="presentation" if kind == "presentation" else "credential", format=None
        )
        report.add("malformed", False, exc.detail, kind)
        return report

    def _rules(
        self, kind: str, options: VerifyOptions, report: VerificationReport
    ) -> _Rules | None:
        try:
            policy = self.resolve_policy(options.policy)
        except PolicyError as exc:
            report.add("policy", False, str(exc), kind)
            return None
        presentation = kind == "presentation"
        binding = options.require_holder_binding
        if binding is None:
            binding = presentation and (policy.require_holder_binding if policy else True)
        return _Rules(
            now=options.at or self._clock(),
            policy=policy,
            challenge=options.challenge,
            domain=options.domain,
            require_binding=binding,
            holder_is_subject=policy.holder_is_subject if policy else presentation,
            check_status=options.check_status,
            status_fail_open=policy is not None and policy.status_unreachable == "fail_open",
            check_trust=options.check_trust and (policy.require_trust if policy else True),
        )

    def _run(
        self, kind: str, inputs: Sequence[ParsedInput], options: VerifyOptions
    ) -> VerificationReport:
        formats = sorted({p.format for p in inputs})
        report = VerificationReport(
            kind="presentation" if kind == "presentation" else "credential",
            format=formats[0] if len(formats) == 1 else ",".join(formats),
        )
        rules = self._rules(kind, options, report)
        if rules is None:
            return report
        report.policy = rules.policy.id if rules.policy else None
        report.trust_checked = rules.check_trust
        try:
            for index, parsed in enumerate(inputs):
                prefix = f"presentation[{index}]/" if len(inputs) > 1 else ""
                self._one(report, parsed, prefix, kind, rules)
            if rules.policy is not None:
                if any(p.format not in rules.policy.formats for p in inputs):
                    report.add("policy", False, f"format not accepted by {rules.policy.id}", kind)
                check_policy(report, rules.policy, kind)
        except Exception:
            logger.exception("verification failed unexpectedly (%s)", report.format)
            report.add("malformed", False, "internal error while verifying; see the log", kind)
        return report

    def _one(
        self, report: VerificationReport, parsed: ParsedInput, prefix: str, kind: str, rules: _Rules
    ) -> None:
        now_epoch = rules.now.timestamp()
        credentials: list[CredentialReport]
        status_claims: dict[int, Mapping[str, Any]] = {}
        if parsed.format == "dc+sd-jwt":
            assert isinstance(parsed.value, str)
            outcome = verify_sd_jwt_vc(
                parsed.value,
                target=f"{prefix}credential[0]"
                if kind == "presentation"
                else f"{prefix}credential",
                keys=self.keys,
                now=now_epoch,
                policy=self._sd_jwt_policy,
                require_key_binding=rules.require_binding,
                challenge=rules.challenge,
                domain=rules.domain,
            )
            credentials = [outcome.report]
            if outcome.claims is not None:
                status_claims[0] = outcome.claims
                report.holder = (
                    outcome.report.subject_ids[0] if outcome.report.subject_ids else None
                )
        elif parsed.format == "vc+jwt":
            assert isinstance(parsed.value, str)
            credentials = [
                verify_vc_jwt_stage(
                    parsed.value,
                    target=f"{prefix}credential",
                    keys=self.keys,
                    now=now_epoch,
                    leeway=self.leeway,
                )
            ]
        elif parsed.format == "vp+jwt":
            assert isinstance(parsed.value, str)
            credentials = verify_vp_jwt_stage(
                parsed.value,
                report=report,
                prefix=prefix,
                keys=self.keys,
                now=now_epoch,
                leeway=self.leeway,
                challenge=rules.challenge,
                domain=rules.domain,
                require_binding=rules.require_binding,
                holder_is_subject=rules.holder_is_subject,
            )
        elif parsed.format == "ldp_vc":
            assert isinstance(parsed.value, dict)
            credentials = [
                verify_ldp_vc(
                    parsed.value,
                    target=f"{prefix}credential",
                    keys=self.keys,
                    contexts=self.contexts,
                    now=rules.now,
                    leeway=self.leeway,
                )
            ]
        else:
            assert isinstance(parsed.value, dict)
            credentials = verify_ldp_vp(
                parsed.value,
                report=report,
                prefix=prefix,
                keys=self.keys,
                contexts=self.contexts,
                now=rules.now,
                leeway=self.leeway,
                challenge=rules.challenge,
                domain=rules.domain,
                require_binding=rules.require_binding,
                holder_is_subject=rules.holder_is_subject,
            )
        if kind == "presentation" and not credentials and parsed.format != "dc+sd-jwt":
            report.add(
                "data_model",
                False,
                "the presentation carries no credential",
                f"{prefix}presentation",
            )
        for index, credential in enumerate(credentials):
            authentic = credential.issuer is not None and not any(
                not c.passed and c.code in _SIGNATURE_CODES for c in credential.checks
            )
            if authentic and rules.check_status:
                self._status(credential, status_claims.get(index), rules, now_epoch)
            if authentic and rules.check_trust:
                check_trust(credential, self.trust, rules.now)
            report.absorb(credential)

    def _status(
        self,
        credential: CredentialReport,
        sd_jwt_claims: Mapping[str, Any] | None,
        rules: _Rules,
        now: float,
    ) -> None:
        assert credential.issuer is not None
        outcomes: list[StatusOutcome] = []
        try:
            if sd_jwt_claims is not None:
                if "status" not in sd_jwt_claims:
                    credential.add("status", True, "no status entry")
                    return
                outcomes.append(
                    self.status.token_status(sd_jwt_claims, issuer=credential.issuer, now=now)
                )
            else:
                entries = as_list(credential.document.get("credentialStatus", []))
                if not entries:
                    credential.add("status", True, "no status entry")
                    return
                for entry in entries:
                    outcomes.append(
                        self.status.bitstring_status(entry, issuer=credential.issuer, now=now)
                    )
        except StatusUnavailable as exc:
            if rules.status_fail_open:
                credential.add(
                    "status", True, f"not checked, accepted by policy (fail open): {exc.detail}"
                )
            else:
                credential.add("status", False, f"unreachable (fail closed): {exc.detail}")
            return
        except CredentialError as exc:
            credential.add("status", False, exc.detail)
            return
        for outcome in outcomes:
            credential.add("status", outcome.valid, outcome.detail)
