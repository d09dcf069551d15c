"""Administrators and API tokens (RFC 6750 bearer tokens with scopes)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.trust_registry.conftest import T0, day
from tests.trust_registry.helpers import ADMIN
from trust_registry import admins, tokens
from trust_registry.errors import (
    ConflictError,
    InsufficientScopeError,
    InvalidEntryError,
    InvalidTokenError,
    NotFoundError,
)
from trust_registry.models import ApiToken

WEEK = timedelta(days=7)


def make_token(session: Session, scopes: list[str], lifetime: timedelta = WEEK) -> tuple[int, str]:
    info, secret = tokens.create_token(
        session, owner="ops@example.fr", label="deploy", scopes=scopes,
        lifetime=lifetime, actor=ADMIN, now=T0,
    )  # fmt: skip
    session.commit()
    return int(info["id"]), secret


def test_token_authenticates_with_owner_and_scopes(session: Session) -> None:
    token_id, secret = make_token(session, ["registry:read", "registry:write"])
    principal = tokens.authenticate_token(session, secret, day(1))
    assert principal.token_id == token_id
    assert principal.owner == "ops@example.fr"
    assert principal.scopes == {"registry:read", "registry:write"}
    principal.require("registry:write")


def test_scope_is_enforced(session: Session) -> None:
    _token_id, secret = make_token(session, ["registry:read"])
    principal = tokens.authenticate_token(session, secret, day(1))
    principal.require("registry:read")
    with pytest.raises(InsufficientScopeError) as caught:
        principal.require("registry:write")
    assert caught.value.status_code == 403


def test_only_the_hash_is_stored(session: Session) -> None:
    _token_id, secret = make_token(session, ["registry:read"])
    row = session.execute(select(ApiToken)).scalar_one()
    assert secret not in (row.token_hash, row.label, row.owner)
    assert len(row.token_hash) == 64
    listed = tokens.list_tokens(session)
    assert secret not in repr(listed)


def test_expired_token_refused(session: Session) -> None:
    _token_id, secret = make_token(session, ["registry:read"], lifetime=timedelta(days=1))
    tokens.authenticate_token(session, secret, day(1) - timedelta(seconds=1))
    with pytest.raises(InvalidTokenError, match="expired"):
        tokens.authenticate_token(session, secret, day(1))


def test_revoked_token_refused(session: Session) -> None:
    token_id, secret = make_token(session, ["registry:read"])
    tokens.revoke_token(session, token_id=token_id, actor=ADMIN, reason="leaked", now=day(1))
    session.commit()
    with pytest.raises(InvalidTokenError, match="revoked") as caught:
        tokens.authenticate_token(session, secret, day(2))
    assert caught.value.status_code == 401
    again = tokens.revoke_token(session, token_id=token_id, actor="other", now=day(3))
    assert again["revoked_by"] == ADMIN


@pytest.mark.parametrize(
    "secret", ["", "atr_unknown", "Bearer atr_x", "x" * 500, "atr_" + "A" * 43], ids=repr
)
def test_unknown_token_refused(session: Session, secret: str) -> None:
    make_token(session, ["registry:read"])
    with pytest.raises(InvalidTokenError):
        tokens.authenticate_token(session, secret, day(1))


def test_revoking_unknown_token(session: Session) -> None:
    with pytest.raises(NotFoundError):
        tokens.revoke_token(session, token_id=42, actor=ADMIN, now=T0)


@pytest.mark.parametrize(
    ("scopes", "lifetime"),
    [([], WEEK), (["registry:admin"], WEEK), (["registry:read"], timedelta(0))],
    ids=["no-scope", "unknown-scope", "no-lifetime"],
)
def test_invalid_token_requests(session: Session, scopes: list[str], lifetime: timedelta) -> None:
    with pytest.raises(InvalidEntryError):
        make_token(session, scopes, lifetime)


def test_secrets_are_random_and_injected(session: Session) -> None:
    _info, first = tokens.create_token(
        session, owner="a", label="a", scopes=["registry:read"], lifetime=WEEK,
        actor=ADMIN, now=T0, random_bytes=lambda n: b"\x01" * n,
    )  # fmt: skip
    assert first == "atr_" + "AQEB" * 10 + "AQE"
    _token_id, second = make_token(session, ["registry:read"])
    _token_id, third = make_token(session, ["registry:read"])
    assert second != third


def test_administrators(session: Session) -> None:
    added = admins.add_administrator(
        session, email="Alice@Example.fr", role="admin", actor="bootstrap", now=T0
    )
    admins.add_administrator(session, proconnect_sub="sub-123", role="auditor", actor=ADMIN, now=T0)
    session.commit()
    found = admins.find_administrator(session, email="alice@example.fr")
    assert found is not None
    assert found.role == "admin"
    assert found.identity == "alice@example.fr"
    by_sub = admins.find_administrator(session, proconnect_sub="sub-123")
    assert by_sub is not None
    assert by_sub.identity == "proconnect:sub-123"
    assert admins.find_administrator(session, email="bob@example.fr") is None
    admins.deactivate_administrator(session, admin_id=added["id"], actor=ADMIN, now=day(1))
    session.commit()
    assert admins.find_administrator(session, email="alice@example.fr") is None
    listed = admins.list_administrators(session)
    assert [a["active"] for a in listed] == [False, True]
    assert listed[0]["deactivated_by"] == ADMIN


@pytest.mark.parametrize(
    "fields",
    [
        {"role": "admin"},
        {"email": "alice@example.fr", "role": "root"},
        {"email": "x", "role": "admin"},
    ],
    ids=["no-identity", "bad-role", "bad-email"],
)
def test_invalid_administrators(session: Session, fields: dict[str, str]) -> None:
    with pytest.raises(InvalidEntryError):
        admins.add_administrator(session, **fields, actor=ADMIN, now=T0)


def test_duplicate_administrator(session: Session) -> None:
    admins.add_administrator(session, email="a@example.fr", role="admin", actor=ADMIN, now=T0)
    with pytest.raises(ConflictError):
        admins.add_administrator(session, email="A@example.fr", role="auditor", actor=ADMIN, now=T0)
    with pytest.raises(NotFoundError):
        admins.deactivate_administrator(session, admin_id=999, actor=ADMIN, now=T0)
