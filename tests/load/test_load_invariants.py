"""The reduced load and the crash check, against real server processes (issue #9).

- SQLite (always): one process in WAL mode, wallets issuing and verifying, the process
  killed with SIGKILL mid-load and restarted; the invariants hold, and a damaged copy of
  the same database (a duplicated status allocation, a register row gone) is caught.
- PostgreSQL (``ATTESTIA_TEST_POSTGRES_URL``): two processes sharing a throwaway
  database, 8 wallets for ~20 s; then the same with one process killed mid-load.

A run fails on any broken invariant: a credential returned but not registered, an index
allocated twice, a code, ``c_nonce`` or OpenID4VP response accepted twice, a 5xx.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from attestia.invariants import check_invariants
from scripts.loadtest.run import LoadConfig, LoadResult, format_report, run_load

pytestmark = pytest.mark.server

REPLAYS = ("token replay", "credential replay", "vp response replay")


def _assert_healthy(result: LoadResult) -> None:
    report = format_report(result)
    assert result.report.ok, report
    stats = result.stats
    assert stats.completed["issuance company_registration_sd_jwt"] > 0, report
    assert stats.completed["verification verified"] > 0, report
    assert not [f for f in stats.failures if f.startswith("verification not verified")], report
    for step in REPLAYS:
        assert "200" not in stats.statuses.get(step, {}), report
    assert result.report.facts["credentials_returned"] > 0
    assert not [s for c in stats.statuses.values() for s in c if s.startswith("5")], report


def _assert_crashed_mid_load(result: LoadResult) -> None:
    assert any("SIGKILL" in e for e in result.events), result.events
    assert any("restarted" in e for e in result.events), result.events
    assert result.completed_at_restart is not None
    after = sum(result.stats.completed.values()) - result.completed_at_restart
    assert after > 0, "no issuance nor verification completed after the restart"


def _damaged_copy(source: Path, target: Path) -> None:
    """A copy whose allocations table lost its primary key, with a duplicated index and a
    register row deleted."""
    with sqlite3.connect(source) as original, sqlite3.connect(target) as copy:
        original.backup(copy)
    with sqlite3.connect(target) as copy:
        copy.executescript(
            """
            PRAGMA foreign_keys = OFF;
            CREATE TABLE loose AS SELECT * FROM issuer_status_allocations;
            DROP TABLE issuer_status_allocations;
            ALTER TABLE loose RENAME TO issuer_status_allocations;
            INSERT INTO issuer_status_allocations
                SELECT * FROM issuer_status_allocations LIMIT 1;
            DELETE FROM issuer_credentials WHERE id = (SELECT MIN(id) FROM issuer_credentials);
            """
        )


def test_sqlite_single_process_load_with_sigkill(tmp_path: Path) -> None:
    database = tmp_path / "attestia.db"
    result = run_load(
        LoadConfig(
            database_url=f"sqlite:///{database}",
            servers=1,
            wallets=6,
            duration=12,
            replay_every=5,
            crash=True,
            crash_at=0.4,
            restart_after=0.5,
            workdir=tmp_path,
        )
    )
    _assert_healthy(result)
    _assert_crashed_mid_load(result)

    damaged = tmp_path / "damaged.db"
    _damaged_copy(database, damaged)
    engine = create_engine(f"sqlite:///{damaged}")
    try:
        report = check_invariants(engine, result.stats.observed)
    finally:
        engine.dispose()
    assert {"status_index_reused", "credential_missing_from_register"} <= report.codes()


@pytest.mark.postgres
def test_postgres_two_processes_load(tmp_path: Path, postgres_url: str) -> None:
    result = run_load(
        LoadConfig(database_url=postgres_url, servers=2, wallets=8, duration=20, workdir=tmp_path)
    )
    _assert_healthy(result)

    engine = create_engine(postgres_url)
    try:
        with engine.begin() as connection:  # the throwaway database, damaged on purpose
            connection.execute(
                text(
                    "ALTER TABLE issuer_status_allocations "
                    "DROP CONSTRAINT pk_issuer_status_allocations CASCADE"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO issuer_status_allocations "
                    "SELECT * FROM issuer_status_allocations LIMIT 1"
                )
            )
        report = check_invariants(engine, result.stats.observed)
    finally:
        engine.dispose()
    assert report.codes() == {"status_index_reused"}, report.summary()


@pytest.mark.postgres
def test_postgres_two_processes_sigkill_mid_load(tmp_path: Path, postgres_url: str) -> None:
    result = run_load(
        LoadConfig(
            database_url=postgres_url,
            servers=2,
            wallets=8,
            duration=20,
            replay_every=5,
            crash=True,
            crash_at=0.4,
            restart_after=1.0,
            workdir=tmp_path,
        )
    )
    _assert_healthy(result)
    _assert_crashed_mid_load(result)
