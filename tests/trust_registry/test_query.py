"""TRQP v2 authorization queries and the local TrustChecker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.trust_registry.conftest import T0, day
from tests.trust_registry.helpers import ADMIN, ISSUER, REGISTRY, VCT, register
from trust_registry import query, registry
from trust_registry.errors import InvalidEntryError, NotFoundError
from trust_registry.trust_checker import TrustChecker

TRQP_RESPONSE_FIELDS = {
    "entity_id", "authority_id", "action", "resource", "authorized", "time_requested",
    "time_evaluated", "message",
}  # fmt: skip


def ask(session: Session, **overrides: object) -> dict[str, object]:
    request: dict[str, object] = {
        "entity_id": ISSUER,
        "authority_id": REGISTRY,
        "action": "issue",
        "resource": VCT,
        "time": day(10),
        "now": day(20),
        "registry_id": REGISTRY,
    }
    request.update(overrides)
    return query.authorize(session, **request)  # type: ignore[arg-type]


@pytest.fixture
def granted(session: Session) -> Session:
    register(session, now=T0)
    registry.add_type(session, did=ISSUER, type_value=VCT, kind="vct", actor=ADMIN, now=day(5))
    session.commit()
    return session


def test_authorization_response_shape(granted: Session) -> None:
    answer = ask(granted)
    assert answer.keys() >= TRQP_RESPONSE_FIELDS
    assert answer["authorized"] is True
    assert answer["entity_id"] == ISSUER
    assert answer["authority_id"] == REGISTRY
    assert answer["action"] == "issue"
    assert answer["resource"] == VCT
    assert answer["time_requested"] == "2026-01-11T00:00:00Z"
    assert answer["time_evaluated"] == "2026-01-21T00:00:00Z"
    assert answer["context"] == {"time": "2026-01-11T00:00:00Z"}


def test_authorization_at_an_earlier_time(granted: Session) -> None:
    answer = ask(granted, time=day(1))
    assert answer["authorized"] is False
    assert answer["message"] == "the type was not granted at that time"


def test_time_defaults_to_now(granted: Session) -> None:
    answer = ask(granted, time=None)
    assert answer["authorized"] is True
    assert answer["time_requested"] == answer["time_evaluated"]
    assert "context" not in answer


def test_unknown_type_is_unauthorised_not_an_error(granted: Session) -> None:
    assert ask(granted, resource="urn:unknown")["authorized"] is False


@pytest.mark.parametrize(
    "override",
    [
        {"entity_id": "did:web:unknown.example"},
        {"authority_id": "did:web:another-registry.example"},
        {"action": "verify"},
    ],
    ids=["unknown-entity", "unknown-authority", "unknown-action"],
)
def test_unknown_entity_authority_or_action_is_404(
    granted: Session, override: dict[str, object]
) -> None:
    with pytest.raises(NotFoundError) as caught:
        ask(granted, **override)
    assert caught.value.status_code == 404
    assert caught.value.error == "not_found"


def test_empty_resource_is_400(granted: Session) -> None:
    with pytest.raises(InvalidEntryError) as caught:
        ask(granted, resource="")
    assert caught.value.status_code == 400


def test_historical_answer_mentions_later_cancellation(granted: Session) -> None:
    registry.cancel_entity(granted, did=ISSUER, actor=ADMIN, reason="fraud", now=day(15))
    granted.commit()
    answer = ask(granted)
    assert answer["authorized"] is True
    assert "cancelled at 2026-01-16T00:00:00Z" in str(answer["message"])


def test_get_unknown_issuer(session: Session) -> None:
    with pytest.raises(NotFoundError):
        query.get_issuer(session, did=ISSUER)
    with pytest.raises(NotFoundError):
        query.issuer_history(session, did=ISSUER)


def test_local_trust_checker(granted: Session, sessions: sessionmaker[Session]) -> None:
    checker = query.LocalTrustChecker(sessions)
    assert isinstance(checker, TrustChecker)
    decision = checker.is_authorized(ISSUER, VCT, day(6), day(7))
    assert decision.authorized
    assert decision.entry is not None
    assert decision.entry["did"] == ISSUER
    assert not checker.is_authorized(ISSUER, VCT, day(5) - timedelta(seconds=1), day(7)).authorized
