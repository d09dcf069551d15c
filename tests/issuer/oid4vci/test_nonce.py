"""Self-contained ``c_nonce`` values (:mod:`issuer.oid4vci.nonce`): recognised by every
process holding the deployment's key, refused when forged, altered, expired or reused, and
given back when the request that used them fails."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from attestia.keystore import KeyStore
from credentials.multiformats import b64url_decode, b64url_encode
from issuer.oid4vci.errors import InvalidNonce
from issuer.oid4vci.models import CNonceRow
from issuer.oid4vci.nonce import (
    PURGE_GRACE,
    consume_nonces,
    issue_nonce,
    nonce_expiry,
    purge_expired_nonces,
)
from tests.issuer.oid4vci.conftest import Issuer


@pytest.fixture
def issuer(issuer_each_database: Issuer) -> Issuer:
    return issuer_each_database


def _used_rows(issuer: Issuer) -> int:
    with issuer.ctx.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(CNonceRow)) or 0)


def test_issuing_stores_nothing_and_values_differ(issuer: Issuer) -> None:
    values = {issue_nonce(issuer.ctx) for _ in range(50)}
    assert len(values) == 50
    assert all(len(value) == 54 for value in values)
    assert _used_rows(issuer) == 0


def test_endpoint_answers_no_store(issuer: Issuer) -> None:
    answer = issuer.client.post("/issuer/nonce")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    assert nonce_expiry(issuer.ctx, answer.json()["c_nonce"]) is not None


def test_expiry_is_the_configured_lifetime(issuer: Issuer) -> None:
    ctx = replace(issuer.ctx, clock=lambda: 1_800_000_000.0)
    value = issue_nonce(ctx)
    assert nonce_expiry(ctx, value) == pytest.approx(1_800_000_000.0 + ctx.config.c_nonce_ttl)
    later = replace(ctx, clock=lambda: 1_800_000_000.0 + ctx.config.c_nonce_ttl)
    assert nonce_expiry(later, value) is None


def _flip(value: str, index: int) -> str:
    raw = bytearray(b64url_decode(value))
    raw[index] ^= 0x01
    return b64url_encode(bytes(raw))


@pytest.mark.parametrize(
    "case",
    ["expiry byte", "random byte", "tag byte", "truncated", "extended", "not base64url", "empty"],
)
def test_altered_values_are_refused(issuer: Issuer, case: str) -> None:
    value = issue_nonce(issuer.ctx)
    altered = {
        "expiry byte": lambda: _flip(value, 7),
        "random byte": lambda: _flip(value, 10),
        "tag byte": lambda: _flip(value, 39),
        "truncated": lambda: value[:-2],
        "extended": lambda: value + "AA",
        "not base64url": lambda: value[:-1] + "=",
        "empty": lambda: "",
    }[case]()
    assert nonce_expiry(issuer.ctx, altered) is None
    with pytest.raises(InvalidNonce), issuer.ctx.transaction() as session:
        consume_nonces(issuer.ctx, session, [altered])
    assert _used_rows(issuer) == 0


def test_value_from_another_key_is_refused(issuer: Issuer) -> None:
    other = replace(issuer.ctx, nonce_key=b"\x01" * 32)
    assert nonce_expiry(issuer.ctx, issue_nonce(other)) is None


def test_value_is_accepted_by_another_context_with_the_same_key(issuer: Issuer) -> None:
    """What several server processes sharing a database rely on."""
    twin = replace(issuer.ctx, nonce_key=bytes(issuer.ctx.nonce_key))
    value = issue_nonce(issuer.ctx)
    with twin.transaction() as session:
        consume_nonces(twin, session, [value])
    assert _used_rows(issuer) == 1


def test_single_use_and_given_back_on_rollback(issuer: Issuer) -> None:
    ctx = issuer.ctx
    value = issue_nonce(ctx)

    class Later(Exception):
        pass

    def use_then_fail() -> None:
        with ctx.transaction() as session:
            consume_nonces(ctx, session, [value])
            raise Later

    with pytest.raises(Later):
        use_then_fail()
    assert _used_rows(issuer) == 0

    with ctx.transaction() as session:
        consume_nonces(ctx, session, [value, value])  # one value twice in a request: once
    with pytest.raises(InvalidNonce, match="already used"), ctx.transaction() as session:
        consume_nonces(ctx, session, [value])
    assert _used_rows(issuer) == 1


def test_purge_forgets_only_expired_values(issuer: Issuer) -> None:
    ctx = issuer.ctx
    with ctx.transaction() as session:
        consume_nonces(ctx, session, [issue_nonce(ctx)])
    assert purge_expired_nonces(ctx) == 0
    expired = replace(ctx, clock=lambda: ctx.now() + ctx.config.c_nonce_ttl + 1)
    assert purge_expired_nonces(expired) == 0  # within the grace for clock skew
    after = replace(expired, clock=lambda: expired.now() + PURGE_GRACE)
    assert purge_expired_nonces(after) == 1
    assert _used_rows(issuer) == 0


def test_deployment_key_comes_from_the_master_secret(issuer: Issuer) -> None:
    keys: KeyStore = issuer.app.state.services.keys
    assert issuer.ctx.nonce_key == keys.derive_secret("oid4vci/c_nonce")
    assert keys.derive_secret("oid4vci/c_nonce") != keys.derive_secret("other")
    same_master = KeyStore(
        issuer.app.state.services.sessions, keys._master_key, keys.did
    )  # a second process opening the same store
    assert same_master.derive_secret("oid4vci/c_nonce") == issuer.ctx.nonce_key
