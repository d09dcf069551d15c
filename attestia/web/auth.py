"""ProConnect login routes: ``/auth/login``, ``/auth/callback``, ``/auth/logout``,
``/auth/logged-out``, ``/auth/me`` (and ``/auth/jwks.json`` with ``private_key_jwt``).

The protocol is :mod:`issuer.proconnect`; this module keeps the pending login and the
identity in the server-side session (:mod:`attestia.sessions`) and renders errors as a
French/English page (or JSON for ``Accept: application/json``) with a 4xx/5xx status,
changing nothing.

Which provider: ``ATTESTIA_PROCONNECT_URL`` when set; otherwise, with the sandbox enabled,
the in-process sandbox at ``{base_url}/sandbox/proconnect/api/v2``. The relying party
reaches the sandbox through ``httpx.ASGITransport(app)``: real HTTP requests and responses
handled by this same application without a socket, so a single worker never waits on
itself, and the back channel works whatever address the server listens on.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from authlib.common.security import generate_token
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from attestia import sessions
from attestia.settings import Settings
from credentials.oauth_errors import ERROR_SCHEMA, error_responses
from issuer.proconnect import (
    CallbackParams,
    OIDCError,
    PendingLogin,
    RelyingParty,
    RelyingPartyConfig,
)
from issuer.proconnect.client_auth import assertion_kid
from issuer.proconnect.errors import InvalidStateError, ProviderUnavailableError

TEMPLATES = Jinja2Templates(directory=Path(__file__).parents[1] / "templates")
router = APIRouter(prefix="/auth", tags=["login"])
logger = logging.getLogger("attestia.auth")

ID_TOKEN_KEY = "proconnect_id_token"  # noqa: S105  (a session field name)

_HTML: dict[str, Any] = {"text/html": {"schema": {"type": "string"}}}


def _pages(descriptions: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for statuses answered with an HTML page (or the error object when
    the client accepts only JSON)."""
    return {
        status: {
            "description": description,
            "content": {**_HTML, "application/json": {"schema": dict(ERROR_SCHEMA)}},
        }
        for status, description in descriptions.items()
    }


_LOGIN_ERRORS = _pages(
    {
        400: "the login or its callback is invalid (state, code, error from ProConnect)",
        403: "ProConnect refused the login or the assurance level is too low",
        502: "ProConnect answered with an error or could not be reached",
    }
)
CLIENT_KEY_PURPOSE = "proconnect"
_NEXT = re.compile(r"^/(?![/\\])[A-Za-z0-9\-._~!$&'()*+,;=:@/%?]*$")
_TRUE = frozenset({"1", "true", "yes", "on"})


class LoginNotConfiguredError(OIDCError):
    """Neither ``ATTESTIA_PROCONNECT_URL`` nor the sandbox is available."""

    error = "login_not_configured"
    status_code = 503
    message_fr = "La connexion ProConnect n'est pas configurée sur ce service."


def safe_next(value: str | None) -> str:
    """A local path to return to after login; anything else (absolute or
    scheme-relative URLs, backslashes, control characters) becomes ``/``."""
    if not value or len(value) > 512 or not _NEXT.match(value):
        return "/"
    return value


