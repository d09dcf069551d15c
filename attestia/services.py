"""The objects a running deployment shares between its routers, built once at start."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from attestia import db
from attestia.keystore import KeyStore, load_master_key
from attestia.settings import Settings
from credentials.did.web import did_web_from_url


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    keys: KeyStore
    did: str


def build_services(settings: Settings, *, migrate: bool | None = None) -> Services:
    """Open the database, apply migrations in dev, load (or create) the signing keys.

    Production never migrates implicitly: it refuses to start on a database that is not at
    the head revision, pointing at ``attestia db upgrade``.
    """
    engine = db.make_engine(settings.resolved_database_url)
    should_migrate = (not settings.is_production) if migrate is None else migrate
    if should_migrate:
        db.upgrade(settings.resolved_database_url)
    elif not db.is_up_to_date(engine):
        engine.dispose()
        raise RuntimeError("the database schema is not up to date: run `attestia db upgrade`")
    sessions = db.make_session_factory(engine)
    configured = settings.master_key.get_secret_value() if settings.master_key else None
    master = load_master_key(
        configured=configured,
        key_file=settings.resolved_master_key_file,
        create=not KeyStore.has_keys(sessions) and not settings.is_production,
    )
    did = did_web_from_url(settings.base_url)
    keys = KeyStore(sessions, master, did)
    keys.ensure_keys()
    return Services(settings=settings, engine=engine, sessions=sessions, keys=keys, did=did)
