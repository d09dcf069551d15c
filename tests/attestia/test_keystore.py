"""Key store: encrypted at rest, wrong secret and corrupted rows detected, rotation."""

from __future__ import annotations

import base64
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update

from attestia import db
from attestia.keystore import REQUIRED_KEYS, KeyStore, load_master_key
from attestia.models import SigningKey
from credentials.errors import KeyStoreError
from credentials.keys import public_key_from_jwk, verify_raw

DID = "did:web:127.0.0.1%3A8000"


_ENGINES: list[Engine] = []


@pytest.fixture(autouse=True)
def _dispose_engines() -> Iterator[None]:
    yield
    while _ENGINES:
        _ENGINES.pop().dispose()


def _engine(url: str) -> Engine:
    engine = db.make_engine(url)
    _ENGINES.append(engine)
    return engine


def _store(url: str, master: bytes) -> KeyStore:
    db.upgrade(url)
    return KeyStore(db.make_session_factory(_engine(url)), master, DID)


def test_first_start_creates_every_required_key(database_url: str) -> None:
    store = _store(database_url, os.urandom(32))
    store.ensure_keys()
    keys = store.list_keys()
    assert {(k.purpose, k.key_type) for k in keys} == set(REQUIRED_KEYS)
    assert all(k.state == "active" for k in keys)
    store.ensure_keys()  # idempotent
    assert len(store.list_keys()) == len(REQUIRED_KEYS)


@pytest.mark.parametrize(("purpose", "key_type"), REQUIRED_KEYS)
def test_round_trip_sign_and_verify(database_url: str, purpose: str, key_type: str) -> None:
    store = _store(database_url, os.urandom(32))
    store.ensure_keys()
    signer = store.signer(purpose, key_type)  # type: ignore[arg-type]
    assert signer.kid.startswith(DID + "#")
    signature = signer.sign(b"payload")
    public = public_key_from_jwk(signer.public_jwk())
    assert verify_raw(public, signer.algorithm, b"payload", signature)
    assert not verify_raw(public, signer.algorithm, b"tampered", signature)


def test_private_keys_are_not_stored_in_clear(database_url: str) -> None:
    store = _store(database_url, os.urandom(32))
    store.ensure_keys()
    with db.make_session_factory(_engine(database_url))() as session:
        blobs = list(session.scalars(select(SigningKey.encrypted_private_key)))
    assert blobs
    for blob in blobs:
        assert b"PRIVATE KEY" not in blob
        assert b"-----BEGIN" not in blob


def test_wrong_master_secret_is_a_clear_error(database_url: str) -> None:
    _store(database_url, os.urandom(32)).ensure_keys()
    other = _store(database_url, os.urandom(32))
    with pytest.raises(KeyStoreError, match="wrong master secret"):
        other.ensure_keys()
    with pytest.raises(KeyStoreError, match="wrong master secret"):
        other.rotate("issuer")


def test_corrupted_key_row_is_a_clear_error(database_url: str) -> None:
    master = os.urandom(32)
    store = _store(database_url, master)
    store.ensure_keys()
    with db.make_session_factory(_engine(database_url))() as session, session.begin():
        row = session.scalars(select(SigningKey).where(SigningKey.purpose == "verifier")).one()
        blob = bytearray(row.encrypted_private_key)
        blob[-1] ^= 0x01
        session.execute(
            update(SigningKey)
            .where(SigningKey.kid == row.kid)
            .values(encrypted_private_key=bytes(blob))
        )
    fresh = _store(database_url, master)
    with pytest.raises(KeyStoreError, match="corrupted"):
        fresh.signer("verifier", "P-256")
    assert fresh.signer("issuer", "Ed25519")  # the others still load


def test_rotation_keeps_retired_key_published_and_verifiable(database_url: str) -> None:
    store = _store(database_url, os.urandom(32))
    store.ensure_keys()
    old = store.signer("issuer", "P-256")
    signature = old.sign(b"signed before rotation")
    created = store.rotate("issuer", "P-256")
    assert len(created) == 1
    new = store.signer("issuer", "P-256")
    assert new.kid != old.kid
    states = {k.kid: k.state for k in store.list_keys()}
    assert states[old.kid.split("#")[1]] == "retired"
    published = {key.fragment: key.public_key for key in store.published_keys()}
    retired_public = published[old.kid.split("#")[1]]
    assert verify_raw(retired_public, "ES256", b"signed before rotation", signature)


def test_rotate_unknown_purpose_refused(database_url: str) -> None:
    store = _store(database_url, os.urandom(32))
    store.ensure_keys()
    with pytest.raises(KeyStoreError, match="unknown purpose"):
        store.rotate("printer")


def test_master_key_file_created_0600_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "var" / "master.key"
    first = load_master_key(configured=None, key_file=path, create=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_master_key(configured=None, key_file=path, create=False) == first


def test_missing_master_key_file_is_never_regenerated(tmp_path: Path) -> None:
    with pytest.raises(KeyStoreError, match="never regenerated"):
        load_master_key(configured=None, key_file=tmp_path / "gone.key", create=False)


@pytest.mark.parametrize("value", ["not base64 !!", base64.urlsafe_b64encode(b"short").decode()])
def test_malformed_configured_master_key(value: str, tmp_path: Path) -> None:
    with pytest.raises(KeyStoreError, match="ATTESTIA_MASTER_KEY"):
        load_master_key(configured=value, key_file=tmp_path / "x", create=True)


def test_client_keys_stay_out_of_the_did_document(database_url: str) -> None:
    store = _store(database_url, os.urandom(32))
    store.ensure_keys()
    store.ensure_keys([("proconnect", "P-256")])
    client_kid = store.signer("proconnect", "P-256").kid.split("#")[1]
    assert client_kid not in {key.fragment for key in store.published_keys()}
    assert store.rotate("proconnect")


def test_active_signer_remembered_then_rotation_elsewhere_seen_after_ttl(
    database_url: str,
) -> None:
    """A rotation by another process reaches this store within its TTL, not before."""
    master = os.urandom(32)
    db.upgrade(database_url)
    ticks = [100.0]
    server = KeyStore(
        db.make_session_factory(_engine(database_url)),
        master,
        DID,
        monotonic=lambda: ticks[0],
        active_ttl=5.0,
    )
    server.ensure_keys()
    before = server.signer("issuer", "P-256")
    other_process = _store(database_url, master)
    other_process.rotate("issuer", "P-256")
    ticks[0] += 4.9
    assert server.signer("issuer", "P-256") is before  # no query within the TTL
    ticks[0] += 0.2
    after = server.signer("issuer", "P-256")
    assert after.kid != before.kid
    assert after.kid == other_process.signer("issuer", "P-256").kid


def test_rotation_through_the_store_takes_effect_at_once(database_url: str) -> None:
    store = _store(database_url, os.urandom(32))
    store.ensure_keys()
    before = store.signer("issuer", "Ed25519")
    store.rotate("issuer", "Ed25519")
    assert store.signer("issuer", "Ed25519").kid != before.kid
