"""The holder key bound at issuance (``cnf.jwk``) signs the KB-JWT of a presentation
(RFC 9901 §4.3, SD-JWT VC §3.2.2.2), with only the chosen claims disclosed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from credentials.errors import CredentialError
from credentials.keys import SoftwareSigner, generate_private_key, public_jwk
from credentials.sd_jwt import KeyBindingRequest, create_presentation
from credentials.sd_jwt_vc import DidKeyResolver, issuer_key_resolver, verify_sd_jwt_vc
from issuer.minting import HolderBinding, SubjectIdentifiers
from tests.issuer.minting.harness import START, Issuer, issuer_on, resolve_issuer_key
from tests.issuer.minting.samples import Identity, claims_for

WALLET_KEY = generate_private_key("Ed25519")
WALLET = SoftwareSigner(WALLET_KEY, "wallet-key")
NOW = int(START.timestamp()) + 30


@pytest.fixture
def issuer(tmp_path: Path) -> Iterator[Issuer]:
    with issuer_on(f"sqlite:///{tmp_path / 'kb.db'}") as issuer:
        yield issuer


def _issue(issuer: Issuer) -> str:
    claims = claims_for("legal_representative")
    with issuer.sessions() as session, session.begin():
        minted = issuer.services.minter.mint(
            session,
            configuration_id="legal_representative_sd_jwt",
            claims=claims,
            holder=HolderBinding(jwk=public_jwk(WALLET_KEY.public_key())),
            subject=SubjectIdentifiers.from_claims(claims, person_sub=Identity().sub),
        )
    assert isinstance(minted.credential, str)
    return minted.credential


def _verify(presentation: str) -> dict[str, object]:
    return verify_sd_jwt_vc(
        presentation,
        issuer_key=issuer_key_resolver(did=DidKeyResolver(resolve_issuer_key)),
        now=NOW,
        require_key_binding=True,
        expected_nonce="n-0S6_WzA2Mj",
        expected_aud="https://verifier.example",
    ).claims


def test_holder_presents_with_key_binding(issuer: Issuer) -> None:
    presentation = create_presentation(
        _issue(issuer),
        [("role_label",), ("family_name",)],
        key_binding=KeyBindingRequest(
            signer=WALLET, nonce="n-0S6_WzA2Mj", aud="https://verifier.example", iat=NOW
        ),
    )
    claims = _verify(presentation)
    assert claims["role_label"] == "Président-directeur général"
    assert claims["siren"] == "552081317"  # never selectively disclosable
    assert "birth_date" not in claims
    assert "given_name" not in claims


def test_another_key_cannot_bind(issuer: Issuer) -> None:
    thief = SoftwareSigner(generate_private_key("Ed25519"), "thief")
    presentation = create_presentation(
        _issue(issuer),
        [("role_label",)],
        key_binding=KeyBindingRequest(
            signer=thief, nonce="n-0S6_WzA2Mj", aud="https://verifier.example", iat=NOW
        ),
    )
    with pytest.raises(CredentialError):
        _verify(presentation)
