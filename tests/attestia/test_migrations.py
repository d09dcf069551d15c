"""Migrations from empty to head, the models match them, and the last one downgrades."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from attestia import db


def test_upgrade_to_head_then_downgrade_last(database_url: str) -> None:
    db.upgrade(database_url)
    engine = db.make_engine(database_url)
    try:
        assert db.is_up_to_date(engine)
        tables = set(inspect(engine).get_table_names())
        assert {"attestia_signing_keys", "attestia_keystore_meta"} <= tables
        with engine.connect() as connection:
            context = MigrationContext.configure(connection)
            diff = compare_metadata(context, db.all_metadata())  # type: ignore[arg-type]
        assert diff == [], f"models and migrations differ: {diff}"

        script = ScriptDirectory.from_config(db.alembic_config(database_url))
        head = script.get_revision(script.get_current_head())
        db.downgrade(database_url, "-1")
        assert db.current_revision(engine) == head.down_revision
        db.upgrade(database_url)
        assert db.is_up_to_date(engine)
    finally:
        engine.dispose()


def test_sqlite_runs_in_wal_mode_with_busy_timeout(tmp_path: object) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path}/wal.db")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert (
                connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
                == db.SQLITE_BUSY_TIMEOUT_MS
            )
    finally:
        engine.dispose()
