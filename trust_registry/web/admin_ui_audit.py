"""Admin pages for the audit log (with a chain check) and API tokens.

Both roles read; only ``admin`` creates or revokes tokens. A new token's secret is shown
on the answer to the creation form only (``Cache-Control: no-store``) and never again: the
registry keeps its SHA-256 (:mod:`trust_registry.tokens`).
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Annotated, Final

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from trust_registry.audit import export_jsonl, list_entries, verify_chain
from trust_registry.errors import InvalidEntryError, RegistryError
from trust_registry.tokens import MAX_LIFETIME, SCOPES, create_token, list_tokens, revoke_token
from trust_registry.web.deps import AUDIT, Caller, DbDep, NowDep
from trust_registry.web.pages import (
    ADMIN_ROOT,
    CONFIRM_MISSING,
    NO_STORE,
    FormDep,
    PageForbidden,
    UiReader,
    UiWriter,
    confirmed,
    render,
)

router = APIRouter(prefix="/registry/admin", include_in_schema=False)
AUDIT_PAGE: Final = 50


def _auditor(caller: Caller) -> None:
    if not caller.may(AUDIT):
        raise PageForbidden("Accès au journal refusé.", "No access to the audit log.")


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    caller: UiReader,
    session: DbDep,
    before: Annotated[int | None, Query(ge=1)] = None,
    verify: bool = False,
) -> HTMLResponse:
    _auditor(caller)
    entries = list_entries(session, before=before, limit=AUDIT_PAGE)
    older = entries[-1]["seq"] if len(entries) == AUDIT_PAGE else None
    return render(
        request,
        "audit.html",
        {
            "entries": entries,
            "older": older,
            "verification": verify_chain(session) if verify else None,
        },
        caller=caller,
    )


@router.get("/audit/export")
def audit_export(caller: UiReader, session: DbDep) -> Response:
    _auditor(caller)
    buffer = io.StringIO()
    export_jsonl(session, buffer)
    return Response(
        buffer.getvalue(),
        media_type="application/jsonl",
        headers={**NO_STORE, "Content-Disposition": 'attachment; filename="audit.jsonl"'},
    )


def _tokens_page(
    request: Request,
    session: DbDep,
    caller: Caller,
    *,
    error: str | None = None,
    status: int = 200,
    created: dict[str, object] | None = None,
) -> HTMLResponse:
    return render(
        request,
        "tokens.html",
        {
            "tokens": list_tokens(session),
            "scopes": sorted(SCOPES),
            "max_days": MAX_LIFETIME.days,
            "error": error,
            "created": created,
            "notice": "Jeton révoqué. / Token revoked."
            if request.query_params.get("done") == "revoked"
            else None,
        },
        caller=caller,
        status=status,
    )


@router.get("/tokens", response_class=HTMLResponse)
def tokens_page(request: Request, caller: UiReader, session: DbDep) -> HTMLResponse:
    _auditor(caller)
    return _tokens_page(request, session, caller)


@router.post("/tokens", response_class=HTMLResponse)
def create_token_form(
    request: Request, caller: UiWriter, form: FormDep, session: DbDep, moment: NowDep
) -> HTMLResponse:
    try:
        if not confirmed(form):
            raise InvalidEntryError(CONFIRM_MISSING)
        try:
            days = int(form.get("lifetime_days", "90"))
        except ValueError:
            raise InvalidEntryError("lifetime_days must be a number of days") from None
        scopes = [scope for scope in sorted(SCOPES) if form.get(f"scope_{scope}") == "yes"]
        info, secret = create_token(
            session,
            owner=caller.actor,
            label=form.get("label", ""),
            scopes=scopes,
            lifetime=timedelta(days=days),
            actor=caller.actor,
            now=moment,
        )
        session.commit()
    except RegistryError as exc:
        session.rollback()
        return _tokens_page(request, session, caller, error=exc.description, status=exc.status_code)
    return _tokens_page(request, session, caller, created={**info, "secret": secret}, status=201)


@router.post("/tokens/{token_id}/revoke", response_model=None)
def revoke_token_form(
    token_id: int,
    request: Request,
    caller: UiWriter,
    form: FormDep,
    session: DbDep,
    moment: NowDep,
) -> Response:
    try:
        if not confirmed(form):
            raise InvalidEntryError(CONFIRM_MISSING)
        revoke_token(
            session,
            token_id=token_id,
            actor=caller.actor,
            reason=form.get("reason", "").strip() or None,
            now=moment,
        )
        session.commit()
    except RegistryError as exc:
        session.rollback()
        return _tokens_page(request, session, caller, error=exc.description, status=exc.status_code)
    return RedirectResponse(f"{ADMIN_ROOT}tokens?done=revoked", 303, headers=NO_STORE)
