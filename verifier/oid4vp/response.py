"""The wallet's Authorization Response: read it, verify it, match it (§8.1, §8.2, §8.3, §8.6).

https://openid.net/specs/openid-4-verifiable-presentations-1_0.html#section-8

:func:`response_parameters` turns the Response URI's form into the response parameters
(decrypting the ``response`` JWE of ``direct_post.jwt``, parsing the ``vp_token`` JSON of
``direct_post``). :func:`evaluate` turns them into the transaction's result: a wallet
error, or the verdict on the ``vp_token``. Every presentation is verified (§8.6: "the
effected Presentation MUST be discarded" when one fails) and what was verified is matched
against the DCQL query (§6.4). A transaction created from a named policy is verified as a
whole by a :class:`~verifier.oid4vp.presentation.PolicyVerifier`, so that the policy's
rules across credentials apply; a verifier that cannot apply policies fails it (closed).

The result is the JSON the relying party polls: ``verified``, ``checks`` (each
``{code, passed, detail}``; per presentation ``<query id>[<i>].<code>``, then ``policy``
and ``dcql``), ``claims`` per query id, and the per-presentation outcomes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from verifier.oid4vp.dcql import DcqlQuery, parse_dcql_query
from verifier.oid4vp.encryption import decrypt_response
from verifier.oid4vp.errors import InvalidRequest, InvalidTransaction
from verifier.oid4vp.matching import PresentedCredential, check_token_shape, match_vp_token
from verifier.oid4vp.presentation import (
    PolicyVerifier,
    PresentationOutcome,
    PresentationVerifier,
    TokenPresentation,
)
from verifier.oid4vp.transactions import TransactionView

MAX_VP_TOKEN_CHARS: Final = 1024 * 1024


def check(code: str, passed: bool, detail: str) -> dict[str, Any]:
    """One entry of a result's ``checks``."""
    return {"code": code, "passed": passed, "detail": detail}


def response_parameters(view: TransactionView, form: Mapping[str, str]) -> dict[str, Any]:
    """The Authorization Response parameters posted to the Response URI.

    ``direct_post.jwt`` (§8.3): the ``response`` parameter is a JWE to the transaction's
    ephemeral key, which is dropped once the transaction is answered; only an ``error``
    may come unencrypted. ``direct_post`` (§8.2): the ``vp_token`` form value is JSON.
    """
    if view.response_mode == "direct_post.jwt" and "response" in form:
        if view.response_key is None:
            raise InvalidTransaction("the transaction was already answered")
        return decrypt_response(form["response"], view.response_key)
    if view.response_mode == "direct_post.jwt" and "error" not in form:
        raise InvalidRequest("response_mode is direct_post.jwt: the response parameter is required")
    params: dict[str, Any] = dict(form)
    if "vp_token" in params:
        text = params["vp_token"]
        if not isinstance(text, str) or len(text) > MAX_VP_TOKEN_CHARS:
            raise InvalidRequest("vp_token must be a JSON object")
        try:
            params["vp_token"] = json.loads(text)
        except (ValueError, RecursionError):
            raise InvalidRequest("vp_token is not JSON") from None
    return params


def evaluate(
    view: TransactionView,
    params: Mapping[str, Any],
    verifier: PresentationVerifier,
    *,
    now: float,
) -> dict[str, Any]:
    """The transaction's result for these response parameters.

    A malformed ``vp_token`` (§8.1 structure) raises :class:`InvalidRequest`; a token that
    is well formed but does not verify is a result with ``verified: false``.
    """
    if "error" in params:
        error = str(params.get("error"))[:64]
        detail = str(params.get("error_description", ""))[:500]
        return {
            "verified": False,
            "wallet_error": error,
            "checks": [check("wallet", False, f"the wallet answered {error}: {detail}".strip())],
        }
    vp_token = params.get("vp_token")
    if not isinstance(vp_token, dict) or not vp_token:
        raise InvalidRequest(
            "vp_token must be a non-empty JSON object keyed by credential query id"
        )
    query = parse_dcql_query(view.dcql_query, strict=False)
    problems = check_token_shape(query, vp_token)
    if problems:
        raise InvalidRequest("; ".join(problems))
    items = [
        TokenPresentation(
            query_id=query_id,
            format=query.credential(query_id).format,
            presentation=presentation,
            require_holder_binding=query.credential(query_id).require_cryptographic_holder_binding,
        )
        for query_id, presentations in vp_token.items()
        for presentation in presentations
    ]
    token_checks: list[dict[str, Any]] = []
    report: dict[str, Any] = {}
    if view.policy is None:
        outcomes = [_verify_one(verifier, item, view, now) for item in items]
    elif isinstance(verifier, PolicyVerifier):
        verdict = verifier.verify_token(
            items, policy=view.policy, nonce=view.nonce, audience=view.client_id, now=now
        )
        outcomes = verdict.presentations
        token_checks = [check(c.code, c.passed, c.detail) for c in verdict.checks]
        report = verdict.detail
    else:
        outcomes = [_verify_one(verifier, item, view, now) for item in items]
        token_checks = [
            check("policy", False, f"policy {view.policy} not applied: no verification pipeline")
        ]
    return _result(query, items, outcomes, token_checks, report)


def _verify_one(
    verifier: PresentationVerifier, item: TokenPresentation, view: TransactionView, now: float
) -> PresentationOutcome:
    return verifier.verify(
        item.presentation,
        format=item.format,
        nonce=view.nonce,
        audience=view.client_id,
        require_holder_binding=item.require_holder_binding,
        now=now,
    )


def _result(
    query: DcqlQuery,
    items: list[TokenPresentation],
    outcomes: list[PresentationOutcome],
    token_checks: list[dict[str, Any]],
    detail: dict[str, Any],
) -> dict[str, Any]:
    by_query: dict[str, list[PresentationOutcome]] = {}
    accepted: dict[str, list[PresentedCredential]] = {}
    for item, outcome in zip(items, outcomes, strict=True):
        by_query.setdefault(item.query_id, []).append(outcome)
        if outcome.verified:
            accepted.setdefault(item.query_id, []).extend(outcome.credentials)
    report = match_vp_token(query, accepted)
    checks = [
        check(f"{qid}[{i}].{c.code}", c.passed, c.detail)
        for qid, group in by_query.items()
        for i, outcome in enumerate(group)
        for c in outcome.checks
    ]
    checks.extend(token_checks)
    checks.append(
        check(
            "dcql",
            report.satisfied,
            "; ".join(report.messages()) or "the presentations answer the query",
        )
    )
    result: dict[str, Any] = {
        "verified": all(o.verified for o in outcomes)
        and all(c["passed"] for c in token_checks)
        and report.satisfied,
        "checks": checks,
        "claims": {qid: [dict(c.claims) for c in creds] for qid, creds in accepted.items()},
        "presentations": {qid: [o.to_json() for o in group] for qid, group in by_query.items()},
    }
    if detail:
        result["detail"] = detail
    return result
