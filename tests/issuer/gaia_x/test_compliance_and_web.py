"""The GXDCH compliance client (respx, recorded real-shaped answers), the stored compliance
credential, and the Gaia-X routes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from issuer.db import IssuerBase
from issuer.gaia_x import (
    ComplianceClient,
    ComplianceError,
    ComplianceRejected,
    NotEligible,
    build_loire_bundle,
    build_tagus_bundle,
    gaia_x_registry,
    submit_participant,
)
from issuer.gaia_x.models import latest_compliance
from issuer.gaia_x.web import GaiaXPortal, build_router
from tests.issuer.gaia_x.helpers import NOW, SIREN, deployment, paris_facts

RECORDINGS = Path(__file__).parent / "recordings"
SERVICE = "https://compliance.lab.gaia-x.eu/v2"
LOIRE_URL = f"{SERVICE}/api/credential-offers/standard-compliance"


def _recording(name: str) -> Any:
    return json.loads((RECORDINGS / name).read_text("utf-8"))


@pytest.fixture
def session() -> Session:
    engine = create_engine("sqlite://")
    IssuerBase.metadata.create_all(
        engine, tables=[IssuerBase.metadata.tables["issuer_gaia_x_compliance_credentials"]]
    )
    return Session(engine)


@respx.mock
def test_loire_submission_posts_the_vp_jwt_and_stores_the_label(session: Session) -> None:
    dep = deployment()
    bundle = build_loire_bundle(paris_facts(), signer=dep.signer, config=dep.config, now=NOW)
    label = bundle.vc_jwts[0]  # any compact VC-JWT stands for the service's label credential
    route = respx.post(LOIRE_URL).mock(
        return_value=httpx.Response(201, text=label, headers={"Content-Type": "application/vc+jwt"})
    )
    with httpx.Client() as http:
        stored = submit_participant(
            bundle, client=ComplianceClient(SERVICE, http), session=session, siren=SIREN, now=NOW
        )
    request = route.calls.last.request
    assert request.headers["Content-Type"] == "application/vp+jwt"
    assert request.content.decode() == bundle.vp_jwt
    assert request.url.params["vcid"].endswith("/legal-person/compliance")
    assert stored.credential == label
    assert stored.flavour == "loire"
    session.commit()
    latest = latest_compliance(session, SIREN)
    assert latest is not None
    assert latest.credential_sha256 == stored.credential_sha256


@respx.mock
def test_tagus_submission_stores_the_json_credential(session: Session) -> None:
    dep = deployment()
    bundle = build_tagus_bundle(
        paris_facts(), signer=dep.signer, config=dep.config, registry=gaia_x_registry(), now=NOW
    )
    respx.post("https://compliance.lab.gaia-x.eu/v1-staging/api/credential-offers").mock(
        return_value=httpx.Response(201, json=_recording("tagus-compliance.json"))
    )
    with httpx.Client() as http:
        client = ComplianceClient("https://compliance.lab.gaia-x.eu/v1-staging", http)
        stored = submit_participant(bundle, client=client, session=session, siren=SIREN, now=NOW)
    assert stored.flavour == "tagus"
    assert json.loads(stored.credential)["credentialSubject"][0]["type"] == "gx:compliance"


@respx.mock
def test_conflict_is_a_rejection_with_the_reasons_and_nothing_is_stored(session: Session) -> None:
    dep = deployment()
    bundle = build_loire_bundle(paris_facts(), signer=dep.signer, config=dep.config, now=NOW)
    respx.post(LOIRE_URL).mock(
        return_value=httpx.Response(409, json=_recording("loire-conflict.json"))
    )
    with httpx.Client() as http, pytest.raises(ComplianceRejected) as caught:
        submit_participant(
            bundle, client=ComplianceClient(SERVICE, http), session=session, siren=SIREN, now=NOW
        )
    assert caught.value.status_code == 409
    assert "trust anchors" in caught.value.detail
    assert latest_compliance(session, SIREN) is None


@pytest.mark.parametrize(
    "response",
    [
        httpx.TimeoutException("timed out"),
        httpx.ConnectError("refused"),
        httpx.Response(503, text="maintenance"),
        httpx.Response(201, text="<html>not a jwt</html>"),
    ],
    ids=["timeout", "connect-error", "http-503", "not-a-jwt"],
)
@respx.mock
def test_unavailable_or_unreadable_service(response: Any) -> None:
    route = respx.post(LOIRE_URL)
    if isinstance(response, Exception):
        route.mock(side_effect=response)
    else:
        route.mock(return_value=response)
    with httpx.Client() as http, pytest.raises(ComplianceError):
        ComplianceClient(SERVICE, http, timeout=1).submit_loire("a.b.c")


# Routes -------------------------------------------------------------------------------------


def _app(vp: str | None, *, eligible: bool = True) -> TestClient:
    dep = deployment()

    def participant(request: Request) -> str | None:
        if not eligible:
            raise NotEligible("organisation_ceased")
        return vp

    app = FastAPI()
    app.include_router(
        build_router(GaiaXPortal(chain_pem=lambda: dep.chain.pem, participant_vp_jwt=participant))
    )
    return TestClient(app)


def test_chain_is_served_as_pem() -> None:
    response = _app(None).get("/.well-known/x509-chain.pem")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-pem-file")
    assert response.text.startswith("-----BEGIN CERTIFICATE-----")


def test_participant_download() -> None:
    dep = deployment()
    vp = build_loire_bundle(paris_facts(), signer=dep.signer, config=dep.config, now=NOW).vp_jwt
    response = _app(vp).get("/issuer/gaia-x/participant.vp.jwt")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vp+jwt")
    assert "attachment" in response.headers["content-disposition"]
    assert response.text == vp


def test_participant_download_needs_a_login_and_eligibility() -> None:
    anonymous = _app(None).get("/issuer/gaia-x/participant.vp.jwt")
    assert anonymous.status_code == 401
    assert anonymous.json()["error"] == "login_required"
    refused = _app("x", eligible=False).get("/issuer/gaia-x/participant.vp.jwt")
    assert refused.status_code == 403
    assert refused.json()["error"] == "not_eligible"