def build_relying_party(app: FastAPI, settings: Settings) -> RelyingParty:
    """The relying party for this deployment (see the module docstring)."""
    transport: httpx.AsyncBaseTransport | None = None
    sandbox = getattr(app.state, "proconnect_sandbox", None)
    auth_method = settings.proconnect_auth_method
    if settings.proconnect_url:
        client_id = settings.proconnect_client_id
        secret = settings.proconnect_client_secret
        client_secret = secret.get_secret_value() if secret else None
    elif sandbox is not None:
        client_id, client_secret = sandbox.client.client_id, sandbox.client.client_secret
        root_path = urlsplit(settings.base_url).path.rstrip("/")
        transport = httpx.ASGITransport(app=app, root_path=root_path)
        if auth_method == "private_key_jwt":
            auth_method = "client_secret_post"  # the sandbox registers secrets only
    else:
        raise LoginNotConfiguredError("set ATTESTIA_PROCONNECT_URL or enable the sandbox")
    signer = None
    if auth_method == "private_key_jwt":
        keys = app.state.services.keys
        keys.ensure_keys([(CLIENT_KEY_PURPOSE, "P-256")])
        signer = keys.signer(CLIENT_KEY_PURPOSE, "P-256")
    config = RelyingPartyConfig(
        issuer=settings.proconnect_issuer_url,
        client_id=client_id,
        client_secret=client_secret,
        redirect_uri=settings.proconnect_redirect_uri,
        post_logout_redirect_uri=settings.proconnect_post_logout_redirect_uri,
        scopes=tuple(settings.proconnect_scopes),
        auth_method=auth_method,
        userinfo_format=settings.proconnect_userinfo_format,
        timeout=settings.proconnect_timeout_seconds,
        cache_ttl=settings.proconnect_cache_seconds,
        client_assertion_signer=signer,
    )
    return RelyingParty(config, transport=transport)


