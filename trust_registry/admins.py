"""Administrators of the registry: who may log into the admin UI/API, with which role.

An administrator is found by e-mail or by ProConnect ``sub`` (the OIDC subject, stable
across e-mail changes). Roles: ``admin`` (writes) and ``auditor`` (reads the audit log and
history). Entries are deactivated, never deleted, so the audit log's actors stay
resolvable. Every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Literal, TypeAlias, cast, get_args

from sqlalchemy import select
from sqlalchemy.orm import Session

from trust_registry.audit import append_audit
from trust_registry.errors import ConflictError, InvalidEntryError, NotFoundError
from trust_registry.models import Administrator
from trust_registry.timestamps import format_time, utc
from trust_registry.validation import check_text

Role: TypeAlias = Literal["admin", "auditor"]
ROLES: Final = get_args(Role)


@dataclass(frozen=True, slots=True)
class AdminIdentity:
    """An active administrator, as the web layer sees them after login."""

    id: int
    identity: str
    role: Role


def _identity(row: Administrator) -> str:
    return row.email if row.email is not None else f"proconnect:{row.proconnect_sub}"


def admin_json(row: Administrator) -> dict[str, Any]:
    return {
        "id": row.id,
        "email": row.email,
        "proconnect_sub": row.proconnect_sub,
        "role": row.role,
        "active": row.active,
        "added_by": row.added_by,
        "added_at": format_time(row.added_at),
        "deactivated_by": row.deactivated_by,
        "deactivated_at": format_time(row.deactivated_at) if row.deactivated_at else None,
    }


def _check_role(role: str) -> Role:
    if role not in ROLES:
        raise InvalidEntryError(f"role must be one of {ROLES}")
    return cast(Role, role)


def add_administrator(
    session: Session,
    *,
    email: str | None = None,
    proconnect_sub: str | None = None,
    role: str,
    actor: str,
    now: datetime,
) -> dict[str, Any]:
    """Add an administrator identified by e-mail and/or ProConnect ``sub``."""
    if email is None and proconnect_sub is None:
        raise InvalidEntryError("an administrator needs an e-mail or a ProConnect sub")
    if email is not None:
        email = check_text(email, "email").lower()
        if "@" not in email:
            raise InvalidEntryError("email must contain '@'")
    if proconnect_sub is not None:
        proconnect_sub = check_text(proconnect_sub, "proconnect_sub")
    if _lookup(session, email=email, proconnect_sub=proconnect_sub) is not None:
        raise ConflictError("this administrator is already listed")
    row = Administrator(
        email=email,
        proconnect_sub=proconnect_sub,
        role=_check_role(role),
        active=True,
        added_by=check_text(actor, "actor"),
        added_at=utc(now),
    )
    session.add(row)
    session.flush()
    after = admin_json(row)
    append_audit(
        session,
        actor=actor,
        action="administrator.added",
        target=f"administrator:{row.id}",
        before=None,
        after=after,
        reason=None,
        now=now,
    )
    return after


def deactivate_administrator(
    session: Session, *, admin_id: int, actor: str, reason: str | None = None, now: datetime
) -> dict[str, Any]:
    """Take an administrator's access away (the entry stays)."""
    row = session.get(Administrator, admin_id)
    if row is None:
        raise NotFoundError(f"no administrator {admin_id}")
    before = admin_json(row)
    row.active = False
    row.deactivated_by = actor
    row.deactivated_at = utc(now)
    session.flush()
    after = admin_json(row)
    append_audit(
        session,
        actor=actor,
        action="administrator.deactivated",
        target=f"administrator:{row.id}",
        before=before,
        after=after,
        reason=reason,
        now=now,
    )
    return after


def _lookup(
    session: Session, *, email: str | None, proconnect_sub: str | None
) -> Administrator | None:
    if proconnect_sub is not None:
        row = session.execute(
            select(Administrator).where(Administrator.proconnect_sub == proconnect_sub)
        ).scalar_one_or_none()
        if row is not None:
            return row
    if email is not None:
        return session.execute(
            select(Administrator).where(Administrator.email == email.lower())
        ).scalar_one_or_none()
    return None


def find_administrator(
    session: Session, *, email: str | None = None, proconnect_sub: str | None = None
) -> AdminIdentity | None:
    """The active administrator matching a login (``sub`` first, then e-mail), or None."""
    row = _lookup(session, email=email, proconnect_sub=proconnect_sub)
    if row is None or not row.active:
        return None
    return AdminIdentity(row.id, _identity(row), _check_role(row.role))


def list_administrators(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(select(Administrator).order_by(Administrator.id)).scalars()
    return [admin_json(row) for row in rows]
