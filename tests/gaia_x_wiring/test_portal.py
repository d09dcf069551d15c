"""The portal's Gaia-X panel: Loire and Tagus downloads, the compliance form when a service
is configured, and the stored compliance credential (issuer, date, digest)."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import respx

from issuer.gaia_x.models import StoredCompliance
from issuer.web.portal_gaia_x import compliance_view, gaia_x_panel, stated_issuer
from tests.gaia_x_wiring.conftest import Deployment, start

SERVICE = "https://compliance.example/v2"
SERVICE_DID = "did:web:compliance.example:v2"
FORM = re.compile(
    r'<form method="post" action="/issuer/gaia-x/compliance"[^>]*>\s*'
    r'<input type="hidden" name="csrf_token" value="([^"]+)">'
)


def _b64(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


LABEL_JWT = ".".join(
    [
        _b64({"alg": "PS256", "typ": "vc+jwt"}),
        _b64({"issuer": SERVICE_DID, "type": ["VerifiableCredential", "gx:LabelCredential"]}),
        "c2lnbmF0dXJl",
    ]
)


def _text(fragment: str, page: str) -> str:
    found = re.search(rf'id="{fragment}">(.*?)</dd>', page, re.S)
    assert found, fragment
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()


def test_downloads_beside_each_other_and_no_form_without_a_service(
    deployment: Deployment,
) -> None:
    page = deployment.logged_in().client.get("/issuer/").text
    assert 'id="gaia-x-loire" href="/issuer/gaia-x/participant.vp.jwt"' in page
    assert 'id="gaia-x-tagus" href="/issuer/gaia-x/participant.tagus.json"' in page
    assert "gaia-x-compliance-form" not in page
    assert 'id="gaia-x-compliance"' not in page
    assert "Gaia-X Loire (VC-JWT" in page
    assert "Gaia-X Tagus 22.10 (JSON-LD" in page


def test_no_panel_for_a_refused_company(deployment: Deployment) -> None:
    browser = deployment.browser()
    page = browser.login("membre-entreprise-cessee", "81077324200013")
    assert 'class="kind refused" id="kind-gaia_x_participant"' in page
    assert "gaia-x-panel" not in page


@respx.mock
def test_compliance_form_submits_and_the_result_is_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    respx.post(f"{SERVICE}/api/credential-offers/standard-compliance").mock(
        return_value=httpx.Response(201, text=LABEL_JWT)
    )
    respx.route(host="testserver").pass_through()
    for deployment in start(tmp_path, monkeypatch, gaia_x_compliance_url=SERVICE):
        browser = deployment.logged_in()
        page = browser.client.get("/issuer/").text
        assert 'id="gaia-x-compliance"' not in page
        form = FORM.search(page)
        assert form is not None, page
        answer = browser.client.post(
            "/issuer/gaia-x/compliance",
            data={"csrf_token": form.group(1)},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        page = browser.client.get("/issuer/", params={"lang": "en"}).text
        assert _text("gaia-x-compliance-issuer", page) == SERVICE_DID
        assert _text("gaia-x-compliance-date", page).startswith(
            datetime.now(UTC).strftime("%Y-%m-%d")
        )
        digest = hashlib.sha256(LABEL_JWT.encode()).hexdigest()
        assert _text("gaia-x-compliance-digest", page) == digest
        assert "Compliance credential issued by" in page


def _stored(credential: str) -> StoredCompliance:
    return StoredCompliance(
        siren="918453721",
        flavour="tagus",
        service=SERVICE,
        credential=credential,
        credential_sha256=hashlib.sha256(credential.encode()).hexdigest(),
        submitted_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("credential", "issuer"),
    [
        pytest.param(json.dumps({"issuer": {"id": SERVICE_DID}}), SERVICE_DID, id="json-object"),
        pytest.param(json.dumps({"issuer": SERVICE_DID}), SERVICE_DID, id="json-string"),
        pytest.param(LABEL_JWT, SERVICE_DID, id="vc-jwt"),
        pytest.param(
            f"{_b64({'alg': 'PS256'})}.{_b64({'iss': SERVICE_DID})}.c2ln", SERVICE_DID, id="iss"
        ),
        pytest.param("not a credential", None, id="garbage"),
        pytest.param("a.!!!.c", None, id="bad-base64"),
        pytest.param(json.dumps(["issuer"]), None, id="json-array"),
    ],
)
def test_stated_issuer(credential: str, issuer: str | None) -> None:
    assert stated_issuer(credential) == issuer


def test_view_falls_back_to_the_service_and_shows_utc() -> None:
    view = compliance_view(_stored("opaque"))
    assert view.issuer == SERVICE
    assert view.obtained_at == "2026-03-02 09:30 UTC"
    assert view.sha256 == hashlib.sha256(b"opaque").hexdigest()


def test_panel_only_offers_what_the_deployment_serves() -> None:
    assert gaia_x_panel(set(), compliance_configured=True, stored=None) is None
    panel = gaia_x_panel(
        {"/issuer/gaia-x/participant.vp.jwt", "/issuer/gaia-x/compliance"},
        compliance_configured=False,
        stored=None,
    )
    assert panel is not None
    assert panel.loire_url == "/issuer/gaia-x/participant.vp.jwt"
    assert panel.tagus_url is None
    assert panel.compliance_form_url is None
