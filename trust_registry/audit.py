"""Tamper-evident audit log: every registry write appends one hash-chained entry.

Each entry's ``hash`` is SHA-256 over the canonical JSON (sorted keys, no spaces, UTF-8)
of its content (``seq``, ``at``, ``actor``, ``action``, ``target``, ``before``, ``after``,
``reason``) together with ``prev_hash``, the hash of the entry before it (64 zeros for the
first). :class:`~trust_registry.models.AuditHead` holds the last ``seq`` and ``hash``:
appending locks it (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's single writer lock
does the same), and ``seq`` is unique, so concurrent writers cannot fork the chain — the
loser of a race fails and its transaction, registry change included, rolls back.

The head also lets :func:`verify_chain` notice entries cut from the end of the log. Someone
able to rewrite the head *and* every entry after a change is only caught by comparing with
an exported copy (:func:`export_jsonl`); publish or archive exports for that.

ARF annex 2 Reg_09 ("log all changes"); TRQP v2 Security Considerations ("log and audit
all access and changes", "sign/hash data at rest").
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from trust_registry.models import SINGLETON_ID, AuditEntry, AuditHead
from trust_registry.timestamps import format_time, utc

GENESIS_HASH: Final = "0" * 64


def canonical_json(value: Any) -> bytes:
    """Deterministic JSON bytes: sorted keys, no whitespace, UTF-8, no NaN."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def entry_content(entry: AuditEntry) -> dict[str, Any]:
    """The hashed (and exported) content of an entry, without its own hash."""
    return {
        "seq": entry.seq,
        "at": format_time(entry.at),
        "actor": entry.actor,
        "action": entry.action,
        "target": entry.target,
        "before": entry.before,
        "after": entry.after,
        "reason": entry.reason,
        "prev_hash": entry.prev_hash,
    }


def entry_hash(content: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json(dict(content))).hexdigest()


def _lock_head(session: Session) -> AuditHead:
    head = session.execute(
        select(AuditHead).where(AuditHead.id == SINGLETON_ID).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=SINGLETON_ID, seq=0, hash=GENESIS_HASH)
        session.add(head)
        session.flush()
    return head


def append_audit(
    session: Session,
    *,
    actor: str,
    action: str,
    target: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    reason: str | None,
    now: datetime,
) -> AuditEntry:
    """Append one entry in the caller's transaction (the caller commits).

    ``before``/``after`` must be JSON values made of strings, integers, booleans, null,
    lists and objects, so that they hash the same after a database round trip.
    """
    head = _lock_head(session)
    entry = AuditEntry(
        seq=head.seq + 1,
        at=utc(now),
        actor=actor,
        action=action,
        target=target,
        before=dict(before) if before is not None else None,
        after=dict(after) if after is not None else None,
        reason=reason,
        prev_hash=head.hash,
        hash="",
    )
    entry.hash = entry_hash(entry_content(entry))
    session.add(entry)
    head.seq = entry.seq
    head.hash = entry.hash
    session.flush()
    return entry


@dataclass(frozen=True, slots=True)
class ChainVerification:
    """The outcome of :func:`verify_chain`; ``first_bad_seq`` is None when intact."""

    valid: bool
    entries: int
    first_bad_seq: int | None = None
    reason: str = ""


def verify_chain(session: Session) -> ChainVerification:
    """Recompute the chain; report the first sequence number where it breaks.

    Detects an altered entry (its hash no longer matches), a removed or inserted entry (a
    gap or a duplicate in ``seq``, or a ``prev_hash`` that no longer links), reordered
    entries (the links break), and entries removed from the end (the head disagrees).
    """
    expected_seq = 1
    prev_hash = GENESIS_HASH
    count = 0
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq, AuditEntry.id)).scalars()
    for entry in rows:
        count += 1
        if entry.seq != expected_seq:
            return ChainVerification(
                False, count, expected_seq, f"expected seq {expected_seq}, found {entry.seq}"
            )
        if entry.prev_hash != prev_hash:
            return ChainVerification(False, count, entry.seq, "prev_hash does not link")
        if entry_hash(entry_content(entry)) != entry.hash:
            return ChainVerification(False, count, entry.seq, "content does not match hash")
        prev_hash = entry.hash
        expected_seq += 1
    head = session.get(AuditHead, SINGLETON_ID)
    last_seq = expected_seq - 1
    head_seq, head_hash = (head.seq, head.hash) if head is not None else (0, GENESIS_HASH)
    if head_seq != last_seq:
        return ChainVerification(
            False,
            count,
            min(head_seq, last_seq) + 1,
            f"chain head says seq {head_seq}, log ends at {last_seq}",
        )
    if head_hash != prev_hash:
        return ChainVerification(False, count, last_seq, "last entry differs from chain head")
    return ChainVerification(True, count)


def export_jsonl(session: Session, file: TextIO) -> int:
    """Write every entry (content and hash) as one JSON line, in ``seq`` order."""
    count = 0
    for entry in session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars():
        line = {**entry_content(entry), "hash": entry.hash}
        file.write(canonical_json(line).decode("utf-8") + "\n")
        count += 1
    return count


def list_entries(
    session: Session, *, before: int | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """Entries newest first (content and hash); page with ``before`` (the last seq seen)."""
    query = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(max(1, min(limit, 500)))
    if before is not None:
        query = query.where(AuditEntry.seq < before)
    return [
        {**entry_content(entry), "hash": entry.hash} for entry in session.execute(query).scalars()
    ]
