"""The trust registry over HTTP: public query API, admin JSON API and admin pages.

* :mod:`~trust_registry.web.public_api` — ``/registry/authorization`` (ToIP TRQP v2),
  ``/registry/issuers…`` and the signed ``/registry/trusted-list`` (ETSI TS 119 602 LoTE
  in a JWS): unauthenticated, rate-limited, cached;
* :mod:`~trust_registry.web.admin_api` — ``/registry/admin/api/…`` for programs (API
  tokens) and the admin pages' scripts (session + CSRF header);
* :mod:`~trust_registry.web.admin_ui`, :mod:`~trust_registry.web.admin_ui_status`,
  :mod:`~trust_registry.web.admin_ui_audit` — the
  ``/registry/admin/`` pages, on the access rules of :mod:`~trust_registry.web.pages`.

Nothing here imports the composition layer: :func:`install_registry_web` takes a
:class:`~trust_registry.web.deps.RegistryWebHooks` with what the routers need.
"""

from __future__ import annotations

from fastapi import FastAPI

from trust_registry.web import admin_api, admin_ui, admin_ui_audit, admin_ui_status, public_api
from trust_registry.web.deps import RegistryWebHooks
from trust_registry.web.pages import install_page_errors
from trust_registry.web.rate_limit import TokenBucketLimiter
from trust_registry.web.trusted_list_cache import TrustedListCache

__all__ = [
    "RegistryWebHooks",
    "TokenBucketLimiter",
    "TrustedListCache",
    "install_registry_web",
]


def install_registry_web(app: FastAPI, hooks: RegistryWebHooks) -> None:
    """Mount the registry's routers on ``app`` and keep ``hooks`` for them."""
    app.state.registry_web = hooks
    install_page_errors(app)
    app.include_router(public_api.router)
    app.include_router(admin_api.router)
    app.include_router(admin_ui_audit.router)
    app.include_router(admin_ui.router)
    app.include_router(admin_ui_status.router)  # after admin_ui: /issuers/{did}/{action}
