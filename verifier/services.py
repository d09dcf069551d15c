"""The verifier's shared objects, built once at start: pipeline, policies, API keys.

The composition layer (``attestia``) calls :func:`build_verifier_services` in the app's
lifespan and stores the result on ``app.state.verifier``; routers read it from there.
Nothing here reads the environment: settings arrive as arguments (see
:func:`config_from_settings` for the attribute names read from the deployment settings).

:class:`PipelinePresentationVerifier` adapts the pipeline to
:class:`verifier.oid4vp.presentation.PresentationVerifier`, so that the OpenID4VP response
endpoint runs the same checks (status, trust included) as the connector API and the CLI.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from cryptography import x509

from credentials.did import default_resolver
from credentials.jsonld import ContextRegistry
from credentials.net.fetcher import Fetcher
from credentials.result import Check
from verifier.pipeline import CredentialFormat, VerificationPipeline, VerifyOptions
from verifier.policies import PolicyRegistry, load_policies
from verifier.trust import TrustChecker

_SHA256_HEX: Final = frozenset("0123456789abcdef")
#: OpenID4VP Credential Format Identifiers → the pipeline's presentation formats.
OID4VP_FORMATS: Final[dict[str, CredentialFormat]] = {
    "dc+sd-jwt": "dc+sd-jwt",
    "vc+sd-jwt": "dc+sd-jwt",
    "jwt_vc_json": "vp+jwt",
    "ldp_vc": "ldp_vp",
}


class ApiKeyError(ValueError):
    """The API key configuration is invalid (bad digest, unreadable file)."""


def _digest(name: str, value: object) -> str:
    if not isinstance(value, str) or len(value) != 64 or not set(value.lower()) <= _SHA256_HEX:
        raise ApiKeyError(f"API key {name!r}: expected the hex SHA-256 of the key")
    return value.lower()


def load_api_keys(keys: Mapping[str, str], file: Path | None = None) -> dict[str, str]:
    """Connector name → SHA-256 (hex) of its key, from settings and/or a JSON file.

    The file holds a JSON object of the same shape. Only digests are stored: a leaked
    configuration does not leak keys.
    """
    combined = {name: _digest(name, value) for name, value in keys.items()}
    if file is not None:
        try:
            loaded = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ApiKeyError(f"{file}: cannot read the API key file ({exc})") from None
        if not isinstance(loaded, dict):
            raise ApiKeyError(f"{file}: expected a JSON object name → sha256")
        for name, value in loaded.items():
            combined[str(name)] = _digest(str(name), value)
    return combined


@dataclass(frozen=True, slots=True)
class ApiKeys:
    """Optional bearer keys per connector; empty means the API is open."""

    digests: Mapping[str, str] = field(default_factory=dict)

    @property
    def required(self) -> bool:
        return bool(self.digests)

    def connector(self, presented: str) -> str | None:
        """The connector whose key this is (constant-time comparison), else None."""
        digest = hashlib.sha256(presented.encode()).hexdigest()
        found = None
        for name, expected in self.digests.items():
            if hmac.compare_digest(digest, expected):
                found = name
        return found


@dataclass(frozen=True, slots=True)
class VerifierServices:
    """What the verifier's routers share (``request.app.state.verifier``)."""

    pipeline: VerificationPipeline
    policies: PolicyRegistry
    api_keys: ApiKeys


def _utc_now() -> datetime:
    return datetime.now(UTC)


def build_verifier_services(
    *,
    base_url: str,
    fetcher: Fetcher,
    trust: TrustChecker | None,
    clock: Callable[[], datetime] = _utc_now,
    contexts: ContextRegistry | None = None,
    extra_contexts: Mapping[str, bytes] | None = None,
    api_keys: Mapping[str, str] | None = None,
    api_keys_file: Path | None = None,
    dev_hosts: frozenset[str] = frozenset(),
    x5c_anchors: Sequence[x509.Certificate] = (),
    policies_dir: Path | None = None,
    leeway: float = 60.0,
) -> VerifierServices:
    """Build the pipeline and load policies and API keys; invalid configuration raises.

    ``extra_contexts`` adds JSON-LD contexts (URL → bytes, e.g. the issuer's vocabulary
    passed in by the composition layer); ``dev_hosts`` lets did:web reach those hosts over
    plain http (dev only).
    """
    registry = contexts or ContextRegistry.standard()
    if extra_contexts:
        registry = registry.with_documents(dict(extra_contexts))
    policies = load_policies(base_url=base_url, directory=policies_dir)
    dids = default_resolver(fetcher, clock=lambda: clock().timestamp(), http_hosts=dev_hosts)
    pipeline = VerificationPipeline(
        dids=dids,
        fetcher=fetcher,
        contexts=registry,
        clock=clock,
        trust=trust,
        policies=policies,
        x5c_anchors=x5c_anchors,
        leeway=leeway,
    )
    keys = ApiKeys(load_api_keys(api_keys or {}, api_keys_file))
    return VerifierServices(pipeline=pipeline, policies=policies, api_keys=keys)


def config_from_settings(settings: object) -> dict[str, Any]:
    """Keyword arguments for :func:`build_verifier_services` from deployment settings.

    Reads ``base_url``, ``verifier_api_keys`` (mapping), ``verifier_api_keys_file``,
    ``dev_allowed_hosts`` and ``is_production``; absent attributes take their defaults,
    so this works before the settings grow the verifier's fields.
    """
    production = bool(getattr(settings, "is_production", False))
    hosts = () if production else getattr(settings, "dev_allowed_hosts", ())
    keys_file = getattr(settings, "verifier_api_keys_file", None)
    return {
        "base_url": str(getattr(settings, "base_url", "")),
        "api_keys": dict(getattr(settings, "verifier_api_keys", None) or {}),
        "api_keys_file": Path(keys_file) if keys_file else None,
        "dev_hosts": frozenset(hosts or ()),
    }


class PipelinePresentationVerifier:
    """:class:`verifier.oid4vp.presentation.PresentationVerifier` over the pipeline.

    ``nonce`` / ``audience`` become the pipeline's ``challenge`` / ``domain`` (OpenID4VP
    1.0 Appendix B); the outcome lists each credential with the claims DCQL paths apply
    to (the processed SD-JWT payload, or the whole W3C credential).
    """

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
    ) -> Any:
        from verifier.oid4vp.matching import PresentedCredential
        from verifier.oid4vp.presentation import PresentationOutcome

        declared = OID4VP_FORMATS.get(format)
        if declared is None:
            check = Check("malformed", False, f"presentations in {format!r} are not supported")
            return PresentationOutcome(verified=False, checks=[check])
        options = VerifyOptions(
            challenge=nonce,
            domain=audience,
            format=declared,
            policy=self._policy,
            at=datetime.fromtimestamp(now, UTC),
            require_holder_binding=require_holder_binding,
        )
        report = self._pipeline.verify_presentation(presentation, options)
        credentials = [
            PresentedCredential(
                format=format,
                claims=c.document or c.claims,
                vct=c.types[0] if c.format == "dc+sd-jwt" and c.types else None,
                types=tuple(c.types),
                issuer=c.issuer,
            )
            for c in report.credentials
            if c.verified
        ]
        checks = [Check(c.code, c.passed, f"{c.target}: {c.detail}") for c in report.checks]
        return PresentationOutcome(
            verified=report.verified,
            checks=checks,
            credentials=credentials if report.verified else [],
            detail={"report": report.to_json()},
        )
