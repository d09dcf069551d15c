"""The administrators' JSON API under ``/registry/admin/api``.

The operations of the admin pages, for programs: authenticated by an API token
(``Authorization: Bearer``, scopes ``registry:read``, ``registry:write``,
``registry:audit``) or by an administrator's browser session, whose writes then need the
``X-CSRF-Token`` header (the ``data-csrf-token`` of ``#registry-csrf`` on every admin
page); see :mod:`trust_registry.web.deps`. Every write runs in one transaction that
commits only when the registry function returned, so an error (``{"error",
"error_description"}``: 400 ``invalid_request``, 401 ``invalid_token``, 403
``insufficient_scope``/``forbidden``, 404 ``not_found``, 409 ``conflict``/
``invalid_transition``/``entity_cancelled``) changes nothing.
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from credentials.oauth_errors import error_responses
from trust_registry import query, registry
from trust_registry.admins import list_administrators
from trust_registry.audit import export_jsonl, list_entries, verify_chain
from trust_registry.history import EntityState
from trust_registry.timestamps import parse_time
from trust_registry.tokens import MAX_LIFETIME, create_token, list_tokens, revoke_token
from trust_registry.web.deps import ApiAuditor, ApiReader, ApiSessionAdmin, ApiWriter, DbDep, NowDep

router = APIRouter(
    prefix="/registry/admin/api",
    tags=["trust registry admin"],
    responses=error_responses(
        {
            400: "invalid_request",
            401: "invalid_token: no or unknown API token or administrator session",
            403: "insufficient_scope or forbidden (CSRF, role)",
            404: "not_found",
            409: "conflict, invalid_transition or entity_cancelled",
        }
    ),
)
NO_STORE: Final = {"Cache-Control": "no-store"}

Kind = Literal["vct", "vc_type", "gaiax_type"]
Text = Annotated[str, Field(min_length=1, max_length=512)]
Reason = Annotated[str, Field(min_length=1, max_length=2000)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TypeGrantIn(_Body):
    kind: Kind
    type: Text
    valid_from: str | None = Field(default=None, description="RFC 3339; default now")
    valid_until: str | None = Field(default=None, description="RFC 3339; default open-ended")


class IssuerIn(_Body):
    did: Text
    legal_name: Text
    siren: str | None = None
    country: str = "FR"
    contact: str | None = None
    x509_thumbprints: list[str] = Field(default_factory=list, max_length=20)
    jwk_thumbprints: list[str] = Field(default_factory=list, max_length=20)
    types: list[TypeGrantIn] = Field(default_factory=list, max_length=100)
    reason: str | None = Field(default=None, max_length=2000)


class IssuerChangesIn(_Body):
    legal_name: str | None = None
    siren: str | None = None
    country: str | None = None
    contact: str | None = None
    x509_thumbprints: list[str] | None = Field(default=None, max_length=20)
    jwk_thumbprints: list[str] | None = Field(default=None, max_length=20)
    reason: str | None = Field(default=None, max_length=2000)


class TypeAddIn(TypeGrantIn):
    reason: str | None = Field(default=None, max_length=2000)


class TypeWindowIn(_Body):
    kind: Kind
    type: Text
    valid_from: str
    valid_until: str | None = None
    reason: str | None = Field(default=None, max_length=2000)


class TypeRemoveIn(_Body):
    kind: Kind
    type: Text
    reason: str | None = Field(default=None, max_length=2000)


class StatusChangeIn(_Body):
    reason: Reason


class TokenIn(_Body):
    label: Annotated[str, Field(min_length=1, max_length=200)]
    scopes: list[str] = Field(min_length=1, max_length=3)
    lifetime_days: int = Field(default=90, ge=1, le=MAX_LIFETIME.days)


class TokenRevokeIn(_Body):
    reason: str | None = Field(default=None, max_length=2000)


def _saved(session: Session, state: EntityState, status: int = 200) -> JSONResponse:
    session.commit()
    return JSONResponse(
        query.get_issuer(session, did=state.did), status_code=status, headers=NO_STORE
    )


@router.get("/issuers", summary="Search issuers")
def issuers(
    _caller: ApiReader,
    session: DbDep,
    status: str | None = None,
    type: str | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    after: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=query.MAX_PAGE)] = 100,
) -> JSONResponse:
    items = query.list_issuers(
        session, status=status, credential_type=type, text=q, after=after, limit=limit
    )
    following = items[-1]["did"] if len(items) == limit else None
    return JSONResponse({"issuers": items, "next": following}, headers=NO_STORE)


@router.post("/issuers", summary="Register an issuer (with its credential types)", status_code=201)
def create_issuer(
    body: IssuerIn, caller: ApiWriter, session: DbDep, moment: NowDep
) -> JSONResponse:
    state = registry.create_entity(
        session,
        did=body.did,
        legal_name=body.legal_name,
        siren=body.siren,
        country=body.country,
        contact=body.contact,
        x509_thumbprints=body.x509_thumbprints,
        jwk_thumbprints=body.jwk_thumbprints,
        actor=caller.actor,
        reason=body.reason,
        now=moment,
    )
    for grant in body.types:
        state = registry.add_type(
            session,
            did=state.did,
            kind=grant.kind,
            type_value=grant.type,
            valid_from=parse_time(grant.valid_from) if grant.valid_from else None,
            valid_until=parse_time(grant.valid_until) if grant.valid_until else None,
            actor=caller.actor,
            reason=body.reason,
            now=moment,
        )
    return _saved(session, state, 201)


@router.get("/issuers/{did}", summary="One issuer")
def issuer(did: str, _caller: ApiReader, session: DbDep) -> JSONResponse:
    return JSONResponse(query.get_issuer(session, did=did), headers=NO_STORE)


@router.patch("/issuers/{did}", summary="Change an issuer's name, SIREN, contact, identifiers")
def update_issuer(
    did: str, body: IssuerChangesIn, caller: ApiWriter, session: DbDep, moment: NowDep
) -> JSONResponse:
    changes = registry.EntityChanges(
        legal_name=body.legal_name,
        siren=body.siren,
        country=body.country,
        contact=body.contact,
        x509_thumbprints=tuple(body.x509_thumbprints)
        if body.x509_thumbprints is not None
        else None,
        jwk_thumbprints=tuple(body.jwk_thumbprints) if body.jwk_thumbprints is not None else None,
    )
    state = registry.update_entity(
        session, did=did, changes=changes, actor=caller.actor, reason=body.reason, now=moment
    )
    return _saved(session, state)


@router.get("/issuers/{did}/history", summary="Every recorded change of an issuer")
def history(did: str, _caller: ApiReader, session: DbDep) -> JSONResponse:
    return JSONResponse(
        {"did": did, "history": query.issuer_history(session, did=did)}, headers=NO_STORE
    )


@router.post("/issuers/{did}/types", summary="Grant a credential type", status_code=201)
def add_type(
    did: str, body: TypeAddIn, caller: ApiWriter, session: DbDep, moment: NowDep
) -> JSONResponse:
    state = registry.add_type(
        session,
        did=did,
        kind=body.kind,
        type_value=body.type,
        valid_from=parse_time(body.valid_from) if body.valid_from else None,
        valid_until=parse_time(body.valid_until) if body.valid_until else None,
        actor=caller.actor,
        reason=body.reason,
        now=moment,
    )
    return _saved(session, state, 201)


@router.post("/issuers/{did}/types/window", summary="Change a granted type's validity window")
def change_window(
    did: str, body: TypeWindowIn, caller: ApiWriter, session: DbDep, moment: NowDep
) -> JSONResponse:
    state = registry.change_type_window(
        session,
        did=did,
        kind=body.kind,
        type_value=body.type,
        valid_from=parse_time(body.valid_from),
        valid_until=parse_time(body.valid_until) if body.valid_until else None,
        actor=caller.actor,
        reason=body.reason,
        now=moment,
    )
    return _saved(session, state)


@router.post("/issuers/{did}/types/remove", summary="Withdraw a credential type")
def remove_type(
    did: str, body: TypeRemoveIn, caller: ApiWriter, session: DbDep, moment: NowDep
) -> JSONResponse:
    state = registry.remove_type(
        session,
        did=did,
        kind=body.kind,
        type_value=body.type,
        actor=caller.actor,
        reason=body.reason,
        now=moment,
    )
    return _saved(session, state)


STATUS_CHANGES: Final = {
    "suspend": registry.suspend_entity,
    "reactivate": registry.reactivate_entity,
    "cancel": registry.cancel_entity,
}


@router.post(
    "/issuers/{did}/{action}",
    summary="Suspend, reactivate or cancel an issuer (action: suspend|reactivate|cancel)",
)
def change_status(
    did: str,
    action: Literal["suspend", "reactivate", "cancel"],
    body: StatusChangeIn,
    caller: ApiWriter,
    session: DbDep,
    moment: NowDep,
) -> JSONResponse:
    state = STATUS_CHANGES[action](
        session, did=did, actor=caller.actor, reason=body.reason, now=moment
    )
    return _saved(session, state)


@router.get("/audit", summary="Audit log entries, newest first")
def audit(
    _caller: ApiAuditor,
    session: DbDep,
    before: Annotated[int | None, Query(ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> JSONResponse:
    return JSONResponse(
        {"entries": list_entries(session, before=before, limit=limit)}, headers=NO_STORE
    )


@router.get("/audit/verify", summary="Recompute the audit hash chain")
def audit_verify(_caller: ApiAuditor, session: DbDep) -> JSONResponse:
    result = verify_chain(session)
    body: dict[str, Any] = {
        "valid": result.valid,
        "entries": result.entries,
        "first_bad_seq": result.first_bad_seq,
        "reason": result.reason,
    }
    return JSONResponse(body, headers=NO_STORE)


@router.get("/audit/export", summary="The whole audit log as JSON lines")
def audit_export(_caller: ApiAuditor, session: DbDep) -> Response:
    buffer = io.StringIO()
    export_jsonl(session, buffer)
    return Response(
        buffer.getvalue(),
        media_type="application/jsonl",
        headers={**NO_STORE, "Content-Disposition": 'attachment; filename="audit.jsonl"'},
    )


@router.get("/administrators", summary="Registry administrators")
def administrators(_caller: ApiAuditor, session: DbDep) -> JSONResponse:
    return JSONResponse({"administrators": list_administrators(session)}, headers=NO_STORE)


@router.get("/tokens", summary="API tokens (never their secrets)")
def tokens(_caller: ApiAuditor, session: DbDep) -> JSONResponse:
    return JSONResponse({"tokens": list_tokens(session)}, headers=NO_STORE)


@router.post("/tokens", summary="Create an API token; the secret is in this answer only")
def new_token(
    body: TokenIn, caller: ApiSessionAdmin, session: DbDep, moment: NowDep
) -> JSONResponse:
    info, secret = create_token(
        session,
        owner=caller.actor,
        label=body.label,
        scopes=body.scopes,
        lifetime=timedelta(days=body.lifetime_days),
        actor=caller.actor,
        now=moment,
    )
    session.commit()
    return JSONResponse({**info, "token": secret}, status_code=201, headers=NO_STORE)


@router.post("/tokens/{token_id}/revoke", summary="Revoke an API token")
def revoke(
    token_id: int, body: TokenRevokeIn, caller: ApiSessionAdmin, session: DbDep, moment: NowDep
) -> JSONResponse:
    info = revoke_token(
        session, token_id=token_id, actor=caller.actor, reason=body.reason, now=moment
    )
    session.commit()
    return JSONResponse(info, headers=NO_STORE)
