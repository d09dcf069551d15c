"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def shared_dir() -> Path | None:
    """The project's ``shared/`` folder (spec vectors, reference data), when present.

    CI lays it beside the clone; a user's clone does not have it. ``ATTESTIA_SHARED_DIR``
    overrides the location.
    """
    configured = os.environ.get("ATTESTIA_SHARED_DIR")
    candidate = Path(configured) if configured else REPO_ROOT.parent / "shared"
    return candidate if candidate.is_dir() else None


SHARED = shared_dir()
requires_shared = pytest.mark.skipif(
    SHARED is None,
    reason="../shared (spec vectors and reference data) is not beside this clone; "
    "set ATTESTIA_SHARED_DIR to run these tests",
)


@pytest.fixture
def shared() -> Path:
    if SHARED is None:
        pytest.skip("../shared is not beside this clone; set ATTESTIA_SHARED_DIR")
    return SHARED


POSTGRES_URL = os.environ.get("ATTESTIA_TEST_POSTGRES_URL")
requires_postgres = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="set ATTESTIA_TEST_POSTGRES_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres)"
    " to run the PostgreSQL variants; .ci/run does",
)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    if not POSTGRES_URL:
        pytest.skip("ATTESTIA_TEST_POSTGRES_URL is not set")
    with temporary_postgres_database(POSTGRES_URL) as url:
        yield url


@contextmanager
def temporary_postgres_database(admin_url: str) -> Iterator[str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"attestia_test_{secrets.token_hex(6)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a SQLite file always, and PostgreSQL when configured."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'attestia.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("ATTESTIA_TEST_POSTGRES_URL is not set")
    with temporary_postgres_database(POSTGRES_URL) as url:
        yield url
