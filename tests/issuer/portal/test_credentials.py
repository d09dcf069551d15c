"""Issued credentials in the portal: listed for their holder only, revoked by the holder
after a confirmation (CSRF), and the published status list shows the revocation."""

from __future__ import annotations

import re
import time
from typing import cast
from urllib.parse import parse_qs, urlsplit

import httpx
from fastapi import FastAPI

from attestia.settings import Settings
from credentials.keys import public_key_from_jwk
from credentials.status_list.token import (
    StatusReference,
    TokenStatus,
    check_status,
    verify_status_list_token,
)
from issuer.status import get_credential
from tests.issuer.portal.conftest import Browser, browser_for
from tests.issuer.portal.test_offers import create
from tests.wallet import Wallet, WalletKey

CREDENTIAL_ID = re.compile(r'id="credential-([0-9a-f-]+)"')


def receive(browser: Browser, configuration_id: str) -> None:
    """Create an offer in the portal and redeem it with the test wallet."""
    page = browser.client.get("/issuer/").text
    uri, tx_code, _ = create(browser, configuration_id, page)
    wallet = Wallet(cast(httpx.Client, browser.client))  # TestClient speaks httpx.Client
    offer = wallet.resolve_offer(uri.replace("&amp;", "&"))
    wallet.discover(offer["credential_issuer"])
    token = wallet.pre_authorized_token(offer, tx_code)
    credentials, _ = wallet.credentials(token, [WalletKey()], configuration_id=configuration_id)
    assert len(credentials) == 1


def status_of(app: FastAPI, credential_id: str) -> int:
    issuer = app.state.issuer
    signer = app.state.services.keys.signer("issuer", "P-256")
    with issuer.sessions() as session:
        row = get_credential(session, credential_id)
        assert row is not None
        published = issuer.publisher.publish(session, row.status_list_id)
        index, list_id = row.status_index, row.status_list_id
    token = verify_status_list_token(
        published.body,
        key_resolver=lambda _header: public_key_from_jwk(signer.public_jwk()),
        now=time.time(),
    )
    uri = issuer.publisher.urls.token(list_id)
    return check_status(token, StatusReference(index, uri), referenced_iss=issuer.did)


def test_issued_credentials_listed_then_revoked_by_holder(
    app: FastAPI, browser: Browser, settings: Settings
) -> None:
    browser.login("gerant-sarl", "52718463400014", certification=True)
    assert "Aucune attestation" in browser.client.get("/issuer/credentials").text
    receive(browser, "legal_representative_sd_jwt")
    listing = browser.client.get("/issuer/credentials").text
    (credential_id,) = CREDENTIAL_ID.findall(listing)
    assert "Représentant légal" in listing
    assert "SD-JWT VC" in listing
    assert 'class="tag state-valid">valide' in listing
    assert "Elle indique :" in listing
    assert status_of(app, credential_id) == TokenStatus.VALID

    confirm = browser.client.get(f"/issuer/credentials/{credential_id}/revocation")
    assert confirm.status_code == 200
    assert "La révocation est définitive" in confirm.text
    target = f"/issuer/credentials/{credential_id}/revocation"
    assert browser.client.post(target, data={"reason": "x"}).status_code == 403
    assert status_of(app, credential_id) == TokenStatus.VALID

    done = browser.client.post(
        target, data={"csrf_token": browser.csrf(confirm.text), "reason": "changement de poste"}
    )
    assert done.status_code == 200
    assert done.url.path == "/issuer/credentials"
    assert 'class="tag state-revoked">révoquée' in done.text
    assert "a été révoquée" in done.text
    assert status_of(app, credential_id) == TokenStatus.INVALID
    with app.state.issuer.sessions() as session:
        (change,) = app.state.issuer.revocation.history(session, credential_id)
        assert (change.actor_kind, change.reason) == ("holder", "changement de poste")
    again = browser.client.post(target, data={"csrf_token": browser.csrf(confirm.text)})
    assert again.status_code == 409


def test_a_person_cannot_see_or_revoke_anothers_credential(
    app: FastAPI, browser: Browser, settings: Settings
) -> None:
    browser.login("gerant-sarl", "52718463400014")
    receive(browser, "company_registration_sd_jwt")
    (credential_id,) = CREDENTIAL_ID.findall(browser.client.get("/issuer/credentials").text)

    other = browser_for(app, settings)
    other.login("salarie-sans-mandat", "91845372100022")
    assert credential_id not in other.client.get("/issuer/credentials").text
    target = f"/issuer/credentials/{credential_id}/revocation"
    assert other.client.get(target).status_code == 404
    token = other.csrf(other.client.get("/issuer/").text)
    refused = other.client.post(target, data={"csrf_token": token})
    assert refused.status_code == 404
    assert status_of(app, credential_id) == TokenStatus.VALID


def test_credentials_page_needs_login(app: FastAPI, settings: Settings) -> None:
    anonymous = browser_for(app, settings)
    first = anonymous.client.get("/issuer/credentials", follow_redirects=False)
    assert first.status_code == 303
    location = first.headers["location"]
    assert location.startswith("/auth/login?")
    assert parse_qs(urlsplit(location).query)["next"] == ["/issuer/credentials"]
    revoke = anonymous.client.post("/issuer/credentials/whatever/revocation", data={})
    assert revoke.status_code == 403
