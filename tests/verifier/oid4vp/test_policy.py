"""Transactions created from a named policy: the policy spans the whole ``vp_token``.

The response endpoint runs every presentation of one response through the pipeline in one
call, with the transaction's nonce, client_id and policy, so that the policy's rules
across credentials (the same SIREN, the required set, required claims) apply.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from credentials.did import DidResolver
from credentials.did.jwk import JwkMethod
from credentials.did.key import KeyMethod
from credentials.jsonld import ContextRegistry
from credentials.sd_jwt import SD
from credentials.sd_jwt_vc import build_payload, issue_sd_jwt_vc
from credentials.vc_jose import sign_vc_jwt
from tests.holder.wallet import AuthorizationRequest, sd_jwt_presentation, vp_jwt_presentation
from tests.verifier.oid4vp.conftest import BASE_URL, Deployment, Party
from tests.verifier.oid4vp.test_e2e import start, status
from tests.verifier.oid4vp.test_pipeline_adapter import NoNetwork, Registry
from verifier.oid4vp.pipeline_verifier import PipelinePresentationVerifier
from verifier.pipeline import VerificationPipeline
from verifier.policies import load_policies

POLICY = "company-representative"
VCT = f"{BASE_URL}/issuer/vct/legal_representative"
CLAIMS = {
    "given_name": "Marianne",
    "family_name": "Dupont",
    "siren": "130025265",
    "legal_name": "DIRECTION INTERMINISTERIELLE DU NUMERIQUE",
    "role_label": "Directrice",
}
ALL_CLAIMS = dict.fromkeys(CLAIMS, True)


@pytest.fixture
def policy_deploy(deploy: Callable[..., Deployment], issuer: Party) -> Callable[..., Deployment]:
    def build(**settings: Any) -> Deployment:
        deployment = deploy(**settings)
        pipeline = VerificationPipeline(
            dids=DidResolver({"key": KeyMethod(), "jwk": JwkMethod()}, clock=time.time),
            fetcher=NoNetwork(),
            contexts=ContextRegistry.standard(),
            clock=lambda: datetime.now(UTC),
            trust=Registry(issuer.did),
            policies=load_policies(base_url=BASE_URL),
        )
        deployment.service._verifier = PipelinePresentationVerifier(pipeline)
        return deployment

    return build


def mandate_sd_jwt(
    request: AuthorizationRequest,
    issuer: Party,
    holder: Party,
    *,
    disclose: dict[str, Any] = ALL_CLAIMS,
    **claims: str,
) -> str:
    payload = build_payload(
        vct=VCT,
        iss=issuer.did,
        iat=int(time.time()) - 60,
        exp=int(time.time()) + 3600,
        claims={name: SD(value) for name, value in {**CLAIMS, **claims}.items()},
        holder_jwk=holder.jwk,
    )
    return sd_jwt_presentation(
        issue_sd_jwt_vc(payload, issuer.signer).compact,
        disclose,
        holder_jwk=holder.private_jwk,
        nonce=request.nonce,
        aud=request.client_id,
    )


def mandate_vp_jwt(request: AuthorizationRequest, issuer: Party, holder: Party, siren: str) -> str:
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "LegalRepresentativeCredential"],
        "issuer": issuer.did,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": holder.did, **CLAIMS, "siren": siren},
    }
    return vp_jwt_presentation(
        [sign_vc_jwt(credential, issuer.signer, issued_at=int(time.time()) - 60)],
        holder=holder.did,
        signer=holder.signer,
        nonce=request.nonce,
        aud=request.client_id,
        iat=int(time.time()),
    )


def answer(
    deployment: Deployment, build: Callable[[AuthorizationRequest], dict[str, list[Any]]]
) -> dict[str, Any]:
    transaction_id, created = start(deployment, policy=POLICY, response_mode="direct_post")
    request = deployment.wallet.fetch_request(created["authorization_request_uri"])
    response = deployment.wallet.respond(request, build(request))
    assert response.status_code == 200, response.text
    return status(deployment, transaction_id)


def checks(result: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [c for c in result["checks"] if c["code"] == code]


def test_policy_satisfied(
    policy_deploy: Callable[..., Deployment], issuer: Party, holder: Party
) -> None:
    result = answer(
        policy_deploy(),
        lambda request: {"legal_representative_sd_jwt": [mandate_sd_jwt(request, issuer, holder)]},
    )
    assert result["status"] == "completed", [c for c in result["checks"] if not c["passed"]]
    assert result["verified"] is True
    assert result["policy"] == POLICY
    policy_checks = checks(result, "policy")
    assert policy_checks
    assert all(c["passed"] for c in policy_checks)
    assert any("satisfied" in c["detail"] for c in policy_checks)
    assert result["claims"]["legal_representative_sd_jwt"][0]["siren"] == "130025265"
    assert result["detail"]["report"]["policy"] == POLICY


def test_two_sirens_in_one_response_fail_the_policy(
    policy_deploy: Callable[..., Deployment], issuer: Party, holder: Party
) -> None:
    """Each presentation verifies and the DCQL query is answered; only the policy's
    same-SIREN rule, which needs the presentations together, refuses the response."""
    result = answer(
        policy_deploy(),
        lambda request: {
            "legal_representative_sd_jwt": [mandate_sd_jwt(request, issuer, holder)],
            "legal_representative_jwt": [mandate_vp_jwt(request, issuer, holder, "552100554")],
        },
    )
    assert result["status"] == "failed"
    assert result["verified"] is False
    failed = [c for c in result["checks"] if not c["passed"]]
    assert [c["code"] for c in failed] == ["policy"], failed
    assert "different SIRENs" in failed[0]["detail"]
    assert checks(result, "dcql")[0]["passed"] is True


def test_same_siren_in_two_formats_satisfies_the_policy(
    policy_deploy: Callable[..., Deployment], issuer: Party, holder: Party
) -> None:
    result = answer(
        policy_deploy(),
        lambda request: {
            "legal_representative_sd_jwt": [mandate_sd_jwt(request, issuer, holder)],
            "legal_representative_jwt": [mandate_vp_jwt(request, issuer, holder, "130025265")],
        },
    )
    assert result["verified"] is True, [c for c in result["checks"] if not c["passed"]]


def test_missing_required_claim_fails_the_policy(
    policy_deploy: Callable[..., Deployment], issuer: Party, holder: Party
) -> None:
    disclose = {name: True for name in CLAIMS if name != "role_label"}
    result = answer(
        policy_deploy(),
        lambda request: {
            "legal_representative_sd_jwt": [
                mandate_sd_jwt(request, issuer, holder, disclose=disclose)
            ]
        },
    )
    assert result["status"] == "failed"
    failed_policy = [c for c in checks(result, "policy") if not c["passed"]]
    assert failed_policy, result["checks"]
    assert "role_label" in failed_policy[0]["detail"]


def test_wrong_nonce_is_still_refused_under_a_policy(
    policy_deploy: Callable[..., Deployment], issuer: Party, holder: Party
) -> None:
    def build(request: AuthorizationRequest) -> dict[str, list[Any]]:
        other = AuthorizationRequest(
            request.client_id, {**request.claims, "nonce": "not-the-nonce"}, request.header
        )
        return {"legal_representative_sd_jwt": [mandate_sd_jwt(other, issuer, holder)]}

    result = answer(policy_deploy(), build)
    assert result["status"] == "failed"
    assert any(c["code"].endswith(".holder_binding") for c in result["checks"] if not c["passed"])


def test_a_verifier_without_pipeline_fails_policy_transactions_closed(
    deploy: Callable[..., Deployment], issuer: Party, holder: Party
) -> None:
    result = answer(
        deploy(),
        lambda request: {"legal_representative_sd_jwt": [mandate_sd_jwt(request, issuer, holder)]},
    )
    assert result["status"] == "failed"
    (policy_check,) = checks(result, "policy")
    assert policy_check["passed"] is False
    assert "not applied" in policy_check["detail"]
