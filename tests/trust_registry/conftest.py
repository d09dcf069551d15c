"""Registry test fixtures: one database per test, SQLite always, PostgreSQL when configured.

Set ``ATTESTIA_TEST_POSTGRES_URL`` (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``)
to run every registry test on PostgreSQL too: a throwaway database is created for the test
session and dropped at its end.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import URL, Engine, create_engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from trust_registry.models import metadata

POSTGRES_ENV = "ATTESTIA_TEST_POSTGRES_URL"
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def day(n: float) -> datetime:
    """``n`` days after T0."""
    return T0 + timedelta(days=n)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[URL]:
    configured = os.environ.get(POSTGRES_ENV)
    if not configured:
        pytest.skip(f"{POSTGRES_ENV} is not set; PostgreSQL variants are skipped")
    base = make_url(configured)
    name = f"attestia_registry_test_{secrets.token_hex(4)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        built = create_engine(f"sqlite:///{tmp_path / 'registry.db'}")
        event.listen(built, "connect", _sqlite_pragmas)
    else:
        built = create_engine(request.getfixturevalue("postgres_url"))
    metadata.create_all(built)
    try:
        yield built
    finally:
        metadata.drop_all(built)
        built.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as opened:
        yield opened
