"""The server-side session store: digests only, expiry, single-use login states."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from attestia.models import WebSessionRow
from attestia.services import Services
from attestia.sessions import SessionStore, digest


def _store(services: Services, now: list[datetime], lifetime: int = 3600) -> SessionStore:
    return SessionStore(services.sessions, lifetime_seconds=lifetime, clock=lambda: now[0])


def test_row_keyed_by_digest_and_expires(services: Services) -> None:
    now = [datetime(2026, 1, 1, tzinfo=UTC)]
    store = _store(services, now)
    session = store.create(data={"k": "v"})
    with services.sessions() as db:
        (row,) = db.scalars(select(WebSessionRow))
    assert row.id_hash == digest(session.id)
    assert session.id not in str(row.data)
    loaded = store.load(session.id)
    assert loaded is not None
    assert loaded.data == {"k": "v"}
    now[0] += timedelta(seconds=3601)
    assert store.load(session.id) is None


def test_unknown_or_malformed_cookie(services: Services) -> None:
    store = _store(services, [datetime.now(UTC)])
    assert store.load("x" * 43) is None
    assert store.load("short") is None
    assert store.load("y" * 500) is None


def test_login_state_consumed_once_and_bound_to_session(services: Services) -> None:
    now = [datetime.now(UTC)]
    store = _store(services, now)
    mine, other = store.create(), store.create()
    store.put_login_state(mine, "s" * 48, {"nonce": "n"})
    assert store.take_login_state(other, "s" * 48) is None
    assert store.take_login_state(mine, "s" * 48) == {"nonce": "n"}
    assert store.take_login_state(mine, "s" * 48) is None


def test_login_state_expires(services: Services) -> None:
    now = [datetime.now(UTC)]
    store = _store(services, now)
    session = store.create()
    store.put_login_state(session, "s" * 48, {"nonce": "n"})
    now[0] += timedelta(seconds=601)
    assert store.take_login_state(session, "s" * 48) is None


def test_rotation_gives_new_id_and_deletes_old(services: Services) -> None:
    store = _store(services, [datetime.now(UTC)])
    old = store.create(data={"_csrf": "t", "keep": 1})
    store.put_login_state(old, "s" * 48, {})
    new = store.rotate(old, identity={"iss": "i", "sub": "s"}, data={"x": 2})
    assert new.id != old.id
    assert store.load(old.id) is None
    assert store.take_login_state(new, "s" * 48) is None
    loaded = store.load(new.id)
    assert loaded is not None
    assert loaded.data == {"keep": 1, "x": 2}
    assert loaded.identity == {"iss": "i", "sub": "s"}
