"""Offers from the portal: CSRF, eligibility re-checked, QR codes that decode to the offer
URI (PNG read back with zxing-cpp; SVG modules compared with the symbol's matrix)."""

from __future__ import annotations

import io
import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import zxingcpp
from fastapi import FastAPI
from PIL import Image

from attestia.services import Services
from attestia.settings import Settings
from issuer.web.qr import BORDER, BOX_SIZE, qr_matrix
from tests.issuer.portal.conftest import Browser, browser_for, offer_count

OFFER_LINK = re.compile(r'id="same-device" href="([^"]+)"')
TX_CODE = re.compile(r'id="tx-code">(\d+)<')
QR_PNG = re.compile(r'src="(/issuer/offers/[^/"]+/qr\.png)"')
SVG_MODULE = re.compile(r"M([0-9.]+),([0-9.]+)H")


def create(browser: Browser, configuration_id: str, page: str) -> tuple[str, str, str]:
    """POST the form of ``configuration_id``; (offer URI, tx_code, QR PNG path)."""
    answer = browser.client.post(
        "/issuer/offers",
        data={"csrf_token": browser.csrf(page), "configuration_id": configuration_id},
    )
    assert answer.status_code == 201, answer.text[:500]
    link, code, png = (
        OFFER_LINK.search(answer.text),
        TX_CODE.search(answer.text),
        QR_PNG.search(answer.text),
    )
    assert link
    assert code
    assert png
    return link.group(1), code.group(1), png.group(1)


def test_offer_without_csrf_is_refused_and_creates_nothing(
    browser: Browser, services: Services
) -> None:
    browser.login("gerant-sarl", "52718463400014")
    for data in (
        {"configuration_id": "company_registration_sd_jwt"},
        {"configuration_id": "company_registration_sd_jwt", "csrf_token": "forged-token-value"},
    ):
        answer = browser.client.post("/issuer/offers", data=data)
        assert answer.status_code == 403
        assert "Formulaire expiré" in answer.text
    assert offer_count(services) == 0


def test_offer_for_a_refused_kind_is_refused(browser: Browser, services: Services) -> None:
    page = browser.login("gerant-sarl", "52718463400014")
    answer = browser.client.post(
        "/issuer/offers",
        data={
            "csrf_token": browser.csrf(page),
            "configuration_id": "executive_certification_sd_jwt",
        },
    )
    assert answer.status_code == 403
    assert "ProConnect n&#39;a pas certifié" in answer.text
    names_only = browser.client.post(
        "/issuer/offers",
        data={"csrf_token": browser.csrf(page), "configuration_id": "legal_representative_sd_jwt"},
    )
    assert names_only.status_code == 403
    assert "connectez-vous avec la « certification dirigeant »" in names_only.text
    unknown = browser.client.post(
        "/issuer/offers",
        data={"csrf_token": browser.csrf(page), "configuration_id": "no_such_configuration"},
    )
    assert unknown.status_code == 404
    assert offer_count(services) == 0


def test_offer_page_qr_png_decodes_to_the_offer_uri(browser: Browser, settings: Settings) -> None:
    page = browser.login("gerant-sarl", "52718463400014", certification=True)
    uri, tx_code, png_path = create(browser, "legal_representative_sd_jwt", page)
    assert uri.startswith("openid-credential-offer://?credential_offer_uri=")
    assert len(tx_code) == 6
    image = browser.client.get(png_path)
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert "no-store" in image.headers["cache-control"]
    (decoded,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.content)))
    assert decoded.format == zxingcpp.BarcodeFormat.QRCode
    assert decoded.text == uri.replace("&amp;", "&")
    offer_url = parse_qs(urlsplit(decoded.text).query)["credential_offer_uri"][0]
    assert offer_url.startswith(settings.base_url + "/issuer/offers/")
    document = browser.client.get(offer_url).json()
    assert document["credential_configuration_ids"] == ["legal_representative_sd_jwt"]
    grant = document["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
    assert grant["tx_code"] == {
        "input_mode": "numeric",
        "length": 6,
        "description": grant["tx_code"]["description"],
    }


def test_qr_svg_draws_the_same_symbol(browser: Browser) -> None:
    page = browser.login("gerant-sarl", "52718463400014")
    uri, _, png_path = create(browser, "company_registration_ldp_vc", page)
    svg = browser.client.get(png_path.replace("qr.png", "qr.svg"))
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    unit = BOX_SIZE / 10  # qrcode's SVG unit: box_size tenths of a millimetre
    drawn = {
        (round(float(y) / unit), round(float(x) / unit)) for x, y in SVG_MODULE.findall(svg.text)
    }
    matrix = qr_matrix(uri)
    expected = {(r, c) for r, row in enumerate(matrix) for c, dark in enumerate(row) if dark}
    assert drawn == expected
    assert (BORDER, BORDER) in drawn  # the finder pattern starts after the quiet zone


def test_offer_expires_in_ten_minutes_and_is_single_use(
    app: FastAPI, browser: Browser, settings: Settings
) -> None:
    page = browser.login("gerant-sarl", "52718463400014")
    before = time.time()
    uri, tx_code, _ = create(browser, "company_registration_sd_jwt", page)
    ctx = app.state.oid4vci
    offer_id = parse_qs(urlsplit(uri.replace("&amp;", "&")).query)["credential_offer_uri"][0]
    offer_id = offer_id.rsplit("/", 1)[1]
    from issuer.oid4vci.models import OfferRow

    with ctx.sessions() as session:
        row = session.get(OfferRow, offer_id)
        assert row is not None
        assert before + 600 - 5 <= row.expires_at <= time.time() + 600
        assert row.subject["sub"]
    offer_url = f"{settings.base_url}/issuer/offers/{offer_id}"
    document = browser.client.get(offer_url).json()
    grant = document["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
    form = {
        "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
        "pre-authorized_code": grant["pre-authorized_code"],
        "tx_code": tx_code,
    }
    assert browser.client.post("/issuer/token", data=form).status_code == 200
    assert browser.client.post("/issuer/token", data=form).json()["error"] == "invalid_grant"
    assert browser.client.get(offer_url).status_code == 404


def test_offer_qr_is_only_for_the_person_it_was_made_for(
    app: FastAPI, browser: Browser, settings: Settings
) -> None:
    page = browser.login("gerant-sarl", "52718463400014")
    _, _, png_path = create(browser, "company_registration_sd_jwt", page)
    other = browser_for(app, settings)
    other.login("salarie-sans-mandat", "91845372100022")
    assert other.client.get(png_path).status_code == 404
    assert other.client.get(png_path.replace(".png", ".svg")).status_code == 404
    anonymous = browser_for(app, settings)
    assert anonymous.client.get(png_path).status_code == 404
    assert browser.client.get(png_path).status_code == 200


@pytest.mark.parametrize(
    ("persona", "siret", "configuration_id", "certification"),
    [
        ("presidente-sas", "91845372100014", "executive_certification_jwt_vc", True),
        ("agent-territorial", "21299741500014", "public_agent_sd_jwt", False),
    ],
)
def test_offer_for_other_kinds(
    browser: Browser, persona: str, siret: str, configuration_id: str, certification: bool
) -> None:
    page = browser.login(persona, siret, certification=certification)
    uri, _, _ = create(browser, configuration_id, page)
    assert uri.startswith("openid-credential-offer://")
