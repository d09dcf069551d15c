"""Access control and rendering shared by the admin pages.

A page needs a logged-in ProConnect identity on the administrator list. Nobody logged in:
a GET is redirected to the login (coming back to the page); a POST gets 403. A logged-in
identity that is not an administrator gets a 403 page, never the UI. Every POST carries
the session's CSRF token in the ``csrf_token`` field (OWASP synchroniser token pattern)
and an ``admin`` role; otherwise 403 and nothing changes. Every write form also carries a
``confirm`` checkbox (the confirmation step) and a ``reason``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Final
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from credentials.oauth_errors import Forbidden
from trust_registry.errors import InvalidEntryError
from trust_registry.timestamps import format_time
from trust_registry.web.deps import CSRF_FIELD, WRITE, Caller, DbDep, get_hooks, session_caller

NO_STORE: Final = {"Cache-Control": "no-store"}
ADMIN_ROOT: Final = "/registry/admin/"
CONFIRM_MISSING: Final = (
    "Cochez la case de confirmation pour enregistrer. / Tick the confirmation box to save."
)


def issuer_url(did: str, suffix: str = "") -> str:
    """The admin page of an issuer: its DID percent-encoded as one path segment."""
    return f"{ADMIN_ROOT}issuers/{quote(did, safe='')}{suffix}"


class LoginRequired(Exception):
    """Nobody is logged in; go through the login and come back to ``next_path``."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class PageForbidden(Exception):
    """The page or action is refused; rendered as a 403 page."""

    def __init__(self, message_fr: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_fr = message_fr
        self.message_en = message_en


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    caller: Caller | None = None,
    status: int = 200,
) -> HTMLResponse:
    hooks = get_hooks(request)
    values: dict[str, Any] = {**hooks.page_context(request), "caller": caller, "lang": "fr"}
    if caller is not None:
        values["csrf_token"] = hooks.csrf_token(request)
        values["can_write"] = caller.may(WRITE)
    values.update(context)
    return hooks.templates.TemplateResponse(
        request, f"registry/{template}", values, status_code=status, headers=NO_STORE
    )


def install_page_errors(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        target = get_hooks(request).login_url(exc.next_path)
        return RedirectResponse(target, status_code=303, headers=NO_STORE)

    @app.exception_handler(PageForbidden)
    async def _forbidden(request: Request, exc: PageForbidden) -> Response:
        hooks = get_hooks(request)
        return hooks.templates.TemplateResponse(
            request,
            "registry/forbidden.html",
            {
                **hooks.page_context(request),
                "message_fr": exc.message_fr,
                "message_en": exc.message_en,
            },
            status_code=403,
            headers=NO_STORE,
        )


def _page_caller(request: Request, session: DbDep) -> Caller | None:
    try:
        return session_caller(request, session)
    except Forbidden:
        raise PageForbidden(
            "Votre identité ProConnect n'est pas sur la liste des administrateurs du registre.",
            "Your ProConnect identity is not on the registry's administrator list.",
        ) from None


def ui_reader(request: Request, session: DbDep) -> Caller:
    """An administrator or auditor; anyone else is sent to log in or refused."""
    caller = _page_caller(request, session)
    if caller is None:
        if request.method in ("GET", "HEAD"):
            path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise LoginRequired(path)
        raise PageForbidden("Connexion requise.", "You must log in first.")
    return caller


UiReader = Annotated[Caller, Depends(ui_reader)]


async def form_fields(request: Request) -> dict[str, str]:
    """The urlencoded form's text fields (the last value of a repeated field)."""
    form = await request.form()
    return {key: value for key, value in form.multi_items() if isinstance(value, str)}


FormDep = Annotated[dict[str, str], Depends(form_fields)]


def ui_writer(request: Request, caller: UiReader, form: FormDep) -> Caller:
    """An administrator with the ``admin`` role posting the session's CSRF token."""
    if not get_hooks(request).check_csrf(request, form.get(CSRF_FIELD)):
        raise PageForbidden(
            "Jeton anti-CSRF absent ou invalide : rechargez la page et recommencez.",
            "Missing or wrong CSRF token: reload the page and try again.",
        )
    if not caller.may(WRITE):
        raise PageForbidden(
            "Le rôle auditeur ne permet que la consultation.",
            "The auditor role is read-only.",
        )
    return caller


UiWriter = Annotated[Caller, Depends(ui_writer)]


def confirmed(form: dict[str, str]) -> bool:
    return form.get("confirm") == "yes"


def form_time(form: dict[str, str], name: str) -> datetime | None:
    """A ``datetime-local`` field, read as UTC (the pages say so); empty is None."""
    raw = form.get(name, "").strip()
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidEntryError(f"{name}: not a date and time") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def local_input(value: str | None) -> str:
    """An RFC 3339 UTC time as the value of a ``datetime-local`` input."""
    if not value:
        return ""
    return value.removesuffix("Z")[:16]


def time_text(value: datetime) -> str:
    return format_time(value)
