"""One entry point for Gaia-X presentations: :func:`verify_gaia_x_presentation`.

A string is a Loire VP-JWT (VCDM 2.0, enveloped VC-JWTs); a JSON object is a Tagus VCDM 1.1
presentation of JsonWebSignature2020 credentials. The checks follow the compliance service's
order (reference gaia-x.md §5): signatures with the x5u rule, then SHACL, then the business
rules, then the integrity of any compliance credential. Check codes are stable:
``signature``, ``x5u_chain``, ``shacl``, ``terms_and_conditions``, ``subdivision_code``,
``registration_join``, ``did_resolution``, ``compliance_integrity`` (plus ``malformed``,
``expired``, ``not_yet_valid`` from the data model). Content checks run only on the
credentials whose signature verified.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from credentials.errors import CredentialError
from credentials.jsonld import ContextRegistry
from credentials.net import Fetcher
from credentials.result import VerificationResult
from verifier.gaia_x import rules
from verifier.gaia_x.integrity import Secured, check_integrity, is_compliance_credential
from verifier.gaia_x.rules import DidDocumentResolver, Flavour
from verifier.gaia_x.shacl import ShapesGraph, subjects_graph, validate
from verifier.gaia_x.signatures import SignatureContext, verify_loire, verify_tagus
from verifier.gaia_x.vocabulary import (
    LOIRE_TERMS_AND_CONDITIONS_HASHES,
    TAGUS_TERMS_AND_CONDITIONS,
    issuer_of,
)
from verifier.gaia_x.x5u import ChainPolicy


@dataclass(frozen=True, slots=True)
class GaiaXShapes:
    """Shapes per flavour, loaded once from configuration (:func:`.shacl.load_shapes`)."""

    loire: ShapesGraph | None = None
    tagus: ShapesGraph | None = None

    def for_flavour(self, flavour: Flavour) -> ShapesGraph | None:
        return self.loire if flavour == "loire" else self.tagus


@dataclass(frozen=True, slots=True)
class GaiaXVerifyOptions:
    """What a deployment configures.

    ``subdivision_codes``: the ISO 3166-2 list (:func:`load_subdivision_codes`);
    ``exempt_issuers``: trusted notaries and compliance services, which sign no T&C;
    ``fetcher``: for ``x5u`` chains; ``chain_policy``: EV/eIDAS anchors and whether dev chains
    pass; ``require_shacl``: without shapes for the flavour the ``shacl`` check fails.
    """

    subdivision_codes: frozenset[str] = frozenset()
    exempt_issuers: frozenset[str] = frozenset()
    fetcher: Fetcher | None = None
    chain_policy: ChainPolicy = field(default_factory=ChainPolicy)
    require_x5u: bool = True
    require_shacl: bool = True
    tagus_terms_and_conditions: str = TAGUS_TERMS_AND_CONDITIONS
    loire_terms_hashes: frozenset[str] = frozenset(LOIRE_TERMS_AND_CONDITIONS_HASHES)
    leeway: float = 60


def load_subdivision_codes(path: Path) -> frozenset[str]:
    """The ISO 3166-2 list in the compliance service's format (a JSON array of codes)."""
    data = json.loads(path.read_text("utf-8"))
    if not isinstance(data, list) or not all(isinstance(code, str) for code in data):
        raise ValueError(f"{path} is not a JSON array of ISO 3166-2 codes")
    return frozenset(data)


def _shacl(
    result: VerificationResult,
    credentials: list[Mapping[str, Any]],
    shapes: ShapesGraph | None,
    registry: ContextRegistry,
    options: GaiaXVerifyOptions,
    flavour: Flavour,
) -> None:
    if shapes is None:
        if options.require_shacl:
            result.fail("shacl", f"no SHACL shapes are configured for {flavour}")
        return
    try:
        report = validate(subjects_graph(credentials, registry), shapes)
    except CredentialError as exc:
        result.fail("shacl", exc.detail)
        return
    if report.conforms:
        result.passed("shacl", f"the credential subjects conform to the {flavour} shapes")
    for violation in report.violations[:50]:
        result.fail("shacl", violation)


def verify_gaia_x_presentation(
    document_or_jwt: str | Mapping[str, Any],
    *,
    resolver: DidDocumentResolver,
    registry: ContextRegistry,
    shapes: GaiaXShapes | None,
    now: datetime,
    options: GaiaXVerifyOptions,
) -> VerificationResult:
    """Verify a Gaia-X participant presentation in either flavour; never raises on bad input.

    ``resolver`` resolves DIDs (did:web through the SSRF-guarded fetcher); ``registry``
    must serve the Gaia-X contexts (``issuer.gaia_x.gaia_x_registry`` builds one);
    ``now`` is timezone-aware. ``extra["flavour"]`` and ``extra["credentials"]`` (the
    verified credentials' JSON) describe what was read.
    """
    flavour: Flavour = "loire" if isinstance(document_or_jwt, str) else "tagus"
    result = VerificationResult(format=f"gaia-x-{flavour}")
    result.extra["flavour"] = flavour
    ctx = SignatureContext(
        resolver=resolver,
        registry=registry,
        now=now,
        fetcher=options.fetcher,
        chain_policy=options.chain_policy,
        require_x5u=options.require_x5u,
        leeway=options.leeway,
    )
    document: object = document_or_jwt
    if isinstance(document, str):
        secured = verify_loire(document, result, ctx)
    elif isinstance(document, Mapping):
        secured = verify_tagus(document, result, ctx)
    else:
        result.fail("malformed", "a Gaia-X presentation is a VP-JWT string or a JSON object")
        return result
    compliance = [s for s in secured if is_compliance_credential(s.document)]
    participant = [s.document for s in secured if s not in compliance]
    result.extra["credentials"] = [dict(s.document) for s in secured]
    result.credential_types = sorted({t for d in participant for t in _types(d)})
    if not participant:
        result.fail("malformed", "no verified participant credential to check")
        return result
    _shacl(
        result,
        participant,
        shapes.for_flavour(flavour) if shapes else None,
        registry,
        options,
        flavour,
    )
    exempt = options.exempt_issuers | {i for c in compliance if (i := issuer_of(c.document))}
    rules.terms_and_conditions(
        result,
        participant,
        flavour=flavour,
        tagus_text=options.tagus_terms_and_conditions,
        loire_hashes=options.loire_terms_hashes,
        exempt_issuers=frozenset(exempt),
    )
    rules.subdivision_codes(result, participant, flavour=flavour, codes=options.subdivision_codes)
    rules.registration_join(result, participant, flavour=flavour)
    rules.did_resolution(result, participant, resolver=resolver, flavour=flavour)
    _integrity(result, compliance, secured)
    return result


def _types(document: Mapping[str, Any]) -> list[str]:
    value = document.get("type")
    return [t for t in (value if isinstance(value, list) else [value]) if isinstance(t, str)]


def _integrity(
    result: VerificationResult, compliance: list[Secured], secured: list[Secured]
) -> None:
    for credential in compliance:
        for passed, detail in check_integrity(credential.document, secured):
            if passed:
                result.passed("compliance_integrity", detail)
            else:
                result.fail("compliance_integrity", detail)
