"""Revocation and suspension, seen through the published lists.

IETF Token Status List §7.1 (0x00 VALID, 0x01 INVALID, 0x02 SUSPENDED) decoded with
credentials.status_list; W3C Bitstring Status List §3.2 run on the VCDM credential's own
``credentialStatus`` entries. Suspension reverses; revocation does not.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest

from credentials.status_list.bitstring import check_entry
from credentials.status_list.token import (
    StatusReference,
    TokenStatus,
    check_status,
    verify_status_list_token,
)
from credentials.vc_jose import verify_vc_jwt
from issuer.minting import HolderBinding, MintedCredential, SubjectIdentifiers
from issuer.status import (
    Actor,
    InvalidTransitionError,
    NotCredentialHolderError,
    StatusServiceError,
    UnknownCredentialError,
    UnknownStatusListError,
)
from issuer.status.revocation import Action
from tests.issuer.minting.harness import DID, START, Issuer, issuer_on, jose_key_resolver
from tests.issuer.minting.samples import Identity, claims_for
from tests.issuer.minting.test_mint import HOLDER_DID, HOLDER_JWK

ADMIN = Actor(kind="administrator", id="admin@dinum.example")
HOLDER = Actor(kind="holder", id=Identity().sub)
NOW = START.timestamp() + 10


@pytest.fixture
def issuer(database_url: str) -> Iterator[Issuer]:
    with issuer_on(database_url) as issuer:
        yield issuer


def mint(issuer: Issuer, configuration_id: str = "legal_representative_sd_jwt") -> MintedCredential:
    kind = issuer.services.catalogue.get(configuration_id).kind_name
    claims = claims_for(kind)
    with issuer.sessions() as session, session.begin():
        return issuer.services.minter.mint(
            session,
            configuration_id=configuration_id,
            claims=claims,
            holder=HolderBinding(jwk=HOLDER_JWK, did=HOLDER_DID),
            subject=SubjectIdentifiers.from_claims(claims, person_sub=Identity().sub),
        )


def change(issuer: Issuer, minted: MintedCredential, action: str, actor: Actor = ADMIN) -> str:
    with issuer.sessions() as session, session.begin():
        result = issuer.services.revocation.change(
            session,
            minted.credential_id,
            cast(Action, action),
            actor=actor,
            reason="test",
        )
    return result.to_state


def token_status(issuer: Issuer, minted: MintedCredential) -> int:
    with issuer.sessions() as session:
        published = issuer.services.publisher.publish(session, minted.status_list_id)
    assert published.media_type == "application/statuslist+jwt"
    token = verify_status_list_token(published.body, key_resolver=jose_key_resolver, now=NOW)
    assert token.ttl == 300
    assert token.statuses.bits == 2
    assert len(token.statuses) >= 131_072
    return check_status(
        token, StatusReference(minted.status_index, minted.status_uri), referenced_iss=DID
    )


def test_a_new_credential_is_valid(issuer: Issuer) -> None:
    assert token_status(issuer, mint(issuer)) == TokenStatus.VALID


def test_revoked_shows_invalid_at_its_index(issuer: Issuer) -> None:
    minted, other = mint(issuer), mint(issuer)
    assert change(issuer, minted, "revoke") == "revoked"
    assert token_status(issuer, minted) == TokenStatus.INVALID
    assert token_status(issuer, other) == TokenStatus.VALID


def test_suspension_reverses(issuer: Issuer) -> None:
    minted = mint(issuer)
    change(issuer, minted, "suspend")
    assert token_status(issuer, minted) == TokenStatus.SUSPENDED
    change(issuer, minted, "reinstate")
    assert token_status(issuer, minted) == TokenStatus.VALID


def test_revocation_is_final(issuer: Issuer) -> None:
    minted = mint(issuer)
    change(issuer, minted, "suspend")
    change(issuer, minted, "revoke")
    assert token_status(issuer, minted) == TokenStatus.INVALID
    for action in ("reinstate", "suspend", "revoke"):
        with pytest.raises(InvalidTransitionError):
            change(issuer, minted, action)
    assert token_status(issuer, minted) == TokenStatus.INVALID


@pytest.mark.parametrize(
    ("first", "second"),
    [("reinstate", None), ("suspend", "suspend")],
    ids=["reinstate-valid", "suspend-twice"],
)
def test_transitions_that_do_not_apply_are_refused(
    issuer: Issuer, first: str, second: str | None
) -> None:
    minted = mint(issuer)
    if second is None:
        with pytest.raises(InvalidTransitionError):
            change(issuer, minted, first)
        return
    change(issuer, minted, first)
    with pytest.raises(InvalidTransitionError):
        change(issuer, minted, second)


def test_history_records_who_when_why(issuer: Issuer) -> None:
    minted = mint(issuer)
    change(issuer, minted, "suspend")
    issuer.clock.advance(hours=1)
    change(issuer, minted, "revoke", HOLDER)
    with issuer.sessions() as session:
        history = issuer.services.revocation.history(session, minted.credential_id)
        rows = [(h.from_state, h.to_state, h.actor_kind, h.actor_id, h.reason) for h in history]
    assert rows == [
        ("valid", "suspended", "administrator", ADMIN.id, "test"),
        ("suspended", "revoked", "holder", HOLDER.id, "test"),
    ]


def test_holder_may_revoke_only_their_own(issuer: Issuer) -> None:
    minted = mint(issuer)
    with pytest.raises(NotCredentialHolderError):
        change(issuer, minted, "revoke", Actor(kind="holder", id="someone-else"))
    assert change(issuer, minted, "revoke", HOLDER) == "revoked"


def test_unknown_credential(issuer: Issuer) -> None:
    with pytest.raises(UnknownCredentialError), issuer.sessions() as session:
        issuer.services.revocation.revoke(
            session, "urn:uuid:00000000-0000-4000-8000-000000000000", actor=ADMIN, reason="x"
        )


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501], ids=["empty", "blank", "too-long"])
def test_a_reason_is_required(issuer: Issuer, reason: str) -> None:
    minted = mint(issuer)
    with pytest.raises(StatusServiceError), issuer.sessions() as session:
        issuer.services.revocation.revoke(session, minted.credential_id, actor=ADMIN, reason=reason)


def _bitstring(issuer: Issuer, minted: MintedCredential, purpose: str) -> dict[str, object]:
    with issuer.sessions() as session:
        published = issuer.services.publisher.publish(
            session,
            minted.status_list_id,
            purpose,  # type: ignore[arg-type]
        )
    assert published.media_type == "application/vc+jwt"
    result = verify_vc_jwt(published.body, key_resolver=jose_key_resolver, now=NOW)
    assert result.verified, result.to_json()
    return result.claims


@pytest.mark.parametrize("configuration_id", ["company_registration_jwt_vc", "public_agent_ldp_vc"])
def test_bitstring_lists_follow_the_credential(issuer: Issuer, configuration_id: str) -> None:
    minted = mint(issuer, configuration_id)
    if isinstance(minted.credential, str):
        document = verify_vc_jwt(minted.credential, key_resolver=jose_key_resolver, now=NOW).claims
    else:
        document = minted.credential
    entries = {e["statusPurpose"]: e for e in document["credentialStatus"]}

    def statuses() -> tuple[int, int]:
        return tuple(  # type: ignore[return-value]
            check_entry(_bitstring(issuer, minted, purpose), entries[purpose]).status
            for purpose in ("revocation", "suspension")
        )

    assert statuses() == (0, 0)
    change(issuer, minted, "suspend")
    assert statuses() == (0, 1)
    change(issuer, minted, "reinstate")
    assert statuses() == (0, 0)
    change(issuer, minted, "suspend")
    change(issuer, minted, "revoke")
    assert statuses() == (1, 0)


def test_unknown_or_mismatched_list(issuer: Issuer) -> None:
    token_minted = mint(issuer)
    with issuer.sessions() as session:
        with pytest.raises(UnknownStatusListError):
            issuer.services.publisher.publish(session, "nope")
        with pytest.raises(UnknownStatusListError):
            issuer.services.publisher.publish(session, token_minted.status_list_id, "revocation")


def test_signed_list_is_cached_per_version(issuer: Issuer) -> None:
    minted = mint(issuer)
    with issuer.sessions() as session:
        first = issuer.services.publisher.publish(session, minted.status_list_id)
        again = issuer.services.publisher.publish(session, minted.status_list_id)
    assert again is first
    change(issuer, minted, "suspend")
    with issuer.sessions() as session:
        changed = issuer.services.publisher.publish(session, minted.status_list_id)
    assert changed.etag != first.etag
    assert changed.version == first.version + 1


def test_list_is_resigned_each_period(issuer: Issuer) -> None:
    minted = mint(issuer)
    with issuer.sessions() as session:
        first = issuer.services.publisher.publish(session, minted.status_list_id)
        issuer.clock.advance(hours=2)
        later = issuer.services.publisher.publish(session, minted.status_list_id)
    assert later.body != first.body
    assert later.etag != first.etag


def test_revoking_in_one_process_is_seen_by_another(tmp_path: Path) -> None:
    """Lists are rebuilt from the database, not from process memory."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    with issuer_on(url) as one, issuer_on(url) as two:
        minted = mint(one)
        assert token_status(two, minted) == TokenStatus.VALID
        change(one, minted, "revoke")
        assert token_status(two, minted) == TokenStatus.INVALID
