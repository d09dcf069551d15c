"""The ProConnect sandbox: an in-process OpenID Provider over fictitious personas.

A development stand-in for ProConnect (``/api/v2``) mounted at
``/sandbox/proconnect/api/v2`` when ``settings.sandbox_enabled``; see :mod:`.provider` for
what it emulates and ``attestia/sandbox/personas.json`` for the people it knows.
"""

from __future__ import annotations

import secrets

from fastapi import FastAPI

from attestia.sandbox.personas import load_personas
from attestia.sandbox.proconnect.provider import SandboxClient, SandboxProvider
from attestia.sandbox.proconnect.router import router
from attestia.settings import SANDBOX_PROCONNECT_PATH, Settings

DEFAULT_CLIENT_ID = "attestia-dev"

__all__ = ["DEFAULT_CLIENT_ID", "SandboxClient", "SandboxProvider", "install_sandbox", "router"]


def sandbox_client(settings: Settings) -> SandboxClient:
    """The client the sandbox knows: from settings, else ``attestia-dev`` with a secret
    drawn at each start (the in-process relying party reads it from the provider)."""
    secret = settings.proconnect_client_secret
    return SandboxClient(
        client_id=settings.proconnect_client_id or DEFAULT_CLIENT_ID,
        client_secret=secret.get_secret_value() if secret else secrets.token_urlsafe(32),
        redirect_uris=(settings.proconnect_redirect_uri,),
        post_logout_redirect_uris=(settings.proconnect_post_logout_redirect_uri,),
        userinfo_format=settings.proconnect_userinfo_format,
    )


def install_sandbox(app: FastAPI, settings: Settings) -> SandboxProvider:
    """Create the provider (``app.state.proconnect_sandbox``) and mount its routes."""
    provider = SandboxProvider(
        issuer=settings.base_url + SANDBOX_PROCONNECT_PATH,
        client=sandbox_client(settings),
        personas=load_personas(),
    )
    app.state.proconnect_sandbox = provider
    app.include_router(router)
    return provider
