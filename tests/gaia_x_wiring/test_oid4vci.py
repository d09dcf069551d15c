"""Gaia-X participant credentials to a wallet over OpenID4VCI 1.0 (pre-authorized flow).

The president of the sandbox SAS logs in to the portal, asks for an offer of each Gaia-X
configuration (Loire ``jwt_vc_json``, Tagus ``ldp_vc``), and a wallet redeems it with the
transaction code. The credential is verified with credentials/ (PS256 VC-JWT or
JsonWebSignature2020) and its issuer key passes the Gaia-X x5u rule of verifier/gaia_x
against the chain the deployment publishes. It is bound to no holder key (the subject is the
company) and is recorded in the register under the company's SIREN.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from credentials.did.dereference import verification_method_for
from credentials.jose import JosePolicy, decode_compact
from credentials.jsonld import ContextRegistry
from issuer.catalogue.vocabulary import register
from issuer.gaia_x import gaia_x_registry
from issuer.status.models import IssuedCredential
from tests.gaia_x_wiring.conftest import BASE_URL, PERSONA, SIRET, ClientFetcher, Deployment
from tests.wallet import Wallet, WalletKey
from tests.wallet.verify import IssuerKeys, check_credential
from verifier.gaia_x import ChainPolicy
from verifier.gaia_x.x5u import X5uChainError, check_x5u

OFFER_LINK = re.compile(r'id="same-device" href="([^"]+)"')
TX_CODE = re.compile(r'id="tx-code">(\d+)<')
SIREN = SIRET[:9]
CONFIGURATIONS = ["gaia_x_participant_jwt_vc", "gaia_x_participant_ldp_vc"]


def _portal_offer(deployment: Deployment, configuration_id: str) -> tuple[str, str]:
    """Log in, POST the portal's offer form; (offer URI, transaction code)."""
    browser = deployment.browser()
    page = browser.login(PERSONA, SIRET, certification=True)
    assert f'data-configuration="{configuration_id}"' in page
    answer = browser.client.post(
        "/issuer/offers",
        data={"csrf_token": browser.csrf(page), "configuration_id": configuration_id},
    )
    assert answer.status_code == 201, answer.text[:500]
    link, code = OFFER_LINK.search(answer.text), TX_CODE.search(answer.text)
    assert link
    assert code
    return html.unescape(link.group(1)), code.group(1)


def _issuer_method(keys: IssuerKeys, credential: Any) -> dict[str, Any]:
    """The issuer's verification method that signed ``credential``."""
    if isinstance(credential, str):
        header = decode_compact(credential, JosePolicy(algorithms=frozenset({"PS256"}))).header
        kid = str(header["kid"])
    else:
        kid = str(credential["proof"]["verificationMethod"])
    return dict(verification_method_for(keys.document, kid, "assertionMethod").method)


def test_the_portal_offers_both_gaia_x_configurations_and_no_sd_jwt(
    deployment: Deployment,
) -> None:
    page = deployment.browser().login(PERSONA, SIRET, certification=True)
    assert 'class="kind eligible" id="kind-gaia_x_participant"' in page
    for configuration_id in CONFIGURATIONS:
        assert f'data-configuration="{configuration_id}"' in page
    assert 'data-configuration="gaia_x_participant_sd_jwt"' not in page


@pytest.mark.parametrize("configuration_id", CONFIGURATIONS)
def test_pre_authorized_flow_delivers_a_verifiable_participant_credential(
    deployment: Deployment, configuration_id: str
) -> None:
    uri, tx_code = _portal_offer(deployment, configuration_id)
    wallet = Wallet(deployment.client)
    offer = wallet.resolve_offer(uri)
    assert offer["credential_configuration_ids"] == [configuration_id]
    wallet.discover(offer["credential_issuer"])
    assert wallet.issuer_metadata["credential_issuer"] == BASE_URL
    token = wallet.pre_authorized_token(offer, tx_code)
    key = WalletKey()
    credentials, notification_id = wallet.credentials(
        token, [key], configuration_id=configuration_id
    )
    assert len(credentials) == 1
    keys = IssuerKeys(deployment.client, BASE_URL)
    fmt = "jwt_vc_json" if configuration_id.endswith("jwt_vc") else "ldp_vc"
    document = check_credential(
        credentials[0],
        fmt,
        keys,
        registry=gaia_x_registry(register(ContextRegistry.standard())),
        holder_jwk=key.jwk,
        holder_did=key.did,
        holder_bound=False,
    )
    subject = document["credentialSubject"]
    expected_type = "gx:LegalPerson" if fmt == "jwt_vc_json" else "gx:LegalParticipant"
    assert subject["type"] == expected_type
    assert subject["id"].startswith(f"{BASE_URL}/issuer/gaia-x/participants/{SIREN}/")
    assert "credentialStatus" not in document

    method = _issuer_method(keys, credentials[0])
    detail = check_x5u(
        method["publicKeyJwk"],
        fetcher=ClientFetcher(deployment.client),
        policy=ChainPolicy(accept_dev_chains=True),
        now=datetime.now(UTC),
    )
    assert "development chain" in detail
    with pytest.raises(X5uChainError, match="could not be resolved"):
        check_x5u(
            method["publicKeyJwk"],
            fetcher=ClientFetcher(deployment.client),
            policy=ChainPolicy(accept_dev_chains=False),
            now=datetime.now(UTC),
        )

    assert notification_id is not None
    assert wallet.notify(token, notification_id, "credential_accepted").status_code == 204
    with deployment.services.sessions() as session:
        rows = session.scalars(
            select(IssuedCredential).where(IssuedCredential.configuration_id == configuration_id)
        ).all()
    assert rows
    assert {row.subject_siren for row in rows} == {SIREN}
    assert all(row.kind == "gaia_x_participant" for row in rows)
