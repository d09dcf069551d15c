"""Server-side web sessions: an opaque id in a cookie, everything else in the database.

The cookie carries only a random 256-bit id; the table ``attestia_web_sessions`` keys rows
by its SHA-256, so a database read does not yield usable cookies. The cookie is
``HttpOnly``, ``SameSite=Lax``, ``Path=/``, and ``Secure`` with the ``__Host-`` prefix when
the public URL is https. Sessions live ``settings.session_lifetime_seconds`` from creation
(absolute), get a new id at login (session fixation) and lose their row at logout.

A login in progress (state, nonce, PKCE verifier…) is a row of
``attestia_web_login_states`` bound to the session and deleted when used: whichever
request deletes it first wins, across processes.

Routers use :data:`WebSessionDep` / :data:`CurrentIdentityDep`, or
``request.state.web_session``; :func:`csrf_token` and :func:`check_csrf` protect forms.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from typing import Annotated, Any, Final

from fastapi import Depends, Request
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from attestia.models import WebLoginState, WebSessionRow
from attestia.settings import Settings
from issuer.proconnect.identity import IdentityError, ProConnectIdentity

COOKIE_NAME: Final = "attestia_session"
SECURE_COOKIE_NAME: Final = "__Host-attestia_session"
LOGIN_STATE_SECONDS: Final = 600
TOUCH_INTERVAL: Final = timedelta(seconds=60)
_CSRF_KEY: Final = "_csrf"


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@dataclass(slots=True)
class WebSession:
    """One browser session; ``id`` is the cookie value and exists only in memory."""

    id: str
    data: dict[str, Any]
    identity: dict[str, Any] | None
    created_at: datetime
    expires_at: datetime
    modified: bool = field(default=False)

    @property
    def id_hash(self) -> str:
        return digest(self.id)


class SessionStore:
    """Rows of ``attestia_web_sessions`` and ``attestia_web_login_states``."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        lifetime_seconds: int,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self._sessions = sessions
        self._lifetime = timedelta(seconds=lifetime_seconds)
        self._clock = clock

    def load(self, raw_id: str) -> WebSession | None:
        """The live session for a cookie value, or None (unknown, expired, malformed)."""
        if not 32 <= len(raw_id) <= 128:
            return None
        now = self._clock()
        with self._sessions() as db, db.begin():
            row = db.get(WebSessionRow, digest(raw_id))
            if row is None:
                return None
            if _aware(row.expires_at) <= now:
                db.delete(row)
                return None
            if now - _aware(row.last_seen_at) >= TOUCH_INTERVAL:
                row.last_seen_at = now
            return WebSession(
                id=raw_id,
                data=dict(row.data),
                identity=row.identity,
                created_at=_aware(row.created_at),
                expires_at=_aware(row.expires_at),
            )

    def create(
        self, *, data: dict[str, Any] | None = None, identity: dict[str, Any] | None = None
    ) -> WebSession:
        now = self._clock()
        session = WebSession(
            id=secrets.token_urlsafe(32),
            data=dict(data or {}),
            identity=identity,
            created_at=now,
            expires_at=now + self._lifetime,
        )
        with self._sessions() as db, db.begin():
            db.execute(delete(WebSessionRow).where(WebSessionRow.expires_at <= now))
            db.add(
                WebSessionRow(
                    id_hash=session.id_hash,
                    data=session.data,
                    identity=identity,
                    created_at=now,
                    last_seen_at=now,
                    expires_at=session.expires_at,
                )
            )
        return session

    def save(self, session: WebSession) -> None:
        with self._sessions() as db, db.begin():
            row = db.get(WebSessionRow, session.id_hash)
            if row is not None:
                row.data = dict(session.data)
                row.identity = session.identity
                row.last_seen_at = self._clock()
        session.modified = False

    def rotate(
        self,
        old: WebSession | None,
        *,
        identity: dict[str, Any] | None,
        data: dict[str, Any] | None = None,
    ) -> WebSession:
        """A new session (new id) replacing ``old``, whose row and pending logins go."""
        kept = {k: v for k, v in (old.data if old else {}).items() if k != _CSRF_KEY}
        data = {**kept, **(data or {})}
        if old is not None:
            self.delete(old)
        return self.create(data=data, identity=identity)

    def delete(self, session: WebSession) -> None:
        with self._sessions() as db, db.begin():
            db.execute(delete(WebLoginState).where(WebLoginState.session_hash == session.id_hash))
            db.execute(delete(WebSessionRow).where(WebSessionRow.id_hash == session.id_hash))

    def put_login_state(self, session: WebSession, state: str, data: dict[str, Any]) -> None:
        now = self._clock()
        with self._sessions() as db, db.begin():
            db.execute(delete(WebLoginState).where(WebLoginState.expires_at <= now))
            db.add(
                WebLoginState(
                    state_hash=digest(state),
                    session_hash=session.id_hash,
                    data=data,
                    expires_at=now + timedelta(seconds=LOGIN_STATE_SECONDS),
                )
            )

    def take_login_state(self, session: WebSession | None, state: str) -> dict[str, Any] | None:
        """Consume the login started with ``state`` in ``session``: once, before expiry."""
        if session is None or not state or len(state) > 256:
            return None
        key = digest(state)
        with self._sessions() as db, db.begin():
            row = db.scalar(
                select(WebLoginState).where(
                    WebLoginState.state_hash == key,
                    WebLoginState.session_hash == session.id_hash,
                )
            )
            if row is None:
                return None
            data, expires_at = dict(row.data), _aware(row.expires_at)
            deleted = db.execute(
                delete(WebLoginState).where(
                    WebLoginState.state_hash == key,
                    WebLoginState.session_hash == session.id_hash,
                )
            )
        if getattr(deleted, "rowcount", 0) != 1 or expires_at <= self._clock():
            return None
        return data


