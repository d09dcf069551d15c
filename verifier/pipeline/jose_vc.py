"""The ``vc+jwt`` / ``vp+jwt`` stage (VC-JOSE-COSE §3.1, §5.1, §5.4) via ``credentials``.

:func:`credentials.vc_jose.verify_vp_jwt` verifies the presentation and every enveloped
``vc+jwt`` (VCDM 2.0 §4.13); its per-credential outcomes become one
:class:`~verifier.pipeline.report.CredentialReport` each. The holder is the ``vp+jwt``
signer; with ``holder_is_subject`` every credential must name it as a subject.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from credentials.jose import typ_matches
from credentials.result import VerificationResult
from credentials.vc_jose import MAX_CREDENTIALS, MEDIA_TYPE_VC, verify_vc_jwt, verify_vp_jwt
from credentials.vcdm import ENVELOPED_CREDENTIAL, parse_data_url
from credentials.vcdm.values import as_list
from verifier.pipeline.keys import KeyDirectory
from verifier.pipeline.report import CredentialReport, VerificationReport
from verifier.pipeline.vcdm_facts import fill_facts


def _credential_report(
    target: str, result: VerificationResult | dict[str, Any]
) -> CredentialReport:
    report = CredentialReport(target=target, format="vc+jwt")
    if isinstance(result, VerificationResult):
        checks = [(c.code, c.passed, c.detail) for c in result.checks]
        claims = result.claims
    else:
        checks = [(c["code"], c["passed"], c["detail"]) for c in result.get("checks", [])]
        claims = result.get("claims") or {}
    for code, passed, detail in checks:
        report.add(code, passed, detail)
    if claims:
        fill_facts(report, claims)
    return report


def verify_vc_jwt_stage(
    token: str, *, target: str, keys: KeyDirectory, now: float, leeway: float
) -> CredentialReport:
    result = verify_vc_jwt(
        token, key_resolver=keys.jose_resolver("assertionMethod"), now=now, leeway=leeway
    )
    return _credential_report(target, result)


def verify_vp_jwt_stage(
    token: str,
    *,
    report: VerificationReport,
    prefix: str,
    keys: KeyDirectory,
    now: float,
    leeway: float,
    challenge: str | None,
    domain: str | None,
    require_binding: bool,
    holder_is_subject: bool,
) -> list[CredentialReport]:
    """Verify the presentation into ``report``; return one report per credential."""
    target = f"{prefix}presentation"
    if require_binding and challenge is None:
        report.add("holder_binding", False, "a presentation needs the verifier's challenge", target)
        return []
    result = verify_vp_jwt(
        token,
        key_resolver=keys.jose_resolver("authentication"),
        credential_key_resolver=keys.jose_resolver("assertionMethod"),
        now=now,
        expected_nonce=challenge,
        expected_audience=domain,
        require_holder_is_subject=holder_is_subject,
        leeway=leeway,
    )
    holder = result.extra.get("holder")
    report.holder = holder if isinstance(holder, str) else report.holder
    nested = result.extra.get("credentials", [])
    nested = nested if isinstance(nested, list) else []
    items = as_list(result.claims.get("verifiableCredential", [])) if result.claims else []
    indices = [i for i, item in enumerate(items[:MAX_CREDENTIALS]) if _is_enveloped_vc(item)]
    repeated = {
        f"verifiableCredential[{index}]: {check['detail']}"
        for index, outcome in zip(indices, nested, strict=False)
        for check in outcome.get("checks", [])
        if not check["passed"]
    }
    for check in result.checks:
        if check.code == "credential" or (not check.passed and check.detail in repeated):
            continue
        report.add(check.code, check.passed, check.detail, target)
    return [
        _credential_report(f"{prefix}credential[{index}]", outcome)
        for index, outcome in zip(indices, nested, strict=False)
    ]


def _is_enveloped_vc(item: object) -> bool:
    """Whether ``verify_vp_jwt`` verified ``item`` as an enveloped ``vc+jwt``."""
    if not isinstance(item, Mapping) or ENVELOPED_CREDENTIAL not in as_list(item.get("type")):
        return False
    try:
        media_type, _text = parse_data_url(item.get("id"))
    except ValueError:
        return False
    return typ_matches(media_type, [MEDIA_TYPE_VC])
