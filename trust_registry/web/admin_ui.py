"""Admin pages for issuers under ``/registry/admin/``: search, entity page, create, edit
credential types (suspend, reactivate and cancel are in
:mod:`~trust_registry.web.admin_ui_status`).

French first with English labels. Access and CSRF are in :mod:`trust_registry.web.pages`.
A write that the registry refuses re-renders its page with the error and the error's
HTTP status, and changes nothing; a write that succeeds redirects (303) to the issuer's
page (post/redirect/get).
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from trust_registry import query, registry
from trust_registry.errors import InvalidEntryError, NotFoundError, RegistryError
from trust_registry.models import ENTITY_STATUSES, TYPE_KINDS, EntityType
from trust_registry.web.admin_ui_status import STATUS_ACTIONS
from trust_registry.web.deps import Caller, DbDep, NowDep
from trust_registry.web.pages import (
    CONFIRM_MISSING,
    NO_STORE,
    FormDep,
    UiReader,
    UiWriter,
    confirmed,
    form_time,
    issuer_url,
    local_input,
    render,
)

router = APIRouter(prefix="/registry/admin", include_in_schema=False)
PAGE_SIZE: Final = 50


def _known_types(session: Session) -> list[str]:
    rows = session.execute(select(EntityType.type_value).distinct().order_by(EntityType.type_value))
    return [str(value) for value in rows.scalars()]


@router.get("/", response_class=HTMLResponse)
def issuers_page(
    request: Request,
    caller: UiReader,
    session: DbDep,
    q: Annotated[str, Query(max_length=200)] = "",
    status: str = "",
    type: Annotated[str, Query(max_length=512)] = "",
    after: Annotated[str, Query(max_length=512)] = "",
) -> HTMLResponse:
    error = None
    items: list[dict[str, Any]] = []
    try:
        items = query.list_issuers(
            session,
            status=status or None,
            credential_type=type or None,
            text=q or None,
            after=after or None,
            limit=PAGE_SIZE,
        )
    except RegistryError as exc:
        error = exc.description
    following = items[-1]["did"] if len(items) == PAGE_SIZE else None
    return render(
        request,
        "issuers.html",
        {
            "items": [{**item, "url": issuer_url(item["did"])} for item in items],
            "filters": {"q": q, "status": status, "type": type},
            "statuses": ENTITY_STATUSES,
            "known_types": _known_types(session),
            "next_after": following,
            "error": error,
        },
        caller=caller,
        status=400 if error else 200,
    )


@router.get("/issuers/new", response_class=HTMLResponse)
def new_issuer_page(request: Request, caller: UiReader) -> HTMLResponse:
    return render(request, "issuer_new.html", {"form": {"country": "FR"}}, caller=caller)


@router.post("/issuers", response_model=None)
def create_issuer(
    request: Request, caller: UiWriter, form: FormDep, session: DbDep, moment: NowDep
) -> Response:
    def again(message: str, status: int) -> HTMLResponse:
        return render(
            request,
            "issuer_new.html",
            {"form": form, "error": message},
            caller=caller,
            status=status,
        )

    if not confirmed(form):
        return again(CONFIRM_MISSING, 400)
    try:
        state = registry.create_entity(
            session,
            did=form.get("did", "").strip(),
            legal_name=form.get("legal_name", ""),
            siren=form.get("siren", "").strip() or None,
            country=form.get("country", "FR").strip().upper() or "FR",
            contact=form.get("contact", "").strip() or None,
            actor=caller.actor,
            reason=form.get("reason", "").strip() or None,
            now=moment,
        )
        session.commit()
    except RegistryError as exc:
        return again(exc.description, exc.status_code)
    return RedirectResponse(issuer_url(state.did) + "?done=created", 303, headers=NO_STORE)


_DONE: Final = {
    "created": "Émetteur enregistré. / Issuer registered.",
    "type_added": "Type ajouté. / Type added.",
    "type_window_changed": "Fenêtre de validité modifiée. / Validity window changed.",
    "type_removed": "Type retiré. / Type removed.",
    "suspend": "Émetteur suspendu. / Issuer suspended.",
    "reactivate": "Émetteur réactivé. / Issuer reactivated.",
    "cancel": "Émetteur radié. / Issuer cancelled.",
}


def _issuer_page(
    request: Request,
    session: Session,
    caller: Caller,
    did: str,
    *,
    error: str | None = None,
    status: int = 200,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    issuer = query.get_issuer(session, did=did)
    history = list(reversed(query.issuer_history(session, did=did)))
    types = [
        {
            **grant,
            "from_input": local_input(grant["valid_from"]),
            "until_input": local_input(grant["valid_until"]),
        }
        for grant in issuer["types"]
    ]
    done = request.query_params.get("done")
    return render(
        request,
        "issuer.html",
        {
            "issuer": issuer,
            "types": types,
            "history": history,
            "kinds": TYPE_KINDS,
            "actions": [
                {
                    "name": name,
                    "label": f"{spec.fr} / {spec.en}",
                    "url": issuer_url(did, f"/{name}"),
                }
                for name, spec in STATUS_ACTIONS.items()
                if issuer["status"] in spec.allowed_from
            ],
            "base": issuer_url(did),
            "notice": _DONE.get(done or ""),
            "error": error,
            "form": form or {},
        },
        caller=caller,
        status=status,
    )


@router.get("/issuers/{did}", response_class=HTMLResponse)
def issuer_page(did: str, request: Request, caller: UiReader, session: DbDep) -> HTMLResponse:
    try:
        return _issuer_page(request, session, caller, did)
    except NotFoundError:
        return render(request, "not_found.html", {"did": did}, caller=caller, status=404)


def _type_write(
    request: Request,
    session: Session,
    caller: Caller,
    did: str,
    form: dict[str, str],
    event: str,
    write: Any,
) -> Response:
    """Run one credential-type change, or re-render the issuer page with its error."""
    try:
        if not confirmed(form):
            raise InvalidEntryError(CONFIRM_MISSING)
        write()
        session.commit()
    except RegistryError as exc:
        session.rollback()
        try:
            return _issuer_page(
                request,
                session,
                caller,
                did,
                error=exc.description,
                status=exc.status_code,
                form=form,
            )
        except NotFoundError:
            return render(request, "not_found.html", {"did": did}, caller=caller, status=404)
    return RedirectResponse(issuer_url(did) + f"?done={event}", 303, headers=NO_STORE)


def _reason(form: dict[str, str]) -> str | None:
    return form.get("reason", "").strip() or None


@router.post("/issuers/{did}/types", response_model=None)
def add_type(
    did: str, request: Request, caller: UiWriter, form: FormDep, session: DbDep, moment: NowDep
) -> Response:
    return _type_write(
        request,
        session,
        caller,
        did,
        form,
        "type_added",
        lambda: registry.add_type(
            session,
            did=did,
            kind=form.get("kind", ""),
            type_value=form.get("type", ""),
            valid_from=form_time(form, "valid_from"),
            valid_until=form_time(form, "valid_until"),
            actor=caller.actor,
            reason=_reason(form),
            now=moment,
        ),
    )


@router.post("/issuers/{did}/types/window", response_model=None)
def change_window(
    did: str, request: Request, caller: UiWriter, form: FormDep, session: DbDep, moment: NowDep
) -> Response:
    def write() -> None:
        start = form_time(form, "valid_from")
        if start is None:
            raise InvalidEntryError("valid_from is required / début obligatoire")
        registry.change_type_window(
            session,
            did=did,
            kind=form.get("kind", ""),
            type_value=form.get("type", ""),
            valid_from=start,
            valid_until=form_time(form, "valid_until"),
            actor=caller.actor,
            reason=_reason(form),
            now=moment,
        )

    return _type_write(request, session, caller, did, form, "type_window_changed", write)


@router.post("/issuers/{did}/types/remove", response_model=None)
def remove_type(
    did: str, request: Request, caller: UiWriter, form: FormDep, session: DbDep, moment: NowDep
) -> Response:
    return _type_write(
        request,
        session,
        caller,
        did,
        form,
        "type_removed",
        lambda: registry.remove_type(
            session,
            did=did,
            kind=form.get("kind", ""),
            type_value=form.get("type", ""),
            actor=caller.actor,
            reason=_reason(form),
            now=moment,
        ),
    )