# ASGI glue -------------------------------------------------------------------------


def cookie_name(settings: Settings) -> str:
    return SECURE_COOKIE_NAME if _secure(settings) else COOKIE_NAME


def _secure(settings: Settings) -> bool:
    return settings.base_url.startswith("https://")


def _cookie_header(settings: Settings, value: str, max_age: int) -> str:
    parts = [
        f"{cookie_name(settings)}={value}",
        "Path=/",
        f"Max-Age={max_age}",
        "HttpOnly",
        "SameSite=Lax",
    ]
    if _secure(settings):
        parts.append("Secure")
    return "; ".join(parts)


def get_store(request: Request) -> SessionStore:
    services = request.app.state.services
    return SessionStore(
        services.sessions, lifetime_seconds=services.settings.session_lifetime_seconds
    )


class WebSessionMiddleware:
    """Loads the session named by the cookie into ``request.state.web_session`` and, on
    the way out, saves changed data and sets or clears the cookie."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        settings: Settings = request.app.state.settings
        state = scope.setdefault("state", {})
        state["web_session"] = None
        state["web_session_cookie"] = None
        raw = _read_cookie(request.headers.get("cookie", ""), cookie_name(settings))
        if raw:
            store = get_store(request)
            state["web_session"] = await run_in_threadpool(store.load, raw)

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                session: WebSession | None = state.get("web_session")
                if session is not None and session.modified:
                    await run_in_threadpool(get_store(request).save, session)
                action = state.get("web_session_cookie")
                if action is not None:
                    headers = MutableHeaders(scope=message)
                    if action == "clear":
                        headers.append("set-cookie", _cookie_header(settings, "", 0))
                    elif session is not None:
                        remaining = int((session.expires_at - _utcnow()).total_seconds())
                        headers.append(
                            "set-cookie", _cookie_header(settings, session.id, max(remaining, 0))
                        )
                    headers["cache-control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _read_cookie(header: str, name: str) -> str | None:
    cookie: SimpleCookie = SimpleCookie()
    try:
        cookie.load(header)
    except Exception:  # noqa: BLE001  (http.cookies raises CookieError and others)
        return None
    morsel = cookie.get(name)
    return morsel.value if morsel is not None else None


# Helpers for routers ---------------------------------------------------------------


def web_session(request: Request) -> WebSession | None:
    session: WebSession | None = getattr(request.state, "web_session", None)
    return session


def ensure_session(request: Request) -> WebSession:
    """The current session, created (and its cookie set) when there is none. Sync: call
    it from a thread in async routes."""
    session = web_session(request)
    if session is None:
        session = get_store(request).create()
        request.state.web_session = session
        request.state.web_session_cookie = "set"
    return session


def start_authenticated_session(
    request: Request, identity: dict[str, Any], data: dict[str, Any] | None = None
) -> WebSession:
    """Replace the session by a new one (new id) holding ``identity`` (login); ``data``
    is merged into the session data (server-side only, e.g. the id_token for logout)."""
    session = get_store(request).rotate(web_session(request), identity=identity, data=data)
    request.state.web_session = session
    request.state.web_session_cookie = "set"
    return session


def end_session(request: Request) -> None:
    """Delete the session row and clear the cookie (logout)."""
    session = web_session(request)
    if session is not None:
        get_store(request).delete(session)
    request.state.web_session = None
    request.state.web_session_cookie = "clear"


def current_identity(request: Request) -> dict[str, Any] | None:
    """The authenticated ProConnect identity (claims + ``acr`` + ``amr``), validated."""
    session = web_session(request)
    if session is None or session.identity is None:
        return None
    try:
        return ProConnectIdentity.from_json(session.identity).to_json()
    except IdentityError:
        return None


def csrf_token(request: Request) -> str:
    """A per-session random token to embed in forms (creates the session if needed)."""
    session = ensure_session(request)
    token = session.data.get(_CSRF_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session.data[_CSRF_KEY] = token
        session.modified = True
    return token


def check_csrf(request: Request, submitted: str | None) -> bool:
    """Constant-time comparison of a submitted form token with the session's."""
    session = web_session(request)
    expected = session.data.get(_CSRF_KEY) if session is not None else None
    if not isinstance(expected, str) or not submitted:
        return False
    return hmac.compare_digest(expected.encode(), submitted.encode())


WebSessionDep = Annotated[WebSession | None, Depends(web_session)]
CurrentIdentityDep = Annotated[dict[str, Any] | None, Depends(current_identity)]
