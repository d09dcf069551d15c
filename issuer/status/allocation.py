"""Status index allocation: random, unique, never reused (trust-and-security §2).

- Lists hold :data:`LIST_SIZE` entries (131,072, the W3C minimum and the IETF draft's
  herd-privacy advice); a list stops taking new credentials at :data:`FILL_THRESHOLD` of
  its size, so a random index is found in a couple of tries and every list keeps a crowd of
  never-used indices to hide in. The next allocation then opens a new list. The threshold
  is soft: a process counts a list's entries once every :data:`MAX_UNCHECKED` allocations
  (fewer for small capacities), so concurrent processes may overshoot it by a few dozen
  entries each, which keeps the list far from full.
- The index is drawn with :func:`secrets.randbelow` (injectable for tests) and claimed by
  ``INSERT … ON CONFLICT DO NOTHING`` on the (list, index) primary key: the database, not
  the process, decides, so two processes never get the same index; a draw that hits a
  used index is simply drawn again.
- The allocation row is written in the caller's transaction, with the credential's
  register row. If that transaction rolls back (signing failed, crash before commit), the
  index was never handed to anyone and the row never existed; once committed it is never
  deleted, so it is never reused.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

from issuer.status.errors import AllocationError
from issuer.status.models import ListKind, StatusAllocation, StatusList

LIST_SIZE: Final = 131_072
FILL_THRESHOLD: Final = 0.5
MAX_DRAWS: Final = 64
#: At most this many allocations per process between two counts of a list's entries.
MAX_UNCHECKED: Final = 64

#: ``randbelow(n)`` → an integer in ``[0, n)``; :func:`secrets.randbelow` unless injected.
RandBelow = Callable[[int], int]
#: A new list identifier; 128 random bits, URL-safe.
ListIdSource = Callable[[], str]


def new_list_id() -> str:
    return secrets.token_urlsafe(16)


@dataclass(frozen=True, slots=True)
class Allocation:
    """An index claimed in a list, for the transaction that claimed it."""

    list_id: str
    kind: ListKind
    index: int


def _claim(session: Session, list_id: str, index: int, now: datetime) -> bool:
    values = {"list_id": list_id, "idx": index, "allocated_at": now}
    dialect = session.get_bind().dialect.name
    statement: ReturningInsert[tuple[int]]
    if dialect == "postgresql":
        statement = (
            postgresql.insert(StatusAllocation)
            .values(values)
            .on_conflict_do_nothing()
            .returning(StatusAllocation.idx)
        )
    elif dialect == "sqlite":
        statement = (
            sqlite.insert(StatusAllocation)
            .values(values)
            .on_conflict_do_nothing()
            .returning(StatusAllocation.idx)
        )
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        statement = insert(StatusAllocation).values(values).returning(StatusAllocation.idx)
    return session.execute(statement).scalar() is not None


class StatusAllocator:
    """Claims status indices inside the caller's session."""

    def __init__(
        self,
        *,
        size: int = LIST_SIZE,
        fill_threshold: float = FILL_THRESHOLD,
        randbelow: RandBelow = secrets.randbelow,
        list_id: ListIdSource = new_list_id,
    ) -> None:
        if size < LIST_SIZE:
            raise ValueError(f"status lists hold at least {LIST_SIZE} entries")
        if not 0 < fill_threshold <= 0.75:
            raise ValueError("the fill threshold keeps lists sparse: 0 < threshold <= 0.75")
        self._size = size
        self._capacity = max(1, int(size * fill_threshold))
        self._randbelow = randbelow
        self._list_id = list_id
        self._check_every = max(1, min(MAX_UNCHECKED, self._capacity // 1024))
        self._unchecked: dict[str, int] = {}
        self._lock = threading.Lock()

    @property
    def capacity(self) -> int:
        return self._capacity

    def _open_list(self, session: Session, kind: ListKind, now: datetime) -> StatusList:
        current = session.scalar(
            select(StatusList)
            .where(StatusList.kind == kind, StatusList.state == "open")
            .order_by(StatusList.created_at.desc(), StatusList.id)
            .limit(1)
        )
        if current is not None:
            with self._lock:
                unchecked = self._unchecked.get(current.id, self._check_every)
                if unchecked < self._check_every:
                    self._unchecked[current.id] = unchecked + 1
                    return current
            used = session.scalar(
                select(func.count()).where(StatusAllocation.list_id == current.id)
            )
            if (used or 0) < current.capacity:
                with self._lock:
                    self._unchecked = {current.id: 1}
                return current
            current.state = "full"
        fresh = StatusList(
            id=self._list_id(),
            kind=kind,
            size=self._size,
            capacity=self._capacity,
            state="open",
            version=0,
            created_at=now,
            updated_at=now,
        )
        session.add(fresh)
        session.flush()
        return fresh

    def allocate(self, session: Session, kind: ListKind, *, now: datetime) -> Allocation:
        """Claim a free random index in the open list of ``kind`` (opening one if needed)."""
        status_list = self._open_list(session, kind, now)
        for _ in range(MAX_DRAWS):
            index = self._randbelow(status_list.size)
            if not 0 <= index < status_list.size:
                raise AllocationError("the index source returned an index outside the list")
            if _claim(session, status_list.id, index, now):
                return Allocation(list_id=status_list.id, kind=kind, index=index)
        raise AllocationError(f"no free index found in {MAX_DRAWS} draws")
