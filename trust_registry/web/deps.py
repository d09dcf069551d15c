"""What the registry's routers need from the deployment, and who is calling.

The routers import no composition code: the application that mounts them puts a
:class:`RegistryWebHooks` on ``app.state.registry_web`` (database sessions, the registry's
DID and signer, the logged-in ProConnect identity, CSRF helpers, templates, the clock).

Two kinds of callers reach the admin side:

* a browser whose server-side session holds a ProConnect identity listed as an
  administrator (matched by ``sub``, then e-mail): role ``admin`` reads and writes,
  ``auditor`` only reads;
* a program presenting an API token (RFC 6750 §2.1 ``Authorization: Bearer``), limited to
  the token's scopes. Errors follow RFC 6750 §3.1: ``invalid_token`` (401, with
  ``WWW-Authenticate``) and ``insufficient_scope`` (403).

Both end up as a :class:`Caller` whose ``actor`` string goes into the audit log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any, Final, Literal

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from credentials.keys import Signer
from credentials.oauth_errors import Forbidden
from trust_registry.admins import AdminIdentity, Role, find_administrator
from trust_registry.errors import InsufficientScopeError, InvalidTokenError
from trust_registry.tokens import authenticate_token
from trust_registry.web.rate_limit import TokenBucketLimiter
from trust_registry.web.trusted_list_cache import TrustedListCache

READ: Final = "registry:read"
WRITE: Final = "registry:write"
AUDIT: Final = "registry:audit"
ROLE_SCOPES: Final[dict[Role, frozenset[str]]] = {
    "admin": frozenset({READ, WRITE, AUDIT}),
    "auditor": frozenset({READ, AUDIT}),
}
REALM: Final = "attestia-registry"
CSRF_HEADER: Final = "x-csrf-token"
CSRF_FIELD: Final = "csrf_token"


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class RegistryWebHooks:
    """The deployment's side of the registry's web layer (see the module docstring).

    ``identity`` returns the ProConnect claims of the logged-in user (``sub``, ``email``,
    ``given_name``, ``usual_name``...) or None; ``login_url`` turns a local path into the
    URL that logs in and comes back to it.
    """

    db: Callable[[Request], Session]
    registry_did: Callable[[Request], str]
    signer: Callable[[Request], Signer]
    identity: Callable[[Request], Mapping[str, Any] | None]
    csrf_token: Callable[[Request], str]
    check_csrf: Callable[[Request, str | None], bool]
    login_url: Callable[[str], str]
    templates: Jinja2Templates
    page_context: Callable[[Request], dict[str, Any]] = lambda _request: {}
    clock: Callable[[], datetime] = _utcnow
    rate_limiter: TokenBucketLimiter = field(default_factory=TokenBucketLimiter)
    trusted_list: TrustedListCache = field(default_factory=TrustedListCache)


def get_hooks(request: Request) -> RegistryWebHooks:
    hooks: RegistryWebHooks = request.app.state.registry_web
    return hooks


HooksDep = Annotated[RegistryWebHooks, Depends(get_hooks)]


def db_session(request: Request) -> Iterator[Session]:
    """One database session per request; nothing is committed unless a route commits."""
    with get_hooks(request).db(request) as session:
        yield session


DbDep = Annotated[Session, Depends(db_session)]


def now(request: Request) -> datetime:
    return get_hooks(request).clock()


NowDep = Annotated[datetime, Depends(now)]


@dataclass(frozen=True, slots=True)
class Caller:
    """An authenticated administrator or API token, with what it may do."""

    actor: str
    scopes: frozenset[str]
    via: Literal["session", "token"]
    role: Role | None = None
    display_name: str | None = None

    def may(self, scope: str) -> bool:
        return scope in self.scopes

    def require(self, scope: str) -> None:
        if scope in self.scopes:
            return
        if self.via == "token":
            raise InsufficientScopeError(
                f"this token lacks the {scope!r} scope",
                headers={"WWW-Authenticate": _challenge("insufficient_scope", scope=scope)},
            )
        raise Forbidden(f"the {self.role} role cannot do this (needs {scope})")


def _challenge(error: str | None = None, *, scope: str | None = None) -> str:
    parts = [f'Bearer realm="{REALM}"']
    if error is not None:
        parts.append(f'error="{error}"')
    if scope is not None:
        parts.append(f'scope="{scope}"')
    return ", ".join(parts)


def administrator_for(session: Session, identity: Mapping[str, Any] | None) -> AdminIdentity | None:
    """The active administrator a ProConnect identity stands for, if any."""
    if identity is None:
        return None
    sub, email = identity.get("sub"), identity.get("email")
    return find_administrator(
        session,
        email=email if isinstance(email, str) and email else None,
        proconnect_sub=sub if isinstance(sub, str) and sub else None,
    )


def display_name(identity: Mapping[str, Any]) -> str:
    names = [identity.get("given_name"), identity.get("usual_name")]
    text = " ".join(n for n in names if isinstance(n, str) and n)
    email = identity.get("email")
    return text or (email if isinstance(email, str) else "")


def session_caller(request: Request, session: Session) -> Caller | None:
    """The administrator logged in through ProConnect, None when nobody is logged in.

    Raises :class:`~credentials.oauth_errors.Forbidden` for a logged-in identity that is
    not on the administrator list.
    """
    identity = get_hooks(request).identity(request)
    if identity is None:
        return None
    admin = administrator_for(session, identity)
    if admin is None:
        raise Forbidden("this ProConnect identity is not a registry administrator")
    return Caller(
        actor=admin.identity,
        scopes=ROLE_SCOPES[admin.role],
        via="session",
        role=admin.role,
        display_name=display_name(identity),
    )


def token_caller(session: Session, authorization: str, moment: datetime) -> Caller:
    """The caller an ``Authorization: Bearer`` header stands for (RFC 6750 §2.1)."""
    scheme, _, secret = authorization.partition(" ")
    challenge = {"WWW-Authenticate": _challenge("invalid_token")}
    if scheme.lower() != "bearer" or not secret.strip():
        raise InvalidTokenError("use 'Authorization: Bearer <token>'", headers=challenge)
    try:
        principal = authenticate_token(session, secret.strip(), moment)
    except InvalidTokenError as exc:
        raise InvalidTokenError(exc.description, headers=challenge) from None
    return Caller(
        actor=f"api-token:{principal.token_id}:{principal.owner}",
        scopes=principal.scopes,
        via="token",
    )


def api_caller(request: Request, session: DbDep, moment: NowDep) -> Caller:
    """A token when an ``Authorization`` header is present, else the logged-in admin."""
    authorization = request.headers.get("authorization")
    if authorization is not None:
        return token_caller(session, authorization, moment)
    caller = session_caller(request, session)
    if caller is None:
        raise InvalidTokenError(
            "an API token or an administrator session is required",
            headers={"WWW-Authenticate": _challenge()},
        )
    return caller


ApiCallerDep = Annotated[Caller, Depends(api_caller)]


def _scoped(scope: str) -> Callable[[Request, Caller], Caller]:
    def dependency(request: Request, caller: ApiCallerDep) -> Caller:
        caller.require(scope)
        if scope == WRITE and caller.via == "session":
            submitted = request.headers.get(CSRF_HEADER)
            if not get_hooks(request).check_csrf(request, submitted):
                raise Forbidden(
                    "a session-authenticated write needs the X-CSRF-Token header of the admin pages"
                )
        return caller

    return dependency


ApiReader = Annotated[Caller, Depends(_scoped(READ))]
ApiWriter = Annotated[Caller, Depends(_scoped(WRITE))]
ApiAuditor = Annotated[Caller, Depends(_scoped(AUDIT))]


def api_session_admin(request: Request, caller: ApiWriter) -> Caller:
    """Token management: an administrator's session only (a token never mints tokens)."""
    if caller.via != "session":
        raise InsufficientScopeError(
            "API tokens are managed from an administrator session, not with a token",
            headers={"WWW-Authenticate": _challenge("insufficient_scope")},
        )
    return caller


ApiSessionAdmin = Annotated[Caller, Depends(api_session_admin)]
