"""HTTP routes of the status service, the type metadata, the vocabulary and revocation.

- ``GET /issuer/status/{list_id}``: a Token Status List token, ``application/statuslist+jwt``
  (draft-ietf-oauth-status-list-20 §8.1: the Relying Party fetches the ``uri``; §13.6
  caching: ``Cache-Control: max-age`` follows the token's ``ttl``), with a weak ``ETag``
  answered by 304 on ``If-None-Match`` (RFC 9110 §13.1.2, weak comparison).
- ``GET /issuer/status/{list_id}/{purpose}``: a Bitstring Status List credential
  (``revocation`` or ``suspension``) as ``application/vc+jwt``, same caching.
- ``GET /issuer/vct/{kind}``: SD-JWT VC Type Metadata (draft-ietf-oauth-sd-jwt-vc §6.3.1,
  retrieval from the ``vct`` URL).
- ``GET /issuer/contexts/attestia-v1.jsonld``: the vocabulary context, ``application/ld+json``.
- ``POST /issuer/credentials/{credential_id}/revoke|suspend|reinstate``: the administrator
  API, behind :data:`IssuerAdminDep`; the body is ``{"reason": "..."}``.

The router reads its services from ``request.app.state.issuer`` (an
:class:`~issuer.minting.services.IssuerServices`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from credentials.oauth_errors import NotFound, Unauthorized, error_responses
from issuer.catalogue.errors import UnknownConfigurationError
from issuer.catalogue.vocabulary import MEDIA_TYPE as JSONLD_MEDIA_TYPE
from issuer.catalogue.vocabulary import context_bytes
from issuer.minting.services import IssuerServices
from issuer.status.publication import BitstringPurpose, PublishedList
from issuer.status.revocation import Action, Actor

router = APIRouter(tags=["issuer status"])

_JWT = {"schema": {"type": "string"}}
_LIST_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/statuslist+jwt": _JWT, "application/vc+jwt": _JWT}},
    304: {"description": "unchanged since the ETag given in If-None-Match"},
    **error_responses({404: "no such status list"}),
}

#: ``app.state.issuer_admin_check(request)`` → the administrator's identifier, or None.
AdminCheck = Callable[[Request], str | None]


def issuer_services(request: Request) -> IssuerServices:
    services: IssuerServices = request.app.state.issuer
    return services


def require_admin(request: Request) -> str:
    """The administrator identifier from the composition layer's check; 401 otherwise."""
    check: AdminCheck | None = getattr(request.app.state, "issuer_admin_check", None)
    if check is None:
        raise Unauthorized("the issuer administration API is not configured")
    admin = check(request)
    if not admin:
        raise Unauthorized(
            "administrator authentication is required", headers={"WWW-Authenticate": "Bearer"}
        )
    return admin


IssuerServicesDep = Annotated[IssuerServices, Depends(issuer_services)]
IssuerAdminDep = Annotated[str, Depends(require_admin)]


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    opaque = etag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        value = candidate.strip()
        if value == "*" or value.removeprefix("W/") == opaque:
            return True
    return False


def _serve(request: Request, published: PublishedList) -> Response:
    headers = {
        "ETag": published.etag,
        "Cache-Control": f"public, max-age={published.max_age}",
    }
    if _matches(request.headers.get("if-none-match"), published.etag):
        return Response(status_code=304, headers=headers)
    return Response(published.body, media_type=published.media_type, headers=headers)


@router.get(
    "/issuer/status/{list_id}",
    summary="Token Status List (statuslist+jwt)",
    response_class=Response,
    responses=_LIST_RESPONSES,
)
def token_status_list(request: Request, list_id: str, services: IssuerServicesDep) -> Response:
    with services.sessions() as session:
        published = services.publisher.publish(session, list_id)
    return _serve(request, published)


@router.get(
    "/issuer/status/{list_id}/{purpose}",
    summary="Bitstring Status List credential (vc+jwt)",
    response_class=Response,
    responses=_LIST_RESPONSES,
)
def bitstring_status_list(
    request: Request, list_id: str, purpose: str, services: IssuerServicesDep
) -> Response:
    if purpose not in ("revocation", "suspension"):
        raise NotFound(f"no {purpose!r} list")
    chosen: BitstringPurpose = "revocation" if purpose == "revocation" else "suspension"
    with services.sessions() as session:
        published = services.publisher.publish(session, list_id, chosen)
    return _serve(request, published)


@router.get(
    "/issuer/vct/{kind}",
    summary="SD-JWT VC Type Metadata",
    responses=error_responses({404: "no such credential type"}),
)
def vct_type_metadata(kind: str, services: IssuerServicesDep) -> JSONResponse:
    try:
        document = services.catalogue.type_metadata(kind)
    except UnknownConfigurationError:
        raise NotFound(f"no credential type {kind!r}") from None
    return JSONResponse(document, headers={"Cache-Control": "public, max-age=3600"})


@router.get(
    "/issuer/contexts/attestia-v1.jsonld",
    summary="The attestia v1 JSON-LD context",
    response_class=Response,
    responses={200: {"content": {JSONLD_MEDIA_TYPE: {"schema": {"type": "object"}}}}},
)
def vocabulary_context() -> Response:
    return Response(
        context_bytes(),
        media_type=JSONLD_MEDIA_TYPE,
        headers={"Cache-Control": "public, max-age=86400", "Access-Control-Allow-Origin": "*"},
    )


class StatusChangeRequest(BaseModel):
    """The administrator's reason for the change (kept in the append-only history)."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500)


def _change(
    services: IssuerServices,
    credential_id: str,
    action: Action,
    admin: str,
    reason: str,
) -> dict[str, Any]:
    with services.sessions() as session, session.begin():
        change = services.revocation.change(
            session,
            credential_id,
            action,
            actor=Actor(kind="administrator", id=admin),
            reason=reason,
        )
    return {
        "credential_id": f"urn:uuid:{change.credential_id}",
        "status": change.to_state,
        "previous_status": change.from_state,
        "changed_at": change.changed_at.isoformat(),
    }


def _route(action: Literal["revoke", "suspend", "reinstate"]) -> None:
    def endpoint(
        credential_id: str,
        body: StatusChangeRequest,
        admin: IssuerAdminDep,
        services: IssuerServicesDep,
    ) -> dict[str, Any]:
        return _change(services, credential_id, action, admin, body.reason)

    endpoint.__name__ = f"{action}_credential"
    router.add_api_route(
        f"/issuer/credentials/{{credential_id}}/{action}",
        endpoint,
        methods=["POST"],
        summary=f"{action.capitalize()} an issued credential (administrator)",
        responses=error_responses(
            {
                401: "administrator authentication is required",
                403: "this administrator may not change this credential",
                404: "no such credential",
                409: "the credential's status does not allow this change",
            }
        ),
    )


_route("revoke")
_route("suspend")
_route("reinstate")
