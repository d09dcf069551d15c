"""Entity life cycle, type windows and "authorised at time t" (trust_registry.history)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.trust_registry.conftest import T0, day
from tests.trust_registry.helpers import ADMIN, ISSUER, SIREN, VCT, register
from trust_registry import query, registry
from trust_registry.errors import (
    ConflictError,
    EntityCancelledError,
    InvalidEntryError,
    InvalidTransitionError,
    NotFoundError,
)
from trust_registry.models import EntityEvent, ListState


def authorised(session: Session, when: datetime, *, now: datetime | None = None) -> bool:
    return query.is_authorized(
        session, issuer_id=ISSUER, credential_type=VCT, issued_at=when, now=now or when
    ).authorized


def grant(
    session: Session,
    *,
    now: datetime,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
) -> None:
    registry.add_type(
        session, did=ISSUER, type_value=VCT, kind="vct", actor=ADMIN, now=now,
        valid_from=valid_from, valid_until=valid_until,
    )  # fmt: skip
    session.commit()


def test_create_and_read_back(session: Session) -> None:
    register(session, now=T0)
    issuer = query.get_issuer(session, did=ISSUER)
    assert issuer["status"] == "active"
    assert issuer["siren"] == SIREN
    assert issuer["accredited_by"] == ADMIN
    assert issuer["x509_thumbprints"] == ["ab" * 32]
    assert issuer["status_since"] == "2026-01-01T00:00:00Z"
    assert [i["did"] for i in query.list_issuers(session)] == [ISSUER]


def test_duplicate_did_refused(session: Session) -> None:
    register(session, now=T0)
    with pytest.raises(ConflictError):
        register(session, now=day(1))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("did", "https://issuer.example"),
        ("did", "did:web:"),
        ("siren", "12345678"),
        ("siren", "123456788"),
        ("country", "fr"),
        ("legal_name", " "),
    ],
    ids=["did-not-a-did", "did-empty-id", "siren-8-digits", "siren-luhn", "country-case", "name"],
)
def test_invalid_fields_refused(session: Session, field: str, value: str) -> None:
    fields = {"did": ISSUER, "siren": SIREN, "country": "FR", "legal_name": "X", field: value}
    with pytest.raises(InvalidEntryError):
        registry.create_entity(session, **fields, actor=ADMIN, now=T0)


def test_naive_datetime_refused(session: Session) -> None:
    with pytest.raises(InvalidEntryError):
        register(session, now=datetime(2026, 1, 1))


def test_authorised_only_with_a_granted_type(session: Session) -> None:
    register(session, now=T0)
    assert not authorised(session, day(1))
    grant(session, now=day(1))
    assert authorised(session, day(2))
    other = query.is_authorized(
        session, issuer_id=ISSUER, credential_type="urn:other", issued_at=day(2), now=day(2)
    )
    assert not other.authorized
    assert "not granted" in other.reason


def test_unknown_issuer_is_not_authorised(session: Session) -> None:
    decision = query.is_authorized(
        session, issuer_id="did:web:nobody.example", credential_type=VCT, issued_at=T0, now=T0
    )
    assert not decision.authorized
    assert decision.entry is None


def test_type_added_later_is_not_authorised_for_earlier_times(session: Session) -> None:
    register(session, now=T0)
    # Recorded on day 10 with a window said to start on day 0: days 0-9 stay unauthorised.
    grant(session, now=day(10), valid_from=T0)
    assert not authorised(session, day(5), now=day(20))
    assert not authorised(session, day(10) - timedelta(microseconds=1), now=day(20))
    assert authorised(session, day(10), now=day(20))


def test_suspension_before_during_after(session: Session) -> None:
    register(session, now=T0)
    grant(session, now=T0)
    registry.suspend_entity(session, did=ISSUER, actor=ADMIN, reason="audit", now=day(10))
    session.commit()
    registry.reactivate_entity(session, did=ISSUER, actor=ADMIN, reason="cleared", now=day(20))
    session.commit()
    assert authorised(session, day(5), now=day(30))
    assert not authorised(session, day(10), now=day(30))
    assert not authorised(session, day(15), now=day(30))
    assert authorised(session, day(20), now=day(30))
    assert authorised(session, day(25), now=day(30))
    # Issued before a suspension that is still in force: acceptable (not retroactive).
    registry.suspend_entity(session, did=ISSUER, actor=ADMIN, reason="again", now=day(40))
    session.commit()
    assert authorised(session, day(35), now=day(45))
    decision = query.is_authorized(
        session, issuer_id=ISSUER, credential_type=VCT, issued_at=day(15), now=day(45)
    )
    assert decision.reason == "the entity was suspended at that time"


def test_cancelled_refuses_everything_even_the_past(session: Session) -> None:
    register(session, now=T0)
    grant(session, now=T0)
    registry.cancel_entity(session, did=ISSUER, actor=ADMIN, reason="fraud", now=day(10))
    session.commit()
    assert authorised(session, day(5), now=day(9))
    assert not authorised(session, day(5), now=day(11))
    decision = query.is_authorized(
        session, issuer_id=ISSUER, credential_type=VCT, issued_at=day(5), now=day(11)
    )
    assert "cancelled" in decision.reason
    assert query.get_issuer(session, did=ISSUER)["status"] == "cancelled"


WRITES: dict[str, Callable[[Session], object]] = {
    "update": lambda s: registry.update_entity(
        s, did=ISSUER, changes=registry.EntityChanges(legal_name="Y"), actor=ADMIN, now=day(20)
    ),
    "add_type": lambda s: registry.add_type(
        s, did=ISSUER, type_value="urn:x", kind="vc_type", actor=ADMIN, now=day(20)
    ),
    "change_window": lambda s: registry.change_type_window(
        s,
        did=ISSUER,
        type_value=VCT,
        kind="vct",
        valid_from=T0,
        valid_until=None,
        actor=ADMIN,
        now=day(20),
    ),
    "remove_type": lambda s: registry.remove_type(
        s, did=ISSUER, type_value=VCT, kind="vct", actor=ADMIN, now=day(20)
    ),
    "suspend": lambda s: registry.suspend_entity(
        s, did=ISSUER, actor=ADMIN, reason="r", now=day(20)
    ),
    "reactivate": lambda s: registry.reactivate_entity(
        s, did=ISSUER, actor=ADMIN, reason="r", now=day(20)
    ),
    "cancel": lambda s: registry.cancel_entity(s, did=ISSUER, actor=ADMIN, reason="r", now=day(20)),
}


@pytest.mark.parametrize("write", list(WRITES), ids=list(WRITES))
def test_writes_after_cancel_are_refused(session: Session, write: str) -> None:
    register(session, now=T0)
    grant(session, now=T0)
    registry.cancel_entity(session, did=ISSUER, actor=ADMIN, reason="fraud", now=day(10))
    session.commit()
    events = session.scalar(select(func.count()).select_from(EntityEvent))
    with pytest.raises(EntityCancelledError):
        WRITES[write](session)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(EntityEvent)) == events
    assert query.get_issuer(session, did=ISSUER)["status"] == "cancelled"


def test_invalid_transitions(session: Session) -> None:
    register(session, now=T0)
    with pytest.raises(InvalidTransitionError):
        registry.reactivate_entity(session, did=ISSUER, actor=ADMIN, reason="r", now=day(1))
    registry.suspend_entity(session, did=ISSUER, actor=ADMIN, reason="r", now=day(1))
    with pytest.raises(InvalidTransitionError):
        registry.suspend_entity(session, did=ISSUER, actor=ADMIN, reason="r", now=day(2))


def test_writes_on_unknown_entity(session: Session) -> None:
    with pytest.raises(NotFoundError):
        registry.suspend_entity(session, did=ISSUER, actor=ADMIN, reason="r", now=T0)


def test_validity_window(session: Session) -> None:
    register(session, now=T0)
    grant(session, now=T0, valid_from=day(10), valid_until=day(20))
    assert not authorised(session, day(9))
    assert authorised(session, day(10))
    assert authorised(session, day(20) - timedelta(microseconds=1))
    assert not authorised(session, day(20))
    decision = query.is_authorized(
        session, issuer_id=ISSUER, credential_type=VCT, issued_at=day(25), now=day(25)
    )
    assert decision.reason == "that time is outside the type's validity window"


def test_empty_or_inverted_window_refused(session: Session) -> None:
    register(session, now=T0)
    with pytest.raises(InvalidEntryError):
        grant(session, now=T0, valid_from=day(10), valid_until=day(10))
    grant(session, now=T0)
    with pytest.raises(ConflictError):
        grant(session, now=T0)


def test_window_changes_and_removal_are_not_retroactive(session: Session) -> None:
    register(session, now=T0)
    grant(session, now=T0, valid_from=T0, valid_until=day(100))
    registry.change_type_window(
        session,
        did=ISSUER,
        type_value=VCT,
        kind="vct",
        valid_from=T0,
        valid_until=day(5),
        actor=ADMIN,
        reason="shortened",
        now=day(10),
    )
    session.commit()
    assert authorised(session, day(7), now=day(30))  # recorded window then was [0, 100)
    assert not authorised(session, day(12), now=day(30))  # new window [0, 5) from day 10
    registry.change_type_window(
        session,
        did=ISSUER,
        type_value=VCT,
        kind="vct",
        valid_from=T0,
        valid_until=None,
        actor=ADMIN,
        now=day(40),
    )
    registry.remove_type(session, did=ISSUER, type_value=VCT, kind="vct", actor=ADMIN, now=day(50))
    session.commit()
    assert authorised(session, day(45), now=day(60))
    assert not authorised(session, day(50), now=day(60))
    # Removed types may be granted again; the gap stays in the history.
    grant(session, now=day(70))
    assert not authorised(session, day(60), now=day(80))
    assert authorised(session, day(75), now=day(80))


def test_history_is_append_only_and_complete(session: Session) -> None:
    register(session, now=T0)
    grant(session, now=day(1))
    registry.update_entity(
        session,
        did=ISSUER,
        changes=registry.EntityChanges(contact="mailto:x@example.fr"),
        actor=ADMIN,
        reason="new contact",
        now=day(2),
    )
    registry.suspend_entity(session, did=ISSUER, actor=ADMIN, reason="s", now=day(3))
    session.commit()
    history = query.issuer_history(session, did=ISSUER)
    assert [h["event"] for h in history] == ["created", "type_added", "updated", "suspended"]
    assert [h["revision"] for h in history] == [1, 2, 3, 4]
    assert history[2]["changes"] == {"contact": "mailto:x@example.fr"}
    assert history[2]["reason"] == "new contact"
    assert history[3]["state"]["status"] == "suspended"
    then = query.get_issuer_at(session, did=ISSUER, time=day(1.5))
    assert then is not None
    assert then["types"][0]["type"] == VCT
    assert query.get_issuer_at(session, did=ISSUER, time=T0 - timedelta(days=1)) is None


def test_skewed_clock_keeps_history_ordered(session: Session) -> None:
    register(session, now=day(10))
    registry.suspend_entity(session, did=ISSUER, actor=ADMIN, reason="s", now=day(9))
    session.commit()
    history = query.issuer_history(session, did=ISSUER)
    assert history[1]["effective_at"] == history[0]["effective_at"]
    assert not authorised(session, day(10), now=day(11))


def test_other_timezones_are_normalised(session: Session) -> None:
    paris = timezone(timedelta(hours=1))
    register(session, now=datetime(2026, 1, 1, 1, 0, tzinfo=paris))
    assert query.get_issuer(session, did=ISSUER)["created_at"] == "2026-01-01T00:00:00Z"


def test_list_sequence_increases_on_every_change(session: Session) -> None:
    def sequence() -> int:
        return session.execute(select(ListState.sequence)).scalar_one()

    register(session, now=T0)
    seen = [sequence()]
    grant(session, now=day(1))
    seen.append(sequence())
    registry.suspend_entity(session, did=ISSUER, actor=ADMIN, reason="s", now=day(2))
    session.commit()
    seen.append(sequence())
    assert seen == [2, 3, 4]


def test_list_issuers_filters_and_pages(session: Session) -> None:
    for index in range(3):
        register(session, did=f"did:web:issuer{index}.example.fr", now=T0, siren=None)
    registry.add_type(
        session, did="did:web:issuer1.example.fr", type_value=VCT, kind="vct", actor=ADMIN, now=T0
    )
    registry.suspend_entity(
        session, did="did:web:issuer2.example.fr", actor=ADMIN, reason="s", now=T0
    )
    session.commit()
    assert len(query.list_issuers(session)) == 3
    assert [i["did"] for i in query.list_issuers(session, credential_type=VCT)] == [
        "did:web:issuer1.example.fr"
    ]
    assert len(query.list_issuers(session, status="suspended")) == 1
    page = query.list_issuers(session, limit=2)
    rest = query.list_issuers(session, after=page[-1]["did"])
    assert [i["did"] for i in page + rest] == sorted(
        f"did:web:issuer{i}.example.fr" for i in range(3)
    )
    with pytest.raises(InvalidEntryError):
        query.list_issuers(session, limit=0)
