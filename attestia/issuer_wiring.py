"""Composition of the issuer's web side: company registry, issuer services, the portal.

- :func:`registry_config` maps settings onto :class:`issuer.company.RegistryConfig`
  (``ATTESTIA_COMPANY_REGISTRY``: ``offline`` in dev; one named source otherwise, used for
  both identity and mandates).
- :func:`company_registry` returns ``app.state.company_registry``, built on first use;
  tests (and operators' plugins) may set that attribute beforehand to substitute another
  :class:`~issuer.company.CompanyRegistry`.
- :func:`issuer_services` builds the :class:`~issuer.minting.services.IssuerServices` for a
  :class:`~attestia.services.Services` outside any app (the CLI); in the app, the
  OpenID4VCI router's :func:`issuer.web.oid4vci.context_for` builds and keeps them.
- :func:`install_issuer_portal` mounts the portal with its hooks.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.templating import Jinja2Templates

from attestia import sessions
from attestia.services import Services
from attestia.settings import Settings
from credentials.jsonld import ContextRegistry
from issuer.company import CompanyRegistry, RegistryConfig, build_registry
from issuer.minting.services import IssuerServices, build_issuer_services
from issuer.oid4vci.context import Oid4vciContext
from issuer.web import oid4vci as oid4vci_routes
from issuer.web.portal import PortalHooks, build_router

TEMPLATES_DIR = Path(__file__).with_name("templates")
USER_AGENT = "Attestia/0.1 (issuer; company-register lookups)"
_lock = threading.Lock()


def registry_config(settings: Settings) -> RegistryConfig:
    """The register composition for ``settings`` (identity and mandates from one source)."""
    source = settings.company_registry
    return RegistryConfig(
        identity_sources=(source,),
        mandate_sources=(source,),
        user_agent=USER_AGENT,
    )


def build_company_registry(
    settings: Settings, http: httpx.AsyncClient | None = None
) -> CompanyRegistry:
    """A registry for ``settings`` over ``http`` (a new client when None: the sources set
    their own per-call timeouts; the offline registry never uses it)."""
    client = http or httpx.AsyncClient(headers={"User-Agent": USER_AGENT}, follow_redirects=False)
    return build_registry(registry_config(settings), client)


def company_registry(app: Any) -> CompanyRegistry:
    """``app.state.company_registry``, built from the settings on first use."""
    existing: CompanyRegistry | None = getattr(app.state, "company_registry", None)
    if existing is not None:
        return existing
    with _lock:
        again: CompanyRegistry | None = getattr(app.state, "company_registry", None)
        if again is None:
            again = build_company_registry(app.state.settings)
            app.state.company_registry = again
        return again


def issuer_services(services: Services) -> IssuerServices:
    """Issuer services over a deployment's database and keys (for the CLI)."""
    return build_issuer_services(
        sessions=services.sessions,
        signers=lambda key_type: services.keys.signer("issuer", key_type),
        base_url=services.settings.base_url,
        did=services.did,
        clock=lambda: datetime.now(UTC),
        context_registry=ContextRegistry.standard(),
    )


def _oid4vci(request: Request) -> Oid4vciContext:
    return oid4vci_routes.context_for(request.app)


def _issuer(request: Request) -> IssuerServices:
    oid4vci_routes.context_for(request.app)  # builds app.state.issuer when missing
    built: IssuerServices = request.app.state.issuer
    return built


def _registry(request: Request) -> CompanyRegistry:
    return company_registry(request.app)


def portal_hooks() -> PortalHooks:
    return PortalHooks(
        templates=Jinja2Templates(directory=TEMPLATES_DIR),
        identity=sessions.current_identity,
        csrf_token=sessions.csrf_token,
        check_csrf=sessions.check_csrf,
        registry=_registry,
        oid4vci=_oid4vci,
        issuer=_issuer,
    )


def install_issuer_portal(app: FastAPI) -> None:
    """Mount the company portal (``/issuer/``, offers, QR codes, issued credentials)."""
    app.include_router(build_router(portal_hooks()))
