"""The OpenID4VP response endpoint driven by the verifier's pipeline (trust not checked)."""

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
from credentials.net.fetcher import FetchedDocument
from tests.holder.wallet import vp_jwt_presentation
from tests.verifier.oid4vp.conftest import Deployment, Party, issue_identity_vc_jwt
from tests.verifier.oid4vp.test_e2e import JWT_QUERY, sd_answer, start, status
from verifier.oid4vp.pipeline_adapter import PipelinePresentationVerifier
from verifier.pipeline import VerificationPipeline


class NoNetwork:
    def fetch(self, url: str, *, accept: str, max_bytes: int) -> FetchedDocument:
        return FetchedDocument(404, "text/plain", b"", {}, url)


@pytest.fixture
def pipeline_deploy(deploy: Callable[..., Deployment]) -> Callable[..., Deployment]:
    def build(**settings: Any) -> Deployment:
        deployment = deploy(**settings)
        pipeline = VerificationPipeline(
            dids=DidResolver({"key": KeyMethod(), "jwk": JwkMethod()}, clock=time.time),
            fetcher=NoNetwork(),
            contexts=ContextRegistry.standard(),
            clock=lambda: datetime.now(UTC),
        )
        verifier = PipelinePresentationVerifier(pipeline, check_trust=False)
        deployment.service._verifier = verifier
        return deployment

    return build


def test_sd_jwt_vc_through_the_pipeline(
    pipeline_deploy: Callable[..., Deployment], issuer: Party, holder: Party
) -> None:
    deployment = pipeline_deploy()
    transaction_id, created = start(deployment)
    request = deployment.wallet.fetch_request(created["authorization_request_uri"])
    deployment.wallet.respond(request, {"identity": [sd_answer(request, issuer, holder)]})
    result = status(deployment, transaction_id)
    assert result["verified"] is True, [c for c in result["checks"] if not c["passed"]]
    assert result["claims"]["identity"][0]["family_name"] == "Dupont"


def test_vp_jwt_through_the_pipeline(
    pipeline_deploy: Callable[..., Deployment], issuer: Party, holder: Party
) -> None:
    deployment = pipeline_deploy()
    transaction_id, created = start(deployment, JWT_QUERY)
    request = deployment.wallet.fetch_request(created["authorization_request_uri"])
    vp = vp_jwt_presentation(
        [issue_identity_vc_jwt(issuer, holder)],
        holder=holder.did,
        signer=holder.signer,
        nonce=request.nonce,
        aud=request.client_id,
        iat=int(time.time()),
    )
    deployment.wallet.respond(request, {"identity": [vp]})
    result = status(deployment, transaction_id)
    assert result["verified"] is True, [c for c in result["checks"] if not c["passed"]]


def test_wrong_nonce_through_the_pipeline(
    pipeline_deploy: Callable[..., Deployment], issuer: Party, holder: Party
) -> None:
    deployment = pipeline_deploy()
    transaction_id, created = start(deployment)
    request = deployment.wallet.fetch_request(created["authorization_request_uri"])
    presentation = sd_answer(request, issuer, holder, nonce="not-the-nonce")
    deployment.wallet.respond(request, {"identity": [presentation]})
    result = status(deployment, transaction_id)
    assert result["status"] == "failed"
    assert any(c["code"].endswith("holder_binding") for c in result["checks"] if not c["passed"])
