"""Status index allocation: random, unique, never reused (trust-and-security §2).

- Lists hold :data:`LIST_SIZE` entries (131,072, the W3C minimum and the IETF draft's
  herd-privacy advice); a list stops taking new credentials at :data:`FILL_THRESHOLD` of
  its size, so a random index is found in a couple of tries and every list keeps a crowd of
  never-used indices to hide in. The next allocation then opens a new list. The threshold
  is soft: a process counts a list's entries (and reads which list is open) once every
  :data:`MAX_UNCHECKED` allocations (fewer for small capacities), so concurrent processes
  may overshoot it by a few dozen entries each, which keeps the list far from full.
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

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from issuer.db import table_of
from issuer.status.errors import AllocationError
from issuer.status.models import ListKind, StatusAllocation, StatusList

_LISTS = table_of(StatusList)
_ALLOCATIONS = table_of(StatusAllocation)

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


#: ``INSERT … ON CONFLICT DO NOTHING RETURNING idx`` per dialect, built once: the row
#: comes back only to the transaction whose insert claimed the index.
_CLAIM: Final = {
    "postgresql": postgresql.insert(_ALLOCATIONS)
    .on_conflict_do_nothing()
    .returning(_ALLOCATIONS.c.idx),
    "sqlite": sqlite.insert(_ALLOCATIONS).on_conflict_do_nothing().returning(_ALLOCATIONS.c.idx),
}
_OPEN_LIST: Final = (
    select(_LISTS.c.id, _LISTS.c.size, _LISTS.c.capacity)
    .where(_LISTS.c.kind == bindparam("kind"), _LISTS.c.state == "open")
    .order_by(_LISTS.c.created_at.desc(), _LISTS.c.id)
    .limit(1)
)


def _claim(session: Session, list_id: str, index: int, now: datetime) -> bool:
    statement = _CLAIM.get(session.get_bind().dialect.name)
    if statement is None:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise AllocationError("status index allocation needs SQLite or PostgreSQL")
    values = {"list_id": list_id, "idx": index, "allocated_at": now}
    return session.execute(statement, values).scalar() is not None


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
        #: Per kind: the open list last counted, its size, allocations since that count.
        self._open: dict[ListKind, tuple[str, int, int]] = {}
        self._lock = threading.Lock()

    @property
    def capacity(self) -> int:
        return self._capacity

    def _open_list(self, session: Session, kind: ListKind, now: datetime) -> tuple[str, int]:
        """(id, size) of the open list of ``kind``; a new one when it is missing or full.

        Between two counts the list last read from the database is used without reading
        it again: one round trip less per credential. A list this process has just
        created is not remembered (its transaction may still roll back).
        """
        with self._lock:
            remembered = self._open.get(kind)
            if remembered is not None and remembered[2] < self._check_every:
                list_id, size, since = remembered
                self._open[kind] = (list_id, size, since + 1)
                return list_id, size
        current = session.execute(_OPEN_LIST, {"kind": kind}).one_or_none()
        if current is not None:
            used = session.scalar(select(func.count()).where(_ALLOCATIONS.c.list_id == current.id))
            if (used or 0) < current.capacity:
                with self._lock:
                    self._open[kind] = (current.id, current.size, 1)
                return current.id, current.size
            session.execute(update(_LISTS).where(_LISTS.c.id == current.id).values(state="full"))
        with self._lock:
            self._open.pop(kind, None)
        fresh = self._list_id()
        session.execute(
            insert(_LISTS).values(
                id=fresh,
                kind=kind,
                size=self._size,
                capacity=self._capacity,
                state="open",
                version=0,
                created_at=now,
                updated_at=now,
            )
        )
        return fresh, self._size

    def allocate(self, session: Session, kind: ListKind, *, now: datetime) -> Allocation:
        """Claim a free random index in the open list of ``kind`` (opening one if needed)."""
        list_id, size = self._open_list(session, kind, now)
        for _ in range(MAX_DRAWS):
            index = self._randbelow(size)
            if not 0 <= index < size:
                raise AllocationError("the index source returned an index outside the list")
            if _claim(session, list_id, index, now):
                return Allocation(list_id=list_id, kind=kind, index=index)
        raise AllocationError(f"no free index found in {MAX_DRAWS} draws")
