"""The relying-party demo page in Debian's chromium, against a real server process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from credentials.sd_jwt import SD
from credentials.sd_jwt_vc import build_payload, issue_sd_jwt_vc
from tests.holder.wallet import Wallet, sd_jwt_presentation
from tests.server_process import attestia_server
from tests.verifier.oid4vp.conftest import make_party
from verifier.oid4vp.client_id import load_chain

CHROMIUM = os.environ.get("ATTESTIA_CHROMIUM") or shutil.which("chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="no chromium binary (apt-get install chromium, or set ATTESTIA_CHROMIUM)",
    ),
]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    env = {"ATTESTIA_VERIFIER_CLIENT_ID_PREFIX": "x509_hash"}
    with attestia_server(tmp_path, env=env) as running:
        yield running.base, running.data_dir


def register_issuer(base: str, data_dir: Path, did: str) -> None:
    """``attestia registry issuer add``: the verifier's pipeline checks trust."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTESTIA_")} | {
        "ATTESTIA_DATA_DIR": str(data_dir),
        "ATTESTIA_BASE_URL": base,
    }
    subprocess.run(
        [
            sys.executable,
            "-m",
            "attestia.cli",
            "registry",
            "issuer",
            "add",
            "--did",
            did,
            "--name",
            "Émetteur de test",
            "--type",
            f"vct:{base}/issuer/vct/legal_representative",
        ],
        cwd=data_dir.parent,
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    time.sleep(1.1)  # the grant starts "from now": issue strictly after it


def legal_representative(base: str, data_dir: Path, holder_jwk: dict[str, object]) -> str:
    issuer = make_party()
    register_issuer(base, data_dir, issuer.did)
    payload = build_payload(
        vct=f"{base}/issuer/vct/legal_representative",
        iss=issuer.did,
        iat=int(time.time()),
        exp=int(time.time()) + 3600,
        claims={
            "given_name": SD("Marianne"),
            "family_name": SD("Dupont"),
            "siren": SD("130025265"),
            "legal_name": SD("DIRECTION INTERMINISTERIELLE DU NUMERIQUE"),
            "role_label": SD("Directrice"),
        },
        holder_jwk=holder_jwk,
    )
    return issue_sd_jwt_vc(payload, issuer.signer).compact


def test_demo_page_shows_qr_then_verified_claims(server: tuple[str, Path]) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, data_dir = server
    holder = make_party()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            page = browser.new_page()
            page.goto(f"{base}/verifier/demo")
            assert page.locator("html").get_attribute("lang") == "fr"
            page.get_by_label("Politique de vérification").select_option("company-representative")
            page.get_by_role("button", name="Demander une présentation").click()
            qr = page.get_by_role("img", name="QR code de la demande de présentation OpenID4VP")
            expect(qr).to_be_visible()
            page.wait_for_function(
                "document.getElementById('oid4vp-qr').naturalWidth > 0", timeout=10_000
            )
            link = page.get_by_role("link", name="Ouvrir le portefeuille sur cet appareil")
            uri = link.get_attribute("href")
            assert uri is not None
            assert uri.startswith("openid4vp://?client_id=x509_hash")

            chain = load_chain((data_dir / "verifier" / "x509-dev-chain.pem").read_bytes())
            with httpx.Client(timeout=10) as http:
                wallet = Wallet(http, trust_anchors=[chain[-1]])
                request = wallet.fetch_request(uri)
                (query,) = [
                    q for q in request.dcql_query["credentials"] if q["format"] == "dc+sd-jwt"
                ]
                presentation = sd_jwt_presentation(
                    legal_representative(base, data_dir, holder.jwk),
                    dict.fromkeys(
                        ("given_name", "family_name", "siren", "legal_name", "role_label"), True
                    ),
                    holder_jwk=holder.private_jwk,
                    nonce=request.nonce,
                    aud=request.client_id,
                )
                answer = wallet.respond(request, {query["id"]: [presentation]})
                assert answer.status_code == 200, answer.text

            expect(page.locator("#oid4vp-state")).to_have_text(
                "Présentation vérifiée", timeout=15_000
            )
            expect(page.get_by_role("cell", name="Marianne")).to_be_visible()
            expect(page.get_by_role("cell", name="130025265")).to_be_visible()
            expect(qr).to_be_hidden()
        finally:
            browser.close()
