"""Revoking, suspending and reinstating issued credentials.

State machine (IETF Token Status List §7.1, W3C Bitstring Status List §2.1):

- ``valid`` → ``suspended`` (suspend) → ``valid`` (reinstate): suspension is reversible;
- ``valid`` | ``suspended`` → ``revoked`` (revoke): revocation is final; a revoked
  credential is never reinstated nor suspended (:class:`InvalidTransitionError`).

Every change appends a :class:`CredentialStatusChange` row (actor, reason, time) and bumps
its list's ``version`` so that the published list is re-signed. A person may change only
credentials whose register row carries their ProConnect ``sub``
(:class:`NotCredentialHolderError`); administrators and the ``revalidate`` job act on any.
The credential row is locked (``SELECT … FOR UPDATE`` on PostgreSQL) so that concurrent
changes serialise. Changes happen in the caller's session; the caller commits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from issuer.status.errors import (
    InvalidTransitionError,
    NotCredentialHolderError,
    StatusServiceError,
    UnknownCredentialError,
)
from issuer.status.models import (
    ActorKind,
    CredentialState,
    CredentialStatusChange,
    IssuedCredential,
    StatusList,
)

Action = Literal["revoke", "suspend", "reinstate"]
MAX_REASON_CHARS: Final = 500
URN_UUID: Final = "urn:uuid:"

_TARGET: Final[dict[str, CredentialState]] = {
    "revoke": "revoked",
    "suspend": "suspended",
    "reinstate": "valid",
}
_ALLOWED_FROM: Final[dict[str, frozenset[str]]] = {
    "revoke": frozenset({"valid", "suspended"}),
    "suspend": frozenset({"valid"}),
    "reinstate": frozenset({"suspended"}),
}


@dataclass(frozen=True, slots=True)
class Actor:
    """Who changes a status: the holder (their ProConnect ``sub``), an administrator, or the
    system (``revalidate``)."""

    kind: ActorKind
    id: str


@dataclass(frozen=True, slots=True)
class StatusChange:
    """The outcome of one change, for the caller's response and logs."""

    credential_id: str
    from_state: str
    to_state: str
    changed_at: datetime


def register_key(credential_id: str) -> str:
    """The register's key for a credential id given as ``urn:uuid:…`` or a bare UUID."""
    return credential_id[len(URN_UUID) :] if credential_id.startswith(URN_UUID) else credential_id


class RevocationService:
    """Status changes of issued credentials, in the caller's transaction."""

    def __init__(self, *, clock: Callable[[], datetime]) -> None:
        self._clock = clock

    def change(
        self,
        session: Session,
        credential_id: str,
        action: Action,
        *,
        actor: Actor,
        reason: str,
    ) -> StatusChange:
        """Apply ``action``; holders may act only on their own credentials."""
        reason = reason.strip()
        if not reason or len(reason) > MAX_REASON_CHARS:
            raise StatusServiceError(f"a reason of 1 to {MAX_REASON_CHARS} characters is required")
        if not actor.id:
            raise StatusServiceError("the actor must be identified")
        row = session.scalar(
            select(IssuedCredential)
            .where(IssuedCredential.id == register_key(credential_id))
            .with_for_update()
        )
        if row is None:
            raise UnknownCredentialError(f"no credential {credential_id!r} in the register")
        if actor.kind == "holder" and row.person_sub != actor.id:
            raise NotCredentialHolderError("this credential was not issued to you")
        if row.state not in _ALLOWED_FROM[action]:
            raise InvalidTransitionError(f"cannot {action} a {row.state} credential")
        now = self._clock()
        previous = row.state
        row.state = _TARGET[action]
        row.state_changed_at = now
        session.add(
            CredentialStatusChange(
                credential_id=row.id,
                from_state=previous,
                to_state=row.state,
                actor_kind=actor.kind,
                actor_id=actor.id,
                reason=reason,
                changed_at=now,
            )
        )
        session.execute(
            update(StatusList)
            .where(StatusList.id == row.status_list_id)
            .values(version=StatusList.version + 1, updated_at=now)
        )
        session.flush()
        return StatusChange(row.id, previous, row.state, now)

    def revoke(
        self, session: Session, credential_id: str, *, actor: Actor, reason: str
    ) -> StatusChange:
        return self.change(session, credential_id, "revoke", actor=actor, reason=reason)

    def suspend(
        self, session: Session, credential_id: str, *, actor: Actor, reason: str
    ) -> StatusChange:
        return self.change(session, credential_id, "suspend", actor=actor, reason=reason)

    def reinstate(
        self, session: Session, credential_id: str, *, actor: Actor, reason: str
    ) -> StatusChange:
        return self.change(session, credential_id, "reinstate", actor=actor, reason=reason)

    def history(self, session: Session, credential_id: str) -> list[CredentialStatusChange]:
        """Every change of a credential, oldest first."""
        return list(
            session.scalars(
                select(CredentialStatusChange)
                .where(CredentialStatusChange.credential_id == register_key(credential_id))
                .order_by(CredentialStatusChange.id)
            )
        )
