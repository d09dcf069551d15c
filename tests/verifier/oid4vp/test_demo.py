"""The demo page without JavaScript (server-rendered states), French first."""

from __future__ import annotations

from collections.abc import Callable

from tests.verifier.oid4vp.conftest import Deployment
from verifier.web import demo


def with_demo(deployment: Deployment) -> Deployment:
    deployment.app.include_router(demo.router)
    return deployment


def test_home_is_french_with_english_available(deploy: Callable[..., Deployment]) -> None:
    client = with_demo(deploy()).client
    page = client.get("/verifier/demo")
    assert page.status_code == 200
    assert '<html lang="fr">' in page.text
    assert "Politique de vérification" in page.text
    assert "company-representative" in page.text
    english = client.get("/verifier/demo", params={"lang": "en"})
    assert '<html lang="en">' in english.text
    assert "Verification policy" in english.text


def test_start_shows_qr_and_link(deploy: Callable[..., Deployment]) -> None:
    client = with_demo(deploy()).client
    response = client.post(
        "/verifier/demo", data={"policy": "public-agent", "lang": "fr"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert 'alt="QR code de la demande de présentation OpenID4VP"' in response.text
    assert 'href="openid4vp://?client_id=' in response.text
    assert "En attente du portefeuille" in response.text
    assert 'aria-live="polite"' in response.text
    assert "/static/verifier.js" in response.text


def test_unknown_transaction(deploy: Callable[..., Deployment]) -> None:
    client = with_demo(deploy()).client
    assert client.get("/verifier/demo/unknown").status_code == 404
