"""The verifier's shared objects, built once at start: pipeline, policies, API keys.

The composition layer (``attestia``) calls :func:`build_verifier_services` in the app's
lifespan and stores the result on ``app.state.verifier``; routers read it from there.
Nothing here reads the environment: settings arrive as arguments;
:func:`config_from_settings` maps the deployment's settings (anything shaped like
:class:`VerifierSettings`) onto them, reading the files they name (API key digests, the
``x5c`` trust anchors of SD-JWT VC issuers).

The OpenID4VP response endpoint runs the same pipeline through
:class:`verifier.oid4vp.pipeline_verifier.PipelinePresentationVerifier`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Protocol

from cryptography import x509

from credentials.did import default_resolver
from credentials.jsonld import ContextRegistry
from credentials.net.fetcher import Fetcher
from verifier.pipeline import VerificationPipeline
from verifier.policies import PolicyRegistry, load_policies
from verifier.trust import TrustChecker

_SHA256_HEX: Final = frozenset("0123456789abcdef")
MAX_ANCHOR_FILE_BYTES: Final = 1024 * 1024


class VerifierConfigError(ValueError):
    """The verifier's configuration is invalid; the message names the file or value."""


class ApiKeyError(VerifierConfigError):
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


def load_x5c_anchors(file: Path) -> list[x509.Certificate]:
    """The trust anchors for SD-JWT VC ``x5c`` chains (SD-JWT VC §3.5), a PEM bundle.

    The anchors are the roots (or the CAs a deployment chooses to trust directly); a
    presented ``x5c`` must chain to one of them and must not contain it (HAIP).
    """
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise VerifierConfigError(f"{file}: cannot read the x5c anchors ({exc})") from None
    if len(raw) > MAX_ANCHOR_FILE_BYTES:
        raise VerifierConfigError(f"{file}: the x5c anchor bundle is too large")
    try:
        anchors = x509.load_pem_x509_certificates(raw)
    except ValueError as exc:
        raise VerifierConfigError(f"{file}: not a PEM certificate bundle ({exc})") from None
    return anchors


class VerifierSettings(Protocol):
    """The deployment settings the verifier reads (``attestia.settings.Settings``)."""

    @property
    def base_url(self) -> str: ...
    @property
    def is_production(self) -> bool: ...
    @property
    def dev_allowed_hosts(self) -> list[str]: ...
    @property
    def verifier_api_keys(self) -> Mapping[str, str]: ...
    @property
    def verifier_api_keys_file(self) -> Path | None: ...
    @property
    def verifier_x5c_anchors_file(self) -> Path | None: ...


def config_from_settings(settings: VerifierSettings) -> dict[str, Any]:
    """Keyword arguments for :func:`build_verifier_services` from deployment settings.

    Reads the files the settings name; :class:`VerifierConfigError` when one is unusable.
    The dev hosts (plain-http did:web) apply outside production only.
    """
    anchors_file = settings.verifier_x5c_anchors_file
    return {
        "base_url": settings.base_url,
        "api_keys": dict(settings.verifier_api_keys),
        "api_keys_file": settings.verifier_api_keys_file,
        "dev_hosts": frozenset(() if settings.is_production else settings.dev_allowed_hosts),
        "x5c_anchors": load_x5c_anchors(anchors_file) if anchors_file is not None else (),
    }
