"""The FastAPI application: mounts the issuer, the verifier and the trust registry.

``create_app(settings)`` is the only entry point; nothing happens at import time. The
services (database, keys) are built in the lifespan, or passed in by tests.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from attestia.cli_verify import deployment_trust, verifier_services_for
from attestia.errors import install_error_handlers
from attestia.gaia_x_web import install_gaia_x, start_gaia_x
from attestia.housekeeping import periodic_purge
from attestia.issuer_admin import issuer_admin_check
from attestia.issuer_wiring import install_issuer_portal
from attestia.logging_setup import configure_logging
from attestia.middleware import BodySizeLimitMiddleware, RequestIdMiddleware
from attestia.registry_bootstrap import bootstrap_dev_registry, install_registry
from attestia.services import Services, build_services
from attestia.sessions import WebSessionMiddleware
from attestia.settings import Settings
from attestia.web import auth, health, home
from attestia.web import did as did_routes
from attestia.web.metrics import install_observability, observe_verifier
from issuer.web import oid4vci as oid4vci_routes
from issuer.web import status as issuer_status_routes
from verifier.web import connector_api as verifier_connector
from verifier.web import demo as verifier_demo
from verifier.web import oid4vp as verifier_oid4vp

STATIC_DIR = Path(__file__).with_name("static")


def create_app(settings: Settings, *, services: Services | None = None) -> FastAPI:
    """Build the application for ``settings`` (services built at start unless given)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = services is None
        app.state.services = services or build_services(settings)
        bootstrap_dev_registry(app.state.services)
        oid4vci_routes.context_for(app)  # issuer services and the OpenID4VCI context
        start_gaia_x(app)
        app.state.verifier = verifier_services_for(
            settings, trust=deployment_trust(settings, app.state.services.sessions)
        )
        observe_verifier(app)
        try:
            async with periodic_purge(app):
                yield
        finally:
            if own:
                app.state.services.engine.dispose()

    app = FastAPI(
        title="Attestia",
        summary="ProConnect to verifiable credentials: issuer, verifier, trust registry",
        version="0.1.0",
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    if services is not None:
        app.state.services = services
    install_error_handlers(app)
    app.add_middleware(WebSessionMiddleware)
    app.add_middleware(BodySizeLimitMiddleware)
    install_observability(app, settings)
    app.add_middleware(RequestIdMiddleware)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # Routes are matched in order, one included router after the other: the protocol
    # endpoints that take the load come first (each router passed costs a few µs).
    app.include_router(oid4vci_routes.router)
    app.include_router(verifier_connector.router)
    app.include_router(verifier_oid4vp.router)
    app.include_router(issuer_status_routes.router)
    app.include_router(health.router)
    app.include_router(did_routes.router)
    app.include_router(home.router)
    app.include_router(verifier_demo.router)
    app.include_router(auth.router)
    app.state.issuer_admin_check = issuer_admin_check
    install_issuer_portal(app)
    install_gaia_x(app)
    install_registry(app, settings)
    if settings.sandbox_enabled:
        from attestia.sandbox.proconnect import install_sandbox

        install_sandbox(app, settings)
    return app


def create_app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory`` (used by ``attestia serve`` with several workers)."""
    from attestia.settings import load_settings

    settings = load_settings()
    configure_logging(
        json_format=settings.log_format == "json"
        or (settings.log_format == "auto" and settings.is_production),
        level=settings.log_level,
    )
    return create_app(settings)
