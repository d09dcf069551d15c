"""Who may revoke, suspend or reinstate any issued credential through the issuer's API.

The deployment's administrators are the trust registry's: a logged-in ProConnect identity
on the registry's administrator list with role ``admin`` (a browser call must also send
the session's CSRF token in ``X-CSRF-Token``), or an API token with the scope
``registry:write``. The issuer package only sees a callable returning the actor id
(:data:`issuer.web.status.AdminCheck`), so it does not depend on the registry.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import Request

from attestia import sessions as web_sessions
from credentials.oauth_errors import Forbidden
from trust_registry.admins import find_administrator
from trust_registry.errors import InvalidTokenError
from trust_registry.tokens import authenticate_token

WRITE_SCOPE = "registry:write"


def issuer_admin_check(request: Request) -> str | None:
    """The acting administrator's identifier, or None when the caller is not one."""
    services = request.app.state.services
    authorization = request.headers.get("authorization")
    with services.sessions() as session:
        if authorization is not None:
            scheme, _, secret = authorization.partition(" ")
            if scheme.lower() != "bearer" or not secret.strip():
                return None
            try:
                principal = authenticate_token(session, secret.strip(), datetime.now(UTC))
            except InvalidTokenError:
                return None
            if WRITE_SCOPE not in principal.scopes:
                raise Forbidden(f"the token lacks the scope {WRITE_SCOPE}")
            return f"api-token:{principal.token_id}:{principal.owner}"
        identity = web_sessions.current_identity(request)
        if identity is None:
            return None
        sub, email = identity.get("sub"), identity.get("email")
        admin = find_administrator(
            session,
            email=email if isinstance(email, str) and email else None,
            proconnect_sub=sub if isinstance(sub, str) and sub else None,
        )
    if admin is None or admin.role != "admin":
        raise Forbidden("only a registry administrator with role admin may do this")
    if not web_sessions.check_csrf(request, request.headers.get("x-csrf-token")):
        raise Forbidden("missing or wrong X-CSRF-Token header")
    return admin.identity
