"""The registry's public read side: TRQP authorization, issuers, history, trusted list.

No authentication (ARF annex 2 Reg_04: anyone may read the register), a per-client rate
limit (:mod:`trust_registry.web.rate_limit`), and HTTP caching: every change to the
registry bumps the trusted list's ``LoTESequenceNumber``, so the sequence number is the
(weak) entity tag of every read here (RFC 9110 §8.8.3) and ``If-None-Match`` gets a 304
(RFC 9110 §15.4.5) while nothing changed.

``POST /registry/authorization`` follows the ToIP Trust Registry Query Protocol v2 HTTPS
binding: JSON in, JSON out, "400 Bad Request — malformed request" and "404 Not Found —
entity, authority, or assertion not recognized". Errors carry this project's
``{"error", "error_description"}`` and the RFC 9457 problem members TRQP names
(``type``, ``title``, ``status``, ``detail``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Final
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from credentials.oauth_errors import ProtocolError, error_responses
from trust_registry import query
from trust_registry.errors import InvalidEntryError, NotFoundError, RegistryError
from trust_registry.timestamps import parse_time
from trust_registry.trusted_list import list_sequence
from trust_registry.web.deps import DbDep, NowDep, get_hooks

PREFIX: Final = "/registry"
READ_CACHE: Final = "public, max-age=60"
LIST_CACHE: Final = "public, max-age=300"
JWT_MEDIA_TYPE: Final = "application/jwt"


class TooManyRequestsError(ProtocolError):
    """RFC 6585 §4: "The user has sent too many requests in a given amount of time"."""

    error = "too_many_requests"
    status_code = 429


def rate_limited(request: Request) -> None:
    """Take a token from the caller's bucket or answer 429 with ``Retry-After``."""
    client = request.client.host if request.client is not None else "unknown"
    wait = get_hooks(request).rate_limiter.take(client)
    if wait is not None:
        raise TooManyRequestsError(
            "too many requests from this address; retry later",
            headers={"Retry-After": str(wait)},
        )


router = APIRouter(
    prefix=PREFIX,
    tags=["trust registry"],
    dependencies=[Depends(rate_limited)],
    responses=error_responses({429: "too many requests from this client; see Retry-After"}),
)
_UNCHANGED: dict[int | str, dict[str, Any]] = {
    304: {"description": "unchanged since the ETag given in If-None-Match"}
}
_ISSUER = {
    **_UNCHANGED,
    **error_responses({400: "malformed parameter", 404: "no such issuer (at that time)"}),
}


def issuer_path(did: str) -> str:
    """The URL path of an issuer: its DID percent-encoded as one path segment."""
    return f"{PREFIX}/issuers/{quote(did, safe='')}"


def _etag(sequence: int) -> str:
    return f'W/"{sequence}"'


def _not_modified(request: Request, etag: str) -> bool:
    given = request.headers.get("if-none-match")
    if given is None:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in given.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags


def _cached(
    request: Request, session: Session, build: Any, *, cache_control: str = READ_CACHE
) -> Response:
    """Answer 304 when the client holds the current sequence, else ``build()`` as JSON."""
    etag = _etag(list_sequence(session))
    headers = {"ETag": etag, "Cache-Control": cache_control, "Vary": "Accept-Encoding"}
    if _not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    return JSONResponse(build(), headers=headers)


class AuthorizationContext(BaseModel):
    model_config = ConfigDict(extra="allow")

    time: str | None = None


class AuthorizationQuery(BaseModel):
    """TRQP v2 ``trqp_authorization_request`` (required entity, authority, action, resource)."""

    model_config = ConfigDict(extra="forbid")

    entity_id: str = Field(min_length=1, max_length=512)
    authority_id: str = Field(min_length=1, max_length=512)
    action: str = Field(min_length=1, max_length=64)
    resource: str = Field(min_length=1, max_length=512)
    context: AuthorizationContext | None = None


def _problem(exc: RegistryError) -> JSONResponse:
    titles = {400: "Bad Request", 404: "Not Found"}
    return JSONResponse(
        {
            "error": exc.error,
            "error_description": exc.description,
            "type": "about:blank",
            "title": titles.get(exc.status_code, "Error"),
            "status": exc.status_code,
            "detail": exc.description,
        },
        status_code=exc.status_code,
        headers={"Cache-Control": "no-store"},
    )


