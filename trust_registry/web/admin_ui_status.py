"""Admin pages to suspend, reactivate and cancel an issuer, each behind a confirmation page.

``GET /registry/admin/issuers/{did}/{action}`` explains the consequence and asks for a
reason and an explicit confirmation box; the ``POST`` to the same URL refuses (400) a
missing reason or confirmation, and shows the registry's refusal (409 for a transition the
life cycle does not allow, or any write to a cancelled issuer) without changing anything.
ARF annex 2 Reg_20a/22a: suspension can be lifted, cancellation is final.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from trust_registry import query, registry
from trust_registry.errors import NotFoundError, RegistryError
from trust_registry.history import EntityState
from trust_registry.web.deps import Caller, DbDep, NowDep
from trust_registry.web.pages import (
    CONFIRM_MISSING,
    NO_STORE,
    FormDep,
    UiReader,
    UiWriter,
    confirmed,
    issuer_url,
    render,
)

router = APIRouter(prefix="/registry/admin", include_in_schema=False)


@dataclass(frozen=True, slots=True)
class StatusAction:
    """One status change offered on a confirmation page."""

    function: Callable[..., EntityState]
    fr: str
    en: str
    allowed_from: tuple[str, ...]
    explain: str


STATUS_ACTIONS: Final = {
    "suspend": StatusAction(
        registry.suspend_entity,
        "Suspendre",
        "Suspend",
        ("active",),
        "L'émetteur ne sera plus reconnu à partir de maintenant, jusqu'à sa réactivation. "
        "/ The issuer is not trusted from now on until reactivated.",
    ),
    "reactivate": StatusAction(
        registry.reactivate_entity,
        "Réactiver",
        "Reactivate",
        ("suspended",),
        "La suspension est levée à partir de maintenant. / The suspension is lifted from now on.",
    ),
    "cancel": StatusAction(
        registry.cancel_entity,
        "Radier définitivement",
        "Cancel for good",
        ("active", "suspended"),
        "Définitif : les vérificateurs refuseront tout ce que cet émetteur a délivré, même "
        "avant. / Final: verifiers will refuse everything this issuer ever issued.",
    ),
}


def _confirm_page(
    request: Request,
    session: Session,
    caller: Caller,
    did: str,
    action: str,
    *,
    error: str | None = None,
    status: int = 200,
    reason: str = "",
) -> HTMLResponse:
    spec = STATUS_ACTIONS.get(action)
    try:
        issuer = query.get_issuer(session, did=did)
    except NotFoundError:
        return render(request, "not_found.html", {"did": did}, caller=caller, status=404)
    if spec is None:
        return render(request, "not_found.html", {"did": did}, caller=caller, status=404)
    return render(
        request,
        "confirm.html",
        {
            "issuer": issuer,
            "action": action,
            "title": f"{spec.fr} / {spec.en}",
            "explain": spec.explain,
            "allowed": issuer["status"] in spec.allowed_from,
            "back": issuer_url(did),
            "post_url": issuer_url(did, f"/{action}"),
            "error": error,
            "reason": reason,
        },
        caller=caller,
        status=status,
    )


@router.get("/issuers/{did}/{action}", response_class=HTMLResponse)
def confirm_status_page(
    did: str, action: str, request: Request, caller: UiReader, session: DbDep
) -> HTMLResponse:
    return _confirm_page(request, session, caller, did, action)


@router.post("/issuers/{did}/{action}", response_model=None)
def change_status(
    did: str,
    action: str,
    request: Request,
    caller: UiWriter,
    form: FormDep,
    session: DbDep,
    moment: NowDep,
) -> Response:
    spec = STATUS_ACTIONS.get(action)
    if spec is None:
        return _confirm_page(request, session, caller, did, action)
    reason = form.get("reason", "").strip()
    if not reason:
        return _confirm_page(
            request,
            session,
            caller,
            did,
            action,
            status=400,
            error="Indiquez un motif. / A reason is required.",
        )
    if not confirmed(form):
        return _confirm_page(
            request,
            session,
            caller,
            did,
            action,
            status=400,
            error=CONFIRM_MISSING,
            reason=reason,
        )
    try:
        spec.function(session, did=did, actor=caller.actor, reason=reason, now=moment)
        session.commit()
    except RegistryError as exc:
        session.rollback()
        return _confirm_page(
            request,
            session,
            caller,
            did,
            action,
            status=exc.status_code,
            error=exc.description,
            reason=reason,
        )
    return RedirectResponse(issuer_url(did) + f"?done={action}", 303, headers=NO_STORE)
