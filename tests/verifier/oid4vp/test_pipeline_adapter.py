"""The OpenID4VP response endpoint driven by the verifier's pipeline and its adapter."""

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
from verifier.oid4vp.pipeline_verifier import PipelinePresentationVerifier
from verifier.pipeline import VerificationPipeline
from verifier.trust import TrustDecision


class Registry:
    """A trust registry that knows only the test issuer, for every type."""

    def __init__(self, issuer: str) -> None:
        self.issuer = issuer

    def is_authorized(
        self, issuer_id: str, credential_type: str, issued_at: datetime, now: datetime
    ) -> TrustDecision:
        if issuer_id != self.issuer:
            return TrustDecision(False, f"issuer {issuer_id!r} is not in the trust registry")
        return TrustDecision(True, "authorised", {"did": issuer_id})


class NoNetwork:
    def fetch(self, url: str, *, accept: str, max_bytes: int) -> FetchedDocument:
        return FetchedDocument(404, "text/plain", b"", {}, url)


@pytest.fixture
def pipeline_deploy(deploy: Callable[..., Deployment], issuer: Party) -> Callable[..., Deployment]:
    def build(**settings: Any) -> Deployment:
        deployment = deploy(**settings)
        pipeline = VerificationPipeline(
            dids=DidResolver({"key": KeyMethod(), "jwk": JwkMethod()}, clock=time.time),
            fetcher=NoNetwork(),
            contexts=ContextRegistry.standard(),
            clock=lambda: datetime.now(UTC),
            trust=Registry(issuer.did),
        )
        verifier = PipelinePresentationVerifier(pipeline)
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


def test_untrusted_issuer_through_the_pipeline(
    pipeline_deploy: Callable[..., Deployment], holder: Party
) -> None:
    from tests.verifier.oid4vp.conftest import make_party

    deployment = pipeline_deploy()
    transaction_id, created = start(deployment)
    request = deployment.wallet.fetch_request(created["authorization_request_uri"])
    stranger = make_party()
    deployment.wallet.respond(request, {"identity": [sd_answer(request, stranger, holder)]})
    result = status(deployment, transaction_id)
    assert result["status"] == "failed"
    assert any(c["code"].endswith(".trust") for c in result["checks"] if not c["passed"])
