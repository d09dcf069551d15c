"""PostgreSQL pool: a connection that sat idle is pinged before use, a busy one is not."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from attestia import db

pytestmark = pytest.mark.postgres


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_idle_connection_killed_by_the_server_is_replaced(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = db.make_engine(postgres_url)
    admin = db.make_engine(postgres_url)
    try:
        first = _backend_pid(engine)  # now idle in the pool
        with admin.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        monkeypatch.setattr(db, "POSTGRES_PING_AFTER_IDLE_SECONDS", 0.0)
        assert _backend_pid(engine) != first  # the dead one was discarded, not handed out
    finally:
        engine.dispose()
        admin.dispose()


def test_recently_returned_connection_is_not_pinged(postgres_url: str) -> None:
    engine = db.make_engine(postgres_url)
    statements: list[str] = []
    try:
        _backend_pid(engine)
        raw = engine.raw_connection()
        raw.close()  # checked in just now
        with engine.connect() as connection:
            driver = connection.connection.dbapi_connection
            assert driver is not None
            original = driver.execute

            def spy(query: str, *args: object, **kwargs: object) -> object:
                statements.append(query)
                return original(query, *args, **kwargs)

            driver.execute = spy
        with engine.connect():
            pass
        assert "SELECT 1" not in statements
    finally:
        engine.dispose()
