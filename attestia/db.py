"""Database engine, sessions and migrations wiring.

Each service package owns its tables on its own declarative base (table names prefixed
``attestia_``, ``issuer_``, ``verifier_``, ``registry_``); Alembic migrates the union of
their metadata (:func:`all_metadata`). SQLite runs in WAL mode with a busy timeout and
foreign keys on; PostgreSQL through psycopg 3.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, create_engine, event, text
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 15_000
#: A pooled PostgreSQL connection idle for longer than this is pinged before use.
POSTGRES_PING_AFTER_IDLE_SECONDS = 1.0
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class AttestiaBase(DeclarativeBase):
    """Tables owned by the composition layer (signing keys)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def all_metadata() -> list[MetaData]:
    """The metadata of every package whose tables Alembic manages."""
    import attestia.models  # noqa: F401  (registers the tables)
    import issuer.gaia_x.models
    import issuer.oid4vci.models
    import issuer.status.models  # noqa: F401
    import verifier.oid4vp.models  # noqa: F401
    from issuer.db import IssuerBase
    from trust_registry.models import RegistryBase
    from verifier.db import VerifierBase

    return [
        AttestiaBase.metadata,
        RegistryBase.metadata,
        IssuerBase.metadata,
        VerifierBase.metadata,
    ]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create the engine; creates the SQLite file's directory when needed.

    ``hide_parameters``: SQLAlchemy otherwise puts the statement's bound values in its
    error messages, and those reach the log through ``logger.exception`` — offer documents
    (pre-authorized codes), claims (names), digests.
    """
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            hide_parameters=True,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # Above the issuer's concurrent writers (issuer.oid4vci.context.MAX_CONCURRENT_WRITERS)
    # plus the readers beside them, so that steady load never opens and closes overflow
    # connections (a new PostgreSQL backend costs milliseconds of CPU on both sides).
    engine = create_engine(url, pool_size=16, max_overflow=16, hide_parameters=True)
    event.listen(engine, "checkin", _mark_checkin)
    event.listen(engine, "checkout", _ping_if_idle)
    return engine


def _mark_checkin(_dbapi_connection: Any, record: Any) -> None:
    record.info["attestia_checked_in"] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """Pessimistic disconnect check, only for connections that sat idle.

    ``pool_pre_ping`` costs a round trip on every checkout, a sixth of the server's time
    per issuance; a connection handed back within the last second was working then, so it
    is used as is. One idle for longer (a database restart, a failover, a firewall dropping
    idle sockets) is pinged first; a dead one raises :class:`DisconnectionError`, which
    makes the pool discard it and check out another. A connection that breaks in the
    window still fails its statement, and SQLAlchemy then invalidates the whole pool.
    """
    idle_since = record.info.get("attestia_checked_in")
    if idle_since is not None and time.monotonic() - idle_since < POSTGRES_PING_AFTER_IDLE_SECONDS:
        return
    try:
        dbapi_connection.execute("SELECT 1")
        if not dbapi_connection.autocommit:
            dbapi_connection.rollback()
    except psycopg.Error as exc:  # closed, broken or in a failed state: unusable
        raise DisconnectionError(str(exc)) from exc


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with factory() as session, session.begin():
        yield session


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(url: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def is_up_to_date(engine: Engine) -> bool:
    return current_revision(engine) == head_revision(str(engine.url))


def ping(engine: Engine) -> None:
    """Raise if the database cannot answer a trivial query."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
