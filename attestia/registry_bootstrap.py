"""Wiring the trust registry into the application, and its dev defaults.

:func:`registry_hooks` gives the registry's routers what they need from this deployment
(database, did:web, the ``registry`` P-256 key, the ProConnect session, CSRF, templates).

:func:`bootstrap_dev_registry` runs at start in dev mode only: the first time, it registers
the deployment's own did:web as an issuer of its own credential types (those of the
issuer's catalogue, :meth:`issuer.catalogue.Catalogue.trust_registry_types`) so the demo
verifies end to end, and lists the sandbox's trust-registry administrator personas as
``admin``. It is idempotent: an issuer or administrator already there is left exactly as
it is (an administrator may have changed it). Production never calls it: nothing is
trusted until an administrator says so.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from attestia import sessions as web_sessions
from attestia.services import Services
from attestia.settings import Settings
from credentials.keys import Signer
from trust_registry import registry
from trust_registry.admins import add_administrator
from trust_registry.errors import ConflictError
from trust_registry.models import Administrator, TrustedEntity
from trust_registry.validation import TypeKind
from trust_registry.web import RegistryWebHooks, install_registry_web

logger = logging.getLogger("attestia.registry")

TEMPLATES_DIR: Final = Path(__file__).with_name("templates")
DEV_ACTOR: Final = "system:dev-bootstrap"
LOCAL_ISSUER_NAME: Final = "Attestia — émetteur local de développement"


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def _db(request: Request) -> Session:
    return _services(request).sessions()


def _did(request: Request) -> str:
    return _services(request).did


def _signer(request: Request) -> Signer:
    return _services(request).keys.signer("registry", "P-256")


def login_url(next_path: str) -> str:
    return "/auth/login?" + urlencode({"next": next_path})


def registry_hooks(mode: str) -> RegistryWebHooks:
    """The hooks the registry's routers run on in this application."""
    return RegistryWebHooks(
        db=_db,
        registry_did=_did,
        signer=_signer,
        identity=web_sessions.current_identity,
        csrf_token=web_sessions.csrf_token,
        check_csrf=web_sessions.check_csrf,
        login_url=login_url,
        templates=Jinja2Templates(directory=TEMPLATES_DIR),
        page_context=lambda _request: {"mode": mode},
    )


def classify_type(type_value: str, *, is_vct: bool) -> TypeKind:
    """The registry kind of a catalogue type string: SD-JWT VC ``vct``, Gaia-X, or VC type."""
    if is_vct:
        return "vct"
    if type_value.startswith("gx:") or "w3id.org/gaia-x" in type_value:
        return "gaiax_type"
    return "vc_type"


def local_credential_types(base_url: str) -> list[tuple[TypeKind, str]]:
    """The (kind, type) pairs the local issuer issues, from the issuer's catalogue."""
    from issuer.catalogue import load_catalogue

    found: dict[tuple[TypeKind, str], None] = {}
    for configuration in load_catalogue(base_url):
        for value in configuration.trust_registry_types:
            kind = classify_type(value, is_vct=value == configuration.vct)
            found[(kind, value)] = None
    return sorted(found)


def sandbox_administrators() -> list[dict[str, str]]:
    """E-mail and ProConnect ``sub`` of the sandbox personas marked as registry admins."""
    from attestia.sandbox.personas import load_personas

    return [
        {"email": persona.claims.email, "sub": persona.claims.sub}
        for persona in load_personas().administrators
        if persona.claims.email
    ]


def register_local_issuer(
    session: Session,
    *,
    did: str,
    types: Iterable[tuple[TypeKind, str]],
    now: datetime,
    actor: str = DEV_ACTOR,
) -> bool:
    """Register ``did`` with ``types`` unless it is already registered; True if it was."""
    if session.execute(select(TrustedEntity.id).where(TrustedEntity.did == did)).first():
        return False
    reason = "dev default: the local issuer is trusted for its own catalogue"
    registry.create_entity(
        session,
        did=did,
        legal_name=LOCAL_ISSUER_NAME,
        siren=None,
        actor=actor,
        reason=reason,
        now=now,
    )
    for kind, value in types:
        registry.add_type(
            session, did=did, kind=kind, type_value=value, actor=actor, reason=reason, now=now
        )
    return True


def add_dev_administrators(
    session: Session, admins: Iterable[dict[str, str]], *, now: datetime, actor: str = DEV_ACTOR
) -> int:
    """List each sandbox administrator as ``admin`` unless already listed (any state)."""
    added = 0
    for admin in admins:
        email, sub = admin["email"].lower(), admin.get("sub") or None
        known = session.execute(
            select(Administrator.id).where(
                (Administrator.email == email) | (Administrator.proconnect_sub == sub)
            )
        ).first()
        if known:
            continue
        add_administrator(
            session, email=email, proconnect_sub=sub, role="admin", actor=actor, now=now
        )
        added += 1
    return added


def bootstrap_dev_registry(services: Services, *, now: datetime | None = None) -> dict[str, Any]:
    """The dev defaults (module docstring); does nothing in production."""
    if services.settings.is_production:
        return {"issuer_registered": False, "administrators_added": 0}
    # Whole seconds: credentials carry ``iat`` in whole seconds, and a grant recorded at
    # 12:00:00.7 must cover the credential the issuer signs at 12:00:00.9 (iat 12:00:00).
    moment = (now or datetime.now(UTC)).replace(microsecond=0)
    types = local_credential_types(services.settings.base_url)
    try:
        with services.sessions() as session:
            registered = register_local_issuer(session, did=services.did, types=types, now=moment)
            added = add_dev_administrators(session, sandbox_administrators(), now=moment)
            session.commit()
    except (IntegrityError, ConflictError):
        # Another process of the same deployment did it first.
        return {"issuer_registered": False, "administrators_added": 0}
    if registered or added:
        logger.info(
            "dev trust registry defaults: local issuer registered=%s, administrators added=%d",
            registered,
            added,
        )
    return {"issuer_registered": registered, "administrators_added": added}


def install_registry(app: FastAPI, settings: Settings) -> None:
    """Mount the registry's public API, admin API and admin pages on ``app``."""
    install_registry_web(app, registry_hooks(settings.mode))
