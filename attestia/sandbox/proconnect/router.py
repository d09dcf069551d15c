"""HTTP routes of the sandbox OpenID Provider under ``/sandbox/proconnect/api/v2``.

Mounted by :func:`attestia.app.create_app` only when ``settings.sandbox_enabled`` (never in
production: settings refuse it there), so every path here answers 404 otherwise. Protocol
decisions live in :class:`.provider.SandboxProvider`; this module parses and renders.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from urllib.parse import unquote_plus

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from attestia.sandbox.proconnect.errors import (
    InvalidClientError,
    InvalidRequestError,
    InvalidTokenError,
    RedirectableError,
)
from attestia.sandbox.proconnect.provider import (
    SandboxProvider,
    UnknownClientError,
    redirect_error,
)
from attestia.settings import SANDBOX_PROCONNECT_PATH
from issuer.proconnect.constants import CERTIFICATION_DIRIGEANT_ACR

TEMPLATES = Jinja2Templates(directory=Path(__file__).parents[2] / "templates")
router = APIRouter(prefix=SANDBOX_PROCONNECT_PATH, tags=["sandbox"], include_in_schema=False)
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _provider(request: Request) -> SandboxProvider:
    provider: SandboxProvider = request.app.state.proconnect_sandbox
    return provider


def _page(request: Request, status: int, title: tuple[str, str], message: str) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(
        request,
        "sandbox/message.html",
        {
            "title_fr": title[0],
            "title_en": title[1],
            "message": message,
            "error": status >= 400,
            "mode": request.app.state.settings.mode,
        },
        status_code=status,
        headers=NO_STORE,
    )


@router.get("/.well-known/openid-configuration")
def discovery(request: Request) -> JSONResponse:
    return JSONResponse(_provider(request).discovery())


@router.get("/jwks")
def jwks(request: Request) -> JSONResponse:
    return JSONResponse(_provider(request).jwks(), media_type="application/jwk-set+json")


@router.get("/authorize", response_model=None)
def authorize(request: Request) -> Response:
    provider = _provider(request)
    params = dict(request.query_params)
    try:
        validated = provider.validate_authorization(params)
    except UnknownClientError as exc:
        return _page(request, 400, ("Requête refusée", "Request refused"), exc.description)
    except RedirectableError as exc:
        target = redirect_error(params["redirect_uri"], params.get("state"), exc)
        return RedirectResponse(target, status_code=303, headers=NO_STORE)
    interaction = provider.start_interaction(validated)
    return TEMPLATES.TemplateResponse(
        request,
        "sandbox/authorize.html",
        {
            "personas": list(provider.personas),
            "interaction": interaction,
            "action": f"{SANDBOX_PROCONNECT_PATH}/interaction",
            "certification": validated.certification_essential,
            "certification_acr": CERTIFICATION_DIRIGEANT_ACR,
            "mode": request.app.state.settings.mode,
        },
        headers=NO_STORE,
    )


@router.post("/interaction", response_model=None)
async def interaction(request: Request) -> Response:
    form = {key: str(value) for key, value in (await request.form()).items()}
    provider = _provider(request)
    try:
        if form.get("action") == "cancel":
            target = provider.deny(form.get("interaction", ""))
        else:
            target = provider.complete_interaction(
                form.get("interaction", ""),
                persona_id=form.get("persona", ""),
                siret=form.get("siret", ""),
                acr=form.get("acr", ""),
            )
    except InvalidRequestError as exc:
        return _page(request, 400, ("Requête refusée", "Request refused"), exc.description)
    return RedirectResponse(target, status_code=303, headers=NO_STORE)


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    """RFC 6749 §2.3.1: HTTP Basic with form-urlencoded id and secret."""
    header = request.headers.get("authorization")
    if header is None or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise InvalidClientError("malformed Basic credentials") from None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise InvalidClientError("malformed Basic credentials")
    return unquote_plus(client_id), unquote_plus(secret)


@router.post("/token")
async def token(request: Request) -> JSONResponse:
    form = {key: str(value) for key, value in (await request.form()).items()}
    basic = _basic_credentials(request)
    try:
        body = _provider(request).token(form, basic)
    except InvalidClientError as exc:
        if basic is not None:
            exc.headers["WWW-Authenticate"] = 'Basic realm="sandbox"'
        raise
    return JSONResponse(body, headers=NO_STORE)


@router.api_route("/userinfo", methods=["GET", "POST"])
def userinfo(request: Request) -> Response:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        raise InvalidTokenError(
            "a Bearer access token is required", headers={"WWW-Authenticate": "Bearer"}
        )
    media_type, body = _provider(request).userinfo(header[7:].strip())
    if isinstance(body, dict):
        return JSONResponse(body, headers=NO_STORE)
    return Response(body, media_type=media_type, headers=NO_STORE)


@router.get("/session/end", response_model=None)
def end_session(request: Request) -> Response:
    try:
        target = _provider(request).end_session(dict(request.query_params))
    except InvalidRequestError as exc:
        return _page(request, 400, ("Déconnexion refusée", "Logout refused"), exc.description)
    if target is None:
        return _page(
            request, 200, ("Vous êtes déconnecté", "You are logged out"), "Session terminée."
        )
    return RedirectResponse(target, status_code=303, headers=NO_STORE)