@router.post(
    "/authorization",
    summary="TRQP authorization query",
    response_model=None,
    responses=error_responses(
        {400: "malformed query", 404: "the authority is not this registry, or unknown entity"}
    ),
)
def authorization(
    body: AuthorizationQuery, request: Request, session: DbDep, moment: NowDep
) -> JSONResponse:
    """Was ``entity_id`` authorised by this registry to ``issue`` ``resource`` at
    ``context.time`` (default: now)?"""
    hooks = get_hooks(request)
    try:
        time = None
        if body.context is not None and body.context.time is not None:
            time = parse_time(body.context.time)
        answer = query.authorize(
            session,
            entity_id=body.entity_id,
            authority_id=body.authority_id,
            action=body.action,
            resource=body.resource,
            time=time,
            now=moment,
            registry_id=hooks.registry_did(request),
        )
    except RegistryError as exc:
        return _problem(exc)
    return JSONResponse(answer, headers={"Cache-Control": "no-store"})


def _time_param(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_time(value)
    except InvalidEntryError:
        raise InvalidEntryError(f"{name} must be an RFC 3339 date-time with an offset") from None


@router.get(
    "/issuers",
    summary="List registered issuers",
    responses={**_UNCHANGED, **error_responses({400: "malformed parameter"})},
)
def issuers(
    request: Request,
    session: DbDep,
    status: Annotated[str | None, Query(description="active, suspended or cancelled")] = None,
    type: Annotated[str | None, Query(description="a credential type they may issue")] = None,
    q: Annotated[str | None, Query(max_length=200, description="name, SIREN or DID")] = None,
    after: Annotated[str | None, Query(max_length=512, description="last DID seen")] = None,
    limit: Annotated[int, Query(ge=1, le=query.MAX_PAGE)] = 100,
) -> Response:
    """Current entries ordered by DID; ``next`` is the cursor of the following page."""

    def build() -> dict[str, Any]:
        items = query.list_issuers(
            session,
            status=status or None,
            credential_type=type or None,
            text=q or None,
            after=after,
            limit=limit,
        )
        following = items[-1]["did"] if len(items) == limit else None
        return {"issuers": items, "next": following}

    return _cached(request, session, build)


@router.get("/issuers/{did}", summary="One issuer (DID percent-encoded)", responses=_ISSUER)
def issuer(
    did: str,
    request: Request,
    session: DbDep,
    at: Annotated[str | None, Query(description="RFC 3339 time: the entry as it was")] = None,
) -> Response:
    moment = _time_param(at, "at")

    def build() -> dict[str, Any]:
        if moment is None:
            return query.get_issuer(session, did=did)
        state = query.get_issuer_at(session, did=did, time=moment)
        if state is None:
            raise NotFoundError(f"{did} was not registered at {at}")
        return state

    return _cached(request, session, build)


@router.get(
    "/issuers/{did}/history", summary="Every recorded change of one issuer", responses=_ISSUER
)
def issuer_history(did: str, request: Request, session: DbDep) -> Response:
    return _cached(
        request, session, lambda: {"did": did, "history": query.issuer_history(session, did=did)}
    )


def _signed_list(request: Request, session: Session, moment: datetime) -> tuple[Any, str, bool]:
    hooks = get_hooks(request)
    etag = _etag(list_sequence(session))
    if _not_modified(request, etag):
        return None, etag, True
    signed = hooks.trusted_list.current(
        session,
        signer=lambda: hooks.signer(request),
        registry_did=hooks.registry_did(request),
        now=moment,
    )
    return signed, _etag(signed.sequence), False


@router.get(
    "/trusted-list",
    summary="The signed trusted list (compact JWS, typ trustlist+jwt)",
    response_class=Response,
    responses={200: {"content": {JWT_MEDIA_TYPE: {}}}, **_UNCHANGED},
)
def trusted_list(request: Request, session: DbDep, moment: NowDep) -> Response:
    signed, etag, unchanged = _signed_list(request, session, moment)
    headers = {"ETag": etag, "Cache-Control": LIST_CACHE}
    if unchanged:
        return Response(status_code=304, headers=headers)
    return Response(signed.token, media_type=JWT_MEDIA_TYPE, headers=headers)


@router.get(
    "/trusted-list.json",
    summary="The trusted list's payload, decoded for humans",
    responses=_UNCHANGED,
)
def trusted_list_json(request: Request, session: DbDep, moment: NowDep) -> Response:
    signed, etag, unchanged = _signed_list(request, session, moment)
    headers = {"ETag": etag, "Cache-Control": LIST_CACHE}
    if unchanged:
        return Response(status_code=304, headers=headers)
    return JSONResponse(signed.claims(), headers=headers)
