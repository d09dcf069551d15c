"""Status index allocation: random, unique per list by a database constraint, never reused,
a new list when one reaches its fill threshold (trust-and-security §2)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from attestia.db import make_engine, make_session_factory
from issuer.db import IssuerBase
from issuer.status import (
    LIST_SIZE,
    AllocationError,
    StatusAllocation,
    StatusAllocator,
    StatusList,
)
from issuer.status.allocation import MAX_UNCHECKED

NOW = datetime(2026, 3, 2, tzinfo=UTC)


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    IssuerBase.metadata.create_all(engine)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


def test_ten_thousand_allocations_have_no_duplicate(sessions: sessionmaker[Session]) -> None:
    allocator = StatusAllocator()
    seen: set[tuple[str, int]] = set()
    for _ in range(20):
        with sessions() as session, session.begin():
            for _ in range(500):
                allocation = allocator.allocate(session, "token", now=NOW)
                seen.add((allocation.list_id, allocation.index))
    assert len(seen) == 10_000
    with sessions() as session:
        rows = session.execute(select(StatusAllocation.list_id, StatusAllocation.idx)).all()
    assert len(rows) == 10_000
    assert {(r[0], r[1]) for r in rows} == seen
    assert all(0 <= index < LIST_SIZE for _, index in seen)
    assert len({index for _, index in seen}) > 9_000  # random, not sequential


def test_a_used_index_is_drawn_again(sessions: sessionmaker[Session]) -> None:
    draws = iter([7, 7, 7, 8])
    allocator = StatusAllocator(randbelow=lambda _n: next(draws))
    with sessions() as session, session.begin():
        first = allocator.allocate(session, "bitstring", now=NOW)
        second = allocator.allocate(session, "bitstring", now=NOW)
    assert (first.index, second.index) == (7, 8)


def test_an_index_is_not_reused_after_commit_in_a_new_process(
    sessions: sessionmaker[Session],
) -> None:
    """A fresh allocator (another process, or after a restart) sees the database."""
    with sessions() as session, session.begin():
        taken = StatusAllocator(randbelow=lambda _n: 42).allocate(session, "token", now=NOW)
    draws = iter([42, 42, 43])
    with sessions() as session, session.begin():
        again = StatusAllocator(randbelow=lambda _n: next(draws)).allocate(
            session, "token", now=NOW
        )
    assert taken.index == 42
    assert (again.list_id, again.index) == (taken.list_id, 43)


def test_rolled_back_allocation_leaves_nothing(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        StatusAllocator().allocate(session, "token", now=NOW)
        session.rollback()
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(StatusAllocation)) == 0


def test_allocation_gives_up_when_the_list_is_not_sparse(
    sessions: sessionmaker[Session],
) -> None:
    allocator = StatusAllocator(randbelow=lambda _n: 5)
    with sessions() as session, session.begin():
        allocator.allocate(session, "token", now=NOW)
        with pytest.raises(AllocationError):
            allocator.allocate(session, "token", now=NOW)


def test_index_source_outside_the_list_is_refused(sessions: sessionmaker[Session]) -> None:
    allocator = StatusAllocator(randbelow=lambda n: n)
    with sessions() as session, session.begin(), pytest.raises(AllocationError):
        allocator.allocate(session, "token", now=NOW)


def test_a_full_list_rolls_over_to_a_new_list(sessions: sessionmaker[Session]) -> None:
    allocator = StatusAllocator(fill_threshold=10 / LIST_SIZE)
    assert allocator.capacity == 10
    with sessions() as session, session.begin():
        lists = [allocator.allocate(session, "token", now=NOW).list_id for _ in range(25)]
    assert lists[:10] == [lists[0]] * 10
    assert lists[10:20] == [lists[10]] * 10
    assert len(set(lists)) == 3
    with sessions() as session:
        states = dict(session.execute(select(StatusList.id, StatusList.state)).all())
    assert states[lists[0]] == states[lists[10]] == "full"
    assert states[lists[20]] == "open"


def test_token_and_bitstring_lists_are_separate(sessions: sessionmaker[Session]) -> None:
    allocator = StatusAllocator()
    with sessions() as session, session.begin():
        token = allocator.allocate(session, "token", now=NOW)
        bitstring = allocator.allocate(session, "bitstring", now=NOW)
    assert token.list_id != bitstring.list_id


def test_a_list_rolled_back_with_its_transaction_is_not_remembered(
    sessions: sessionmaker[Session],
) -> None:
    allocator = StatusAllocator()
    with sessions() as session, session.begin():
        gone = allocator.allocate(session, "token", now=NOW)
        session.rollback()
    with sessions() as session, session.begin():  # would break the foreign key if reused
        kept = allocator.allocate(session, "token", now=NOW)
    assert kept.list_id != gone.list_id
    with sessions() as session:
        assert session.scalars(select(StatusList.id)).all() == [kept.list_id]


def test_the_open_list_is_read_again_at_each_count(sessions: sessionmaker[Session]) -> None:
    """Another process closed the list this one remembers: this one follows at its next
    count, having overshot by fewer than ``MAX_UNCHECKED`` entries."""
    allocator = StatusAllocator()
    with sessions() as session, session.begin():
        first = allocator.allocate(session, "token", now=NOW).list_id
        allocator.allocate(session, "token", now=NOW)  # read from the database, remembered
    other = StatusAllocator()
    with sessions() as session, session.begin():
        session.execute(update(StatusList).values(state="full"))
        replacement = other.allocate(session, "token", now=NOW).list_id
    assert replacement != first
    with sessions() as session, session.begin():
        lists = [allocator.allocate(session, "token", now=NOW).list_id for _ in range(70)]
    assert set(lists) == {first, replacement}
    switched = lists.index(replacement)
    assert 0 <= switched <= MAX_UNCHECKED
    assert set(lists[switched:]) == {replacement}


@pytest.mark.parametrize(
    ("size", "threshold"),
    [(1024, 0.5), (LIST_SIZE, 0.9), (LIST_SIZE, 0)],
    ids=["list-too-small", "too-full", "zero-threshold"],
)
def test_allocator_refuses_unsafe_settings(size: int, threshold: float) -> None:
    with pytest.raises(ValueError):
        StatusAllocator(size=size, fill_threshold=threshold)


@pytest.mark.postgres
def test_concurrent_allocation_on_postgresql_never_duplicates(postgres_url: str) -> None:
    """8 threads, each with its own connection and transactions, all drawing from a small
    range so that they collide constantly: the primary key decides."""
    engine = make_engine(postgres_url)
    IssuerBase.metadata.create_all(engine)
    sessions = make_session_factory(engine)
    with sessions() as session, session.begin():
        StatusAllocator().allocate(session, "token", now=NOW)  # one open list for all
    import secrets

    allocator = StatusAllocator(randbelow=lambda _n: secrets.randbelow(4_000))
    results: list[tuple[str, int]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def worker() -> None:
        try:
            barrier.wait()
            for _ in range(40):
                with sessions() as session, session.begin():
                    got = [allocator.allocate(session, "token", now=NOW) for _ in range(5)]
                with lock:
                    results.extend((a.list_id, a.index) for a in got)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        assert len(results) == 8 * 40 * 5
        assert len(set(results)) == len(results)
        with sessions() as session:
            count = session.scalar(select(func.count()).select_from(StatusAllocation))
        assert count == len(results) + 1
    finally:
        engine.dispose()
