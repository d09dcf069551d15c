"""The pipeline's Gaia-X branch: recognise a Gaia-X presentation and fold its verdict in.

A Gaia-X participant presentation is verified by :func:`verifier.gaia_x.
verify_gaia_x_presentation` (signatures with the x5u chain rule, SHACL, the compliance
service's business rules, compliance-credential integrity; reference gaia-x.md §5) instead
of the generic steps, because its trust model differs: the issuer's key is trusted through
an EV/eIDAS certificate chain, there is no holder binding and no status entry.

Recognised (:func:`gaia_x_input`), from the shape only:

- Loire: a ``vp+jwt`` whose enveloped credentials (``EnvelopedVerifiableCredential``,
  VCDM 2.0 §4.13) are VC-JWTs with a ``gx:`` type;
- Tagus: a VCDM 1.1 presentation whose credentials carry a ``JsonWebSignature2020`` proof
  and use the Gaia-X trust-framework context or ``gx:`` subject types.

The library's check codes become the report's (``signature``, ``expired``, ``x5u_chain``,
``shacl``, ``terms_and_conditions``, ``subdivision_code``, ``registration_join``,
``did_resolution``, ``compliance_integrity``). With ``skip_unconfigured`` (development),
the ``shacl`` and ``subdivision_code`` failures that only say "nothing is configured" are
reported as passed with a "skipped" detail instead.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from credentials import multiformats as mf
from credentials.errors import MalformedError
from credentials.jsonld import ContextRegistry
from credentials.vcdm import ENVELOPED_CREDENTIAL, parse_data_url
from verifier.gaia_x import GaiaXShapes, GaiaXVerifyOptions, verify_gaia_x_presentation
from verifier.gaia_x.rules import DidDocumentResolver
from verifier.pipeline.report import CredentialReport, VerificationReport

TAGUS_CONTEXT_MARK: Final = "gaia-x.eu"
#: Details of the failures that only mean "not configured" (verifier.gaia_x wording).
_UNCONFIGURED: Final = (
    "no SHACL shapes are configured",
    "no ISO 3166-2 code list is configured",
)


@dataclass(frozen=True, slots=True)
class GaiaXVerification:
    """What the deployment configures for Gaia-X presentations (built at start)."""

    resolver: DidDocumentResolver
    registry: ContextRegistry
    shapes: GaiaXShapes
    options: GaiaXVerifyOptions
    skip_unconfigured: bool = False


def _payload(token: str) -> Mapping[str, Any] | None:
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        header = json.loads(mf.b64url_decode(parts[0]))
        payload = json.loads(mf.b64url_decode(parts[1]))
    except (ValueError, UnicodeDecodeError, RecursionError, MalformedError):
        return None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        return None
    return payload


def _types(value: object) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [t for t in items if isinstance(t, str)]


def _is_gx(document: Mapping[str, Any]) -> bool:
    subjects = document.get("credentialSubject")
    nodes = subjects if isinstance(subjects, list) else [subjects]
    kinds = _types(document.get("type"))
    for node in nodes:
        if isinstance(node, Mapping):
            kinds += _types(node.get("type"))
    return any(t.startswith("gx:") for t in kinds)


def _loire(token: str) -> bool:
    payload = _payload(token)
    if payload is None:
        return False
    credentials = payload.get("verifiableCredential")
    for entry in credentials if isinstance(credentials, list) else []:
        if not isinstance(entry, Mapping) or ENVELOPED_CREDENTIAL not in _types(entry.get("type")):
            continue
        try:
            _media, inner = parse_data_url(entry.get("id"))
        except ValueError:
            continue
        document = _payload(inner)
        if document is not None and _is_gx(document):
            return True
    return False


def _tagus(document: Mapping[str, Any]) -> bool:
    credentials = document.get("verifiableCredential")
    for credential in credentials if isinstance(credentials, list) else [credentials]:
        if not isinstance(credential, Mapping):
            continue
        proofs = credential.get("proof")
        proof_types = [
            p.get("type")
            for p in (proofs if isinstance(proofs, list) else [proofs])
            if isinstance(p, Mapping)
        ]
        contexts = json.dumps(credential.get("@context"))
        if "JsonWebSignature2020" in proof_types and (
            TAGUS_CONTEXT_MARK in contexts or _is_gx(credential)
        ):
            return True
    return False


def gaia_x_input(value: object) -> str | dict[str, Any] | None:
    """``value`` as :func:`verify_gaia_x_presentation` takes it, when it is a Gaia-X
    presentation; None otherwise (the generic pipeline handles it)."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("{"):
            try:
                parsed = json.loads(text)
            except (ValueError, RecursionError):
                return None
            return gaia_x_input(parsed)
        return text if _loire(text) else None
    if isinstance(value, dict) and "VerifiablePresentation" in _types(value.get("type")):
        return value if _tagus(value) else None
    return None


def verify_gaia_x(
    value: str | dict[str, Any], config: GaiaXVerification, *, now: datetime
) -> VerificationReport:
    """Verify a Gaia-X presentation and express the verdict as a pipeline report."""
    result = verify_gaia_x_presentation(
        value,
        resolver=config.resolver,
        registry=config.registry,
        shapes=config.shapes,
        now=now,
        options=config.options,
    )
    report = VerificationReport(kind="presentation", format=result.format)
    report.trust_checked = False
    for check in result.checks:
        if not check.passed and config.skip_unconfigured and check.detail.startswith(_UNCONFIGURED):
            report.add(check.code, True, f"skipped: {check.detail} (development)", "presentation")
            continue
        report.add(check.code, check.passed, check.detail, "presentation")
    documents = result.extra.get("credentials") or []
    for index, document in enumerate(documents):
        subject = document.get("credentialSubject")
        issuer = document.get("issuer")
        types = [t for t in _types(document.get("type")) if t != "VerifiableCredential"]
        if not types and isinstance(subject, Mapping):
            types = _types(subject.get("type"))
        report.credentials.append(
            CredentialReport(
                target=f"credential[{index}]",
                format=result.format,
                issuer=issuer.get("id") if isinstance(issuer, Mapping) else issuer,
                types=types,
                claims=dict(subject) if isinstance(subject, Mapping) else {},
                document=dict(document),
            )
        )
    return report
