"""Hash-chained audit log: every write appended, any tampering detected."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from tests.trust_registry.conftest import T0, day
from tests.trust_registry.helpers import ADMIN, ISSUER, VCT, register
from trust_registry import admins, registry, tokens
from trust_registry.audit import (
    GENESIS_HASH,
    append_audit,
    entry_content,
    entry_hash,
    export_jsonl,
    verify_chain,
)
from trust_registry.errors import EntityCancelledError
from trust_registry.models import AuditEntry


def populate(session: Session) -> None:
    register(session, now=T0)
    registry.add_type(session, did=ISSUER, type_value=VCT, kind="vct", actor=ADMIN, now=day(1))
    registry.suspend_entity(session, did=ISSUER, actor=ADMIN, reason="check", now=day(2))
    registry.reactivate_entity(session, did=ISSUER, actor=ADMIN, reason="ok", now=day(3))
    admins.add_administrator(
        session, email="auditor@example.fr", role="auditor", actor=ADMIN, now=day(4)
    )
    tokens.create_token(
        session, owner=ADMIN, label="ci", scopes=["registry:read"],
        lifetime=day(30) - T0, actor=ADMIN, now=day(5),
    )  # fmt: skip
    session.commit()


def entries(session: Session) -> list[AuditEntry]:
    return list(session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars())


def test_every_write_is_audited_with_before_and_after(session: Session) -> None:
    populate(session)
    log = entries(session)
    assert [e.action for e in log] == [
        "entity.created",
        "entity.type_added",
        "entity.suspended",
        "entity.reactivated",
        "administrator.added",
        "api_token.created",
    ]
    assert [e.seq for e in log] == [1, 2, 3, 4, 5, 6]
    assert log[0].before is None
    assert log[0].prev_hash == GENESIS_HASH
    assert log[2].before is not None
    assert log[2].before["status"] == "active"
    assert log[2].after is not None
    assert log[2].after["status"] == "suspended"
    assert log[2].reason == "check"
    assert log[2].actor == ADMIN
    assert log[2].target == f"entity:{ISSUER}"
    assert log[2].at == day(2)
    assert verify_chain(session).valid


def test_refused_write_leaves_no_audit_entry(session: Session) -> None:
    register(session, now=T0)
    registry.cancel_entity(session, did=ISSUER, actor=ADMIN, reason="c", now=day(1))
    session.commit()
    with pytest.raises(EntityCancelledError):
        registry.suspend_entity(session, did=ISSUER, actor=ADMIN, reason="s", now=day(2))
    session.rollback()
    assert len(entries(session)) == 2
    assert verify_chain(session).valid


def test_empty_log_verifies(session: Session) -> None:
    result = verify_chain(session)
    assert result.valid
    assert result.entries == 0


def tamper(session: Session, *statements: str) -> None:
    for statement in statements:
        session.execute(text(statement))
    session.commit()
    session.expire_all()


TAMPERING: dict[str, tuple[tuple[str, ...], int]] = {
    "changed-actor": (("UPDATE registry_audit_log SET actor = 'mallory' WHERE seq = 3",), 3),
    "changed-reason": (("UPDATE registry_audit_log SET reason = NULL WHERE seq = 3",), 3),
    "changed-after": (
        ("""UPDATE registry_audit_log SET "after" = NULL WHERE seq = 2""",),
        2,
    ),
    "deleted-middle": (("DELETE FROM registry_audit_log WHERE seq = 4",), 4),
    "deleted-first": (("DELETE FROM registry_audit_log WHERE seq = 1",), 1),
    "deleted-last": (("DELETE FROM registry_audit_log WHERE seq = 6",), 6),
    "swapped": (
        (
            "UPDATE registry_audit_log SET seq = -3 WHERE seq = 3",
            "UPDATE registry_audit_log SET seq = 3 WHERE seq = 4",
            "UPDATE registry_audit_log SET seq = 4 WHERE seq = -3",
        ),
        3,
    ),
    "renumbered-gap": (("UPDATE registry_audit_log SET seq = 60 WHERE seq = 6",), 6),
}


@pytest.mark.parametrize("case", list(TAMPERING), ids=list(TAMPERING))
def test_tampering_is_detected(session: Session, case: str) -> None:
    populate(session)
    statements, first_bad = TAMPERING[case]
    tamper(session, *statements)
    result = verify_chain(session)
    assert not result.valid
    assert result.first_bad_seq == first_bad, result.reason


def test_inserted_entry_is_detected(session: Session) -> None:
    populate(session)
    tamper(
        session,
        "UPDATE registry_audit_log SET seq = seq + 100 WHERE seq >= 3",
        "UPDATE registry_audit_log SET seq = seq - 99 WHERE seq >= 100",
    )
    previous = session.execute(select(AuditEntry).where(AuditEntry.seq == 2)).scalar_one()
    forged = AuditEntry(
        seq=3, at=day(1), actor="mallory", action="entity.created", target="entity:did:web:x",
        before=None, after={"status": "active"}, reason=None, prev_hash=previous.hash, hash="",
    )  # fmt: skip
    forged.hash = entry_hash(entry_content(forged))
    session.add(forged)
    session.commit()
    result = verify_chain(session)
    assert not result.valid
    assert result.first_bad_seq == 4  # the forged entry links, the next one no longer does


def test_entry_appended_behind_the_head_is_detected(session: Session) -> None:
    populate(session)
    last = entries(session)[-1]
    forged = AuditEntry(
        seq=last.seq + 1, at=day(9), actor="mallory", action="entity.created", target="x",
        before=None, after=None, reason=None, prev_hash=last.hash, hash="",
    )  # fmt: skip
    forged.hash = entry_hash(entry_content(forged))
    session.add(forged)
    session.commit()
    result = verify_chain(session)
    assert not result.valid
    assert result.first_bad_seq == last.seq + 1


def test_rewritten_last_entry_is_detected_by_the_head(session: Session) -> None:
    populate(session)
    last = entries(session)[-1]
    last.actor = "mallory"
    last.hash = entry_hash(entry_content(last))
    session.commit()
    result = verify_chain(session)
    assert not result.valid
    assert result.first_bad_seq == last.seq


def test_export_jsonl(session: Session) -> None:
    populate(session)
    out = io.StringIO()
    assert export_jsonl(session, out) == 6
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["seq"] for line in lines] == [1, 2, 3, 4, 5, 6]
    for line in lines:
        content = {k: v for k, v in line.items() if k != "hash"}
        assert entry_hash(content) == line["hash"]
    assert lines[1]["prev_hash"] == lines[0]["hash"]


def test_secrets_never_reach_the_log(session: Session) -> None:
    _info, secret = tokens.create_token(
        session, owner=ADMIN, label="x", scopes=["registry:read"],
        lifetime=day(1) - T0, actor=ADMIN, now=T0,
    )  # fmt: skip
    session.commit()
    out = io.StringIO()
    export_jsonl(session, out)
    assert secret not in out.getvalue()


def _retry(sessions: sessionmaker[Session], work: Callable[[Session], object]) -> None:
    for _attempt in range(200):
        with sessions() as session:
            try:
                work(session)
                session.commit()
                return
            except (IntegrityError, DBAPIError):
                session.rollback()
    raise AssertionError("could not commit after many retries")


def test_concurrent_writers_do_not_fork_the_chain(engine: Engine) -> None:
    sessions = sessionmaker(bind=engine)
    writers, per_writer = 4, 8
    barrier = threading.Barrier(writers)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            barrier.wait()
            for index in range(per_writer):

                def append(session: Session, i: int = index) -> object:
                    return append_audit(
                        session, actor=f"writer{number}", action="test.append",
                        target=f"t:{i}", before=None, after={"i": i}, reason=None,
                        now=day(number),
                    )  # fmt: skip

                _retry(sessions, append)
        except Exception as exc:  # noqa: BLE001 (reported by the main thread)
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    with sessions() as session:
        result = verify_chain(session)
        assert result.valid, result.reason
        assert result.entries == writers * per_writer
