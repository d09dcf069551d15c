"""Both OpenID4VCI flows end to end, in process, for every configuration and format."""

from __future__ import annotations

import pytest

from issuer.catalogue import load_catalogue
from tests.issuer.oid4vci.conftest import BASE_URL, PERSONA, Issuer
from tests.wallet import WalletKey
from tests.wallet.verify import check_credential

CONFIGURATIONS = sorted(load_catalogue(BASE_URL).configurations)


def _check(
    issuer: Issuer, configuration_id: str, credentials: list[object], keys: list[WalletKey]
) -> None:
    issuer_keys = issuer.keys()
    fmt = issuer.format_of(configuration_id)
    assert len(credentials) == len(keys)
    for credential, key in zip(credentials, keys, strict=True):
        check_credential(
            credential,
            fmt,
            issuer_keys,
            registry=issuer.registry,
            holder_jwk=key.jwk,
            holder_did=key.did,
            holder_bound=issuer.binds_holder(configuration_id),
        )


@pytest.mark.parametrize("configuration_id", CONFIGURATIONS)
def test_pre_authorized_flow(issuer: Issuer, configuration_id: str) -> None:
    offer = issuer.offer([configuration_id])
    wallet = issuer.wallet()
    resolved = wallet.resolve_offer(offer.uri_by_reference)
    assert resolved == wallet.resolve_offer(offer.uri_by_value)
    token = wallet.pre_authorized_token(resolved, offer.tx_code)
    key = WalletKey()
    credentials, notification_id = wallet.credentials(
        token, [key], configuration_id=configuration_id
    )
    _check(issuer, configuration_id, credentials, [key])
    assert notification_id is not None
    assert wallet.notify(token, notification_id, "credential_accepted").status_code == 204


@pytest.mark.parametrize("configuration_id", CONFIGURATIONS)
def test_authorization_code_flow(issuer: Issuer, configuration_id: str) -> None:
    offer = issuer.offer([configuration_id], grant="authorization_code", tx_code=False)
    wallet = issuer.wallet(dpop=True)
    resolved = wallet.resolve_offer(offer.uri_by_reference)
    issuer_state = resolved["grants"]["authorization_code"]["issuer_state"]
    token = wallet.authorization_code_token(
        persona=PERSONA, configuration_ids=[configuration_id], issuer_state=issuer_state
    )
    assert token.token_type == "DPoP"
    identifier = token.identifier_for(configuration_id)
    keys = [WalletKey(), WalletKey("Ed25519")]
    credentials, _ = wallet.credentials(token, keys, credential_identifier=identifier, by="jwk")
    _check(issuer, configuration_id, credentials, keys)
