"""The ``ldp_vc`` / ``ldp_vp`` stage: JSON-LD documents secured with embedded proofs.

- ``DataIntegrityProof`` (VC Data Integrity 1.0 §4.4–4.5; ``eddsa-rdfc-2022``,
  ``ecdsa-rdfc-2019``) and ``JsonWebSignature2020`` (lds-jws2020, Gaia-X Tagus flavour
  first) are dispatched on the proof ``type``.
- A credential's proof is made for ``assertionMethod`` by a method of its ``issuer``; a
  presentation's proof for ``authentication`` with the caller's ``challenge`` and
  ``domain`` (VC-DI §2.1.2, "INVALID_CHALLENGE_ERROR" / "INVALID_DOMAIN_ERROR" when they
  differ) by a method of its ``holder``; with ``holder_is_subject`` each credential names
  the holder as a subject (VCDM 2.0 §4.12 and §8.3 holder binding).
- The data model (VCDM 2.0, or 1.1 for Gaia-X Tagus) and the validity window are checked
  with the bounded leeway of :func:`credentials.vcdm.check_validity_window`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Final

from pyld import jsonld

from credentials import jws2020
from credentials.data_integrity import AssertionMethodPurpose, AuthenticationPurpose
from credentials.data_integrity import verify as verify_data_integrity
from credentials.data_integrity.purposes import ProofPurpose
from credentials.did import parse_did_url
from credentials.errors import CredentialError
from credentials.jsonld import ContextRegistry
from credentials.result import VerificationResult
from credentials.vcdm import (
    check_validity_window,
    holder_id,
    issuer_id,
    validate_credential,
    validate_presentation,
)
from credentials.vcdm.values import as_list
from verifier.pipeline.keys import KeyDirectory
from verifier.pipeline.report import CredentialReport, VerificationReport
from verifier.pipeline.vcdm_facts import fill_facts

MAX_CREDENTIALS: Final = 32
_SENTINEL: Final = "urn:attestia:undefined-term:"
_UNDEFINED: Final = re.compile(re.escape(_SENTINEL) + r'([^"\\]{1,200})')


def undefined_terms(document: Mapping[str, Any], contexts: ContextRegistry) -> list[str]:
    """Terms and types no ``@context`` defines: JSON-LD expansion would drop them, so
    the proof would not cover them (VC Data Integrity 1.0 §4.1 and the "safe mode" of
    jsonld-signatures: a dropped term MUST be an error).

    Found by expanding once more with a sentinel ``@vocab`` placed *before* the
    document's own contexts, so a context that sets its own ``@vocab`` still wins.
    """
    probe = dict(document)
    probe.pop("proof", None)
    own = probe.get("@context")
    probe["@context"] = [{"@vocab": _SENTINEL}, *(own if isinstance(own, list) else [own])]
    options = contexts.pyld_options()
    options["base"] = ""
    try:
        expanded = jsonld.expand(probe, options)
    except Exception:  # noqa: BLE001 - the proof check reports the JSON-LD error itself
        return []
    return sorted(set(_UNDEFINED.findall(json.dumps(expanded))))


def _proof_types(document: Mapping[str, Any]) -> set[object]:
    return {p.get("type") for p in as_list(document.get("proof")) if isinstance(p, Mapping)}


def _verify_proofs(
    document: Mapping[str, Any],
    *,
    purpose: ProofPurpose,
    keys: KeyDirectory,
    contexts: ContextRegistry,
    now: datetime,
) -> VerificationResult:
    if jws2020.PROOF_TYPE in _proof_types(document):
        return jws2020.verify(
            document, purpose=purpose, resolver=keys.method, registry=contexts, now=now
        )
    return verify_data_integrity(
        document, purpose=purpose, resolver=keys.method, registry=contexts, now=now
    )


def _signers(document: Mapping[str, Any]) -> list[str]:
    """The DIDs whose methods signed (the part of each ``verificationMethod`` before ``#``)."""
    out: list[str] = []
    for proof in as_list(document.get("proof")):
        method = proof.get("verificationMethod") if isinstance(proof, Mapping) else None
        if isinstance(method, str):
            try:
                out.append(parse_did_url(method).did)
            except CredentialError:
                out.append(method.split("#", 1)[0])
    return out


def _add_result(
    report: CredentialReport | None,
    outer: VerificationReport | None,
    target: str,
    result: VerificationResult,
) -> None:
    for check in result.checks:
        if report is not None:
            report.add(check.code, check.passed, check.detail)
        elif outer is not None:
            outer.add(check.code, check.passed, check.detail, target)


def _window(add: Any, document: Mapping[str, Any], now: datetime, leeway: float) -> None:
    problems = [
        p
        for p in check_validity_window(document, now=now, leeway=timedelta(seconds=leeway))
        if p.code != "datetime"
    ]
    for problem in problems:
        add(problem.code, False, str(problem))
    if not problems:
        add("expired", True, "within the validity period")
        add("not_yet_valid", True, "within the validity period")


def verify_ldp_vc(
    document: Mapping[str, Any],
    *,
    target: str,
    keys: KeyDirectory,
    contexts: ContextRegistry,
    now: datetime,
    leeway: float,
) -> CredentialReport:
    """A JSON-LD credential with an issuer's ``assertionMethod`` proof."""
    report = CredentialReport(target=target, format="ldp_vc")
    problems = [str(p) for p in validate_credential(document)]
    undefined = undefined_terms(document, contexts)
    if undefined:
        problems.append(f"terms no @context defines (they would not be signed): {undefined}")
    for problem in problems:
        report.add("data_model", False, problem)
    if not problems:
        report.add("data_model", True, "well-formed credential")
    result = _verify_proofs(
        document, purpose=AssertionMethodPurpose(), keys=keys, contexts=contexts, now=now
    )
    _add_result(report, None, target, result)
    issuer = issuer_id(document)
    if result.verified:
        strangers = [s for s in _signers(document) if s != issuer]
        if strangers:
            report.add("signature", False, f"signed by {strangers[0]}, not by the issuer {issuer}")
    _window(report.add, document, now, leeway)
    fill_facts(report, document)
    return report


def verify_ldp_vp(
    document: Mapping[str, Any],
    *,
    report: VerificationReport,
    prefix: str,
    keys: KeyDirectory,
    contexts: ContextRegistry,
    now: datetime,
    leeway: float,
    challenge: str | None,
    domain: str | None,
    require_binding: bool,
    holder_is_subject: bool,
) -> list[CredentialReport]:
    """A JSON-LD presentation; returns one report per embedded credential."""
    target = f"{prefix}presentation"
    problems = [str(p) for p in validate_presentation(document)]
    undefined = undefined_terms(
        {k: v for k, v in document.items() if k != "verifiableCredential"}, contexts
    )
    if undefined:
        problems.append(f"terms no @context defines (they would not be signed): {undefined}")
    for problem in problems:
        report.add("data_model", False, problem, target)
    if not problems:
        report.add("data_model", True, "well-formed presentation", target)
    holder = holder_id(document)
    report.holder = holder
    if "proof" in document and challenge is not None:
        purpose = AuthenticationPurpose(challenge=challenge, domain=domain)
        result = _verify_proofs(document, purpose=purpose, keys=keys, contexts=contexts, now=now)
        _add_result(None, report, target, result)
        signers = _signers(document)
        if result.verified:
            if holder is not None and any(s != holder for s in signers):
                report.add("holder_binding", False, "the proof is not by the holder", target)
            else:
                report.holder = holder or (signers[0] if signers else None)
                report.add("holder_binding", True, "challenge and domain match", target)
    elif require_binding:
        reason = "no proof" if "proof" not in document else "no challenge was given to check"
        report.add("holder_binding", False, f"the presentation is not bound: {reason}", target)
    credentials: list[CredentialReport] = []
    items = as_list(document.get("verifiableCredential", []))
    for index, item in enumerate(items[:MAX_CREDENTIALS]):
        where = f"{prefix}credential[{index}]"
        if not isinstance(item, Mapping):
            outcome = CredentialReport(target=where, format="ldp_vc")
            outcome.add("malformed", False, "an embedded credential must be a JSON object")
        else:
            outcome = verify_ldp_vc(
                item, target=where, keys=keys, contexts=contexts, now=now, leeway=leeway
            )
        if holder_is_subject and report.holder is not None and outcome.subject_ids is not None:
            if report.holder in outcome.subject_ids:
                outcome.add("holder_binding", True, "the holder is the subject")
            else:
                outcome.add(
                    "holder_binding", False, f"the holder {report.holder!r} is not a subject"
                )
        credentials.append(outcome)
    if len(items) > MAX_CREDENTIALS:
        report.add("malformed", False, f"more than {MAX_CREDENTIALS} credentials", target)
    return credentials
