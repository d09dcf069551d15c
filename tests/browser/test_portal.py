"""The company portal in Debian's chromium, against a real server process: log in through
the sandbox as a persona, see the eligible credentials, create an offer, and read the QR
code shown on the page (a screenshot of the image, decoded with zxing-cpp)."""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.server_process import attestia_server

CHROMIUM = os.environ.get("ATTESTIA_CHROMIUM") or shutil.which("chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="no chromium binary (apt-get install chromium, or set ATTESTIA_CHROMIUM)",
    ),
]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with attestia_server(tmp_path) as running:
        yield running.base


def test_login_see_eligible_credentials_and_scan_the_offer(server: str) -> None:
    import zxingcpp
    from PIL import Image
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
            page.goto(f"{server}/")
            page.get_by_role("link", name="Portail émetteur / Issuer portal").click()
            expect(page.get_by_role("heading", name="Portail émetteur")).to_be_visible()
            # a names-only login cannot get the legal-representative credential
            page.get_by_role("link", name="Se connecter avec la certification dirigeant").click()

            card = page.locator("li.card").filter(has=page.locator("#p-gerant-sarl"))
            card.get_by_role("button", name="Se connecter").click()

            expect(page.get_by_role("heading", name="Vos attestations possibles")).to_be_visible()
            assert page.locator("html").get_attribute("lang") == "fr"
            expect(page.locator("#org-name")).to_have_text("BOULANGERIE L'EPI D'OR")
            expect(page.locator("#org-siret")).to_have_text("52718463400014")
            eligible = page.locator("#kind-legal_representative")
            expect(eligible.locator(".tag.ok")).to_have_text("disponible")
            certified = page.locator("#kind-executive_certification")
            expect(certified.locator(".tag.ok")).to_have_text("disponible")
            refused = page.locator("#kind-public_agent")
            expect(refused.locator(".reason")).to_contain_text("agent public")

            page.keyboard.press("Tab")  # keyboard reachable: the skip link comes first
            expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()

            eligible.get_by_role("button", name="Obtenir — SD-JWT VC").click()
            expect(page.get_by_role("heading", name="Offre d'attestation")).to_be_visible()
            qr = page.get_by_role("img", name="QR code de l'offre d'attestation")
            expect(qr).to_be_visible()
            page.wait_for_function(
                "document.getElementById('offer-qr').naturalWidth > 0", timeout=10_000
            )
            tx_code = page.locator("#tx-code").inner_text()
            assert tx_code.isdigit()
            assert len(tx_code) == 6
            link = page.get_by_role("link", name="Ouvrir le portefeuille sur cet appareil")
            same_device = link.get_attribute("href")

            shot = qr.screenshot()
            (decoded,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))
        finally:
            browser.close()

    uri = decoded.text
    assert uri == same_device
    parts = urlsplit(uri)
    assert parts.scheme == "openid-credential-offer"
    (offer_url,) = parse_qs(parts.query)["credential_offer_uri"]
    assert offer_url.startswith(f"{server}/issuer/offers/")
    offer = httpx.get(offer_url, timeout=10)
    assert offer.status_code == 200
    assert offer.headers["content-type"].startswith("application/json")
    document = offer.json()
    assert document["credential_issuer"] == server
    assert document["credential_configuration_ids"] == ["legal_representative_sd_jwt"]
    grant = document["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
    assert grant["tx_code"]["length"] == 6
    assert grant["pre-authorized_code"]