def relying_party(request: Request) -> RelyingParty:
    rp: RelyingParty | None = getattr(request.app.state, "proconnect_rp", None)
    if rp is None:
        rp = build_relying_party(request.app, request.app.state.settings)
        request.app.state.proconnect_rp = rp
    return rp


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _page(request: Request, status: int, **context: Any) -> HTMLResponse:
    context.setdefault("mode", request.app.state.settings.mode)
    return TEMPLATES.TemplateResponse(
        request,
        "auth/page.html",
        context,
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


def error_response(request: Request, exc: OIDCError) -> Response:
    logger.info("login refused: %s", exc.error)
    if _wants_json(request):
        return JSONResponse(
            exc.to_json(), status_code=exc.status_code, headers={"Cache-Control": "no-store"}
        )
    return _page(
        request,
        exc.status_code,
        title_fr="Connexion impossible",
        title_en="Login failed",
        message_fr=exc.message_fr,
        message_en=exc.description,
        error_code=exc.error,
        error=True,
        retry=True,
    )


@router.get(
    "/login",
    summary="Start a ProConnect login",
    response_model=None,
    response_class=RedirectResponse,
    status_code=302,
    responses=_LOGIN_ERRORS,
)
async def login(request: Request, next: str | None = None, certification: str = "") -> Response:
    """302 to ProConnect; ``certification=1`` requires certification dirigeant."""
    try:
        rp = relying_party(request)
        auth = await rp.start_login(
            certification=certification.lower() in _TRUE, next_path=safe_next(next)
        )
    except OIDCError as exc:
        return error_response(request, exc)
    session = await run_in_threadpool(sessions.ensure_session, request)
    store = sessions.get_store(request)
    await run_in_threadpool(
        store.put_login_state, session, auth.pending.state, auth.pending.to_json()
    )
    return RedirectResponse(auth.url, status_code=302, headers={"Cache-Control": "no-store"})


@router.get(
    "/callback",
    summary="ProConnect redirects back here",
    response_model=None,
    response_class=RedirectResponse,
    status_code=302,
    responses=_LOGIN_ERRORS,
)
async def callback(
    request: Request,
    state: str | None = None,
    code: str | None = None,
    error: str | None = None,
    error_description: str | None = None,
) -> Response:
    """Verify the response (state, code, id_token, acr, userinfo), then log in."""
    store = sessions.get_store(request)
    try:
        stored = await run_in_threadpool(
            store.take_login_state, sessions.web_session(request), state or ""
        )
        if stored is None:
            raise InvalidStateError("no login in progress in this browser matches this state")
        pending = PendingLogin.from_json(stored)
        result = await relying_party(request).finish_login(
            CallbackParams(
                state=state, code=code, error=error, error_description=error_description
            ),
            pending,
        )
    except OIDCError as exc:
        return error_response(request, exc)
    await run_in_threadpool(
        sessions.start_authenticated_session,
        request,
        result.identity.to_json(),
        {ID_TOKEN_KEY: result.id_token},
    )
    logger.info("login: acr=%s", result.identity.acr)
    return RedirectResponse(pending.next_path, status_code=302)


@router.get(
    "/logout",
    response_class=HTMLResponse,
    summary="Logout confirmation page",
    responses={303: {"description": "not logged in: back to the home page"}},
)
def logout_page(request: Request) -> Response:
    if sessions.current_identity(request) is None:
        return RedirectResponse("/", status_code=303)
    return _page(
        request,
        200,
        title_fr="Déconnexion",
        title_en="Log out",
        message_fr="Fermer votre session ici et sur ProConnect ?",
        message_en="End your session here and at ProConnect?",
        logout_form=True,
        csrf_token=sessions.csrf_token(request),
    )


@router.post(
    "/logout",
    summary="End the session here and at ProConnect",
    response_model=None,
    response_class=RedirectResponse,
    status_code=303,
    responses=_pages({403: "the CSRF token is missing or wrong"}),
)
async def logout(request: Request) -> Response:
    form = await request.form()
    token = form.get("csrf_token")
    if not sessions.check_csrf(request, token if isinstance(token, str) else None):
        return _page(
            request,
            403,
            title_fr="Déconnexion refusée",
            title_en="Logout refused",
            message_fr="Le formulaire a expiré ; rechargez la page de déconnexion.",
            message_en="The form has expired (CSRF check failed); reload the logout page.",
            error_code="invalid_csrf_token",
            error=True,
        )
    session = sessions.web_session(request)
    id_token = session.data.get(ID_TOKEN_KEY) if session is not None else None
    await run_in_threadpool(sessions.end_session, request)
    try:
        target = await relying_party(request).logout_url(
            id_token=id_token if isinstance(id_token, str) else None, state=generate_token(48)
        )
    except (ProviderUnavailableError, LoginNotConfiguredError):
        target = None
    return RedirectResponse(target or "/auth/logged-out", status_code=303)


@router.get("/logged-out", response_class=HTMLResponse, summary="After logout")
def logged_out(request: Request) -> HTMLResponse:
    return _page(
        request,
        200,
        title_fr="Vous êtes déconnecté",
        title_en="You are logged out",
        retry=True,
    )


@router.get(
    "/me",
    summary="The current ProConnect identity (no tokens)",
    responses=error_responses({401: "not logged in"}),
)
def me(identity: sessions.CurrentIdentityDep) -> JSONResponse:
    if identity is None:
        return JSONResponse(
            {"error": "unauthorized", "error_description": "not logged in"},
            status_code=401,
            headers={"Cache-Control": "no-store"},
        )
    return JSONResponse({"identity": identity}, headers={"Cache-Control": "no-store"})


@router.get(
    "/jwks.json",
    summary="Public key of private_key_jwt client authentication",
    responses={200: {"content": {"application/jwk-set+json": {"schema": {"type": "object"}}}}},
)
def client_jwks(request: Request) -> JSONResponse:
    """The key to register at ProConnect when ``ATTESTIA_PROCONNECT_AUTH_METHOD`` is
    ``private_key_jwt`` (an empty set otherwise)."""
    settings: Settings = request.app.state.settings
    if settings.proconnect_auth_method != "private_key_jwt":
        return JSONResponse({"keys": []})
    keys = request.app.state.services.keys
    keys.ensure_keys([(CLIENT_KEY_PURPOSE, "P-256")])
    signer = keys.signer(CLIENT_KEY_PURPOSE, "P-256")
    jwk = {**signer.public_jwk(), "kid": assertion_kid(signer), "use": "sig", "alg": "ES256"}
    return JSONResponse({"keys": [jwk]}, media_type="application/jwk-set+json")
