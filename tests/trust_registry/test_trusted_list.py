"""Signed trusted list (ETSI TS 119 602 LoTE in a compact JWS) and the remote checker."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from credentials import multiformats as mf
from credentials.errors import (
    CredentialError,
    ExpiredError,
    MalformedError,
    NotYetValidError,
    SignatureError,
)
from credentials.jose import sign_compact
from credentials.keys import SoftwareSigner, generate_private_key
from tests.trust_registry.conftest import T0, day
from tests.trust_registry.helpers import ADMIN, ISSUER, OTHER, REGISTRY, VCT, register
from trust_registry import query, registry
from trust_registry.lote import STATUS_URIS, service_type_identifier
from trust_registry.trusted_list import TYP, sign_trusted_list, verify_trusted_list

SIGNER = SoftwareSigner(generate_private_key("P-256"), kid=f"{REGISTRY}#list-1")
ANCHOR = SIGNER.public_key()
GRACE = timedelta(hours=1)


def publish(session: Session, now: datetime) -> str:
    return sign_trusted_list(session, signer=SIGNER, registry_did=REGISTRY, now=now)


def payload(token: str) -> dict[str, Any]:
    value = json.loads(mf.b64url_decode(token.split(".")[1]))
    assert isinstance(value, dict)
    return value


def scenario(session: Session, until: float = 100) -> None:
    """Two issuers through every kind of change, over ``until`` days (at most 100)."""
    register(session, now=T0)
    register(session, did=OTHER, now=day(3), siren=None)
    steps: list[Callable[[], object]] = [
        lambda: registry.add_type(
            session, did=ISSUER, type_value=VCT, kind="vct", valid_from=T0,
            valid_until=day(60), actor=ADMIN, now=day(5),
        ),
        lambda: registry.add_type(
            session, did=ISSUER, type_value="LegalPerson", kind="gaiax_type",
            actor=ADMIN, now=day(8),
        ),
        lambda: registry.add_type(
            session, did=OTHER, type_value=VCT, kind="vct", valid_from=day(12),
            actor=ADMIN, now=day(6),
        ),
        lambda: registry.suspend_entity(session, did=ISSUER, actor=ADMIN, reason="s", now=day(20)),
        lambda: registry.reactivate_entity(
            session, did=ISSUER, actor=ADMIN, reason="r", now=day(30)
        ),
        lambda: registry.change_type_window(
            session, did=ISSUER, type_value=VCT, kind="vct", valid_from=T0,
            valid_until=day(45), actor=ADMIN, now=day(40),
        ),
        lambda: registry.remove_type(
            session, did=ISSUER, type_value="LegalPerson", kind="gaiax_type",
            actor=ADMIN, now=day(50),
        ),
        lambda: registry.cancel_entity(session, did=OTHER, actor=ADMIN, reason="c", now=day(70)),
    ]  # fmt: skip
    times = [5, 8, 6, 20, 30, 40, 50, 70]
    for step, when in zip(steps, times, strict=True):
        if when <= until:
            step()
            session.commit()


def test_signed_list_verifies_and_has_the_lote_shape(session: Session) -> None:
    scenario(session)
    token = publish(session, day(80))
    header = json.loads(mf.b64url_decode(token.split(".")[0]))
    assert header == {"alg": "ES256", "typ": TYP, "kid": SIGNER.kid}
    claims = payload(token)
    assert claims["iss"] == REGISTRY
    info = claims["LoTE"]["ListAndSchemeInformation"]
    assert info["LoTEVersionIdentifier"] == 1
    assert info["SchemeTerritory"] == "FR"
    assert info["ListIssueDateTime"] == "2026-03-22T00:00:00Z"
    assert info["NextUpdate"] == "2026-03-23T00:00:00Z"
    assert info["HistoricalInformationPeriod"] == 65535
    entities = claims["LoTE"]["TrustedEntitiesList"]
    first = entities[0]
    assert first["TrustedEntityInformation"]["TETradeName"][0]["value"] == "NTRFR-130025265"
    services = {
        s["ServiceInformation"]["ServiceTypeIdentifier"]: s for s in first["TrustedEntityServices"]
    }
    vct = services[service_type_identifier("vct", VCT)]["ServiceInformation"]
    assert vct["ServiceStatus"] == STATUS_URIS["granted"]
    assert vct["ServiceDigitalIdentity"]["OtherIds"][0] == ISSUER
    gaiax = services[service_type_identifier("gaiax_type", "LegalPerson")]
    assert gaiax["ServiceInformation"]["ServiceStatus"] == STATUS_URIS["withdrawn"]
    assert [h["ServiceStatus"] for h in gaiax["ServiceHistory"]] == [
        STATUS_URIS["granted"],
        STATUS_URIS["suspended"],
        STATUS_URIS["granted"],
    ]
    checker = verify_trusted_list(token, ANCHOR, day(80), GRACE)
    assert checker.sequence_number == info["LoTESequenceNumber"]
    assert checker.issuer == REGISTRY


def test_sequence_number_increases_on_every_change(session: Session) -> None:
    seen = [payload(publish(session, T0))["LoTE"]["ListAndSchemeInformation"]]
    register(session, now=T0)
    seen.append(payload(publish(session, T0))["LoTE"]["ListAndSchemeInformation"])
    registry.add_type(session, did=ISSUER, type_value=VCT, kind="vct", actor=ADMIN, now=day(1))
    session.commit()
    seen.append(payload(publish(session, day(1)))["LoTE"]["ListAndSchemeInformation"])
    seen.append(payload(publish(session, day(2)))["LoTE"]["ListAndSchemeInformation"])
    assert [s["LoTESequenceNumber"] for s in seen] == [1, 2, 3, 3]


def test_modified_list_fails(session: Session) -> None:
    register(session, now=T0)
    token = publish(session, T0)
    header, _body, signature = token.split(".")
    claims = payload(token)
    claims["LoTE"]["TrustedEntitiesList"][0]["TrustedEntityInformation"]["TEName"][0]["value"] = "X"
    forged_body = mf.b64url_encode(json.dumps(claims).encode())
    with pytest.raises(SignatureError):
        verify_trusted_list(f"{header}.{forged_body}.{signature}", ANCHOR, T0, GRACE)


def test_list_signed_by_another_key_fails(session: Session) -> None:
    register(session, now=T0)
    other = SoftwareSigner(generate_private_key("P-256"), kid=SIGNER.kid)
    token = sign_trusted_list(session, signer=other, registry_did=REGISTRY, now=T0)
    with pytest.raises(SignatureError):
        verify_trusted_list(token, ANCHOR, T0, GRACE)


def test_wrong_typ_fails(session: Session) -> None:
    token = sign_compact({"typ": "statuslist+jwt"}, payload(publish(session, T0)), SIGNER)
    with pytest.raises(MalformedError):
        verify_trusted_list(token, ANCHOR, T0, GRACE)


def test_expired_list_is_refused(session: Session) -> None:
    register(session, now=T0)
    token = publish(session, T0)  # NextUpdate = T0 + 24 h
    verify_trusted_list(token, ANCHOR, day(1) + GRACE, GRACE)
    with pytest.raises(ExpiredError):
        verify_trusted_list(token, ANCHOR, day(1) + GRACE + timedelta(seconds=1), GRACE)
    checker = verify_trusted_list(token, ANCHOR, day(1), GRACE)
    late = checker.is_authorized(ISSUER, VCT, T0, day(2))
    assert not late.authorized
    assert "NextUpdate" in late.reason


def test_list_from_the_future_is_refused(session: Session) -> None:
    token = publish(session, day(1))
    with pytest.raises(NotYetValidError):
        verify_trusted_list(token, ANCHOR, T0, GRACE)


def test_remote_checker_agrees_with_the_local_registry(session: Session) -> None:
    scenario(session)
    now = day(80)
    remote = verify_trusted_list(publish(session, now), ANCHOR, now, GRACE)
    moments = [T0 - timedelta(days=1)] + [day(n / 2) for n in range(0, 200)]
    moments += [day(n) - timedelta(microseconds=1) for n in (5, 12, 20, 30, 40, 45, 50, 60)]
    compared = 0
    for issuer in (ISSUER, OTHER, "did:web:unknown.example"):
        for credential_type in (VCT, "LegalPerson", "urn:never"):
            for moment in moments:
                local = query.is_authorized(
                    session, issuer_id=issuer, credential_type=credential_type,
                    issued_at=moment, now=now,
                )  # fmt: skip
                far = remote.is_authorized(issuer, credential_type, moment, now)
                assert far.authorized == local.authorized, (issuer, credential_type, moment)
                compared += 1
    assert compared > 1000
    # The scenario exercises both answers.
    assert remote.is_authorized(ISSUER, VCT, day(10), now).authorized
    assert not remote.is_authorized(ISSUER, VCT, day(25), now).authorized
    assert not remote.is_authorized(OTHER, VCT, day(15), now).authorized  # cancelled now


def test_remote_checker_agrees_before_cancellation(session: Session) -> None:
    scenario(session, until=65)
    now = day(65)
    remote = verify_trusted_list(publish(session, now), ANCHOR, now, GRACE)
    for moment in [day(n) for n in range(0, 70, 3)]:
        local = query.is_authorized(
            session, issuer_id=OTHER, credential_type=VCT, issued_at=moment, now=now
        )
        assert remote.is_authorized(OTHER, VCT, moment, now).authorized == local.authorized
    assert remote.is_authorized(OTHER, VCT, day(15), now).authorized


@pytest.fixture(scope="module")
def sample_token() -> str:
    from sqlalchemy import create_engine

    from trust_registry.models import metadata

    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with Session(engine) as sqlite_session:
        scenario(sqlite_session)
        token = publish(sqlite_session, day(80))
    engine.dispose()
    return token


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_random_tampering_is_refused(sample_token: str, data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(sample_token) - 1), label="position")
    action = data.draw(st.sampled_from(["replace", "delete", "insert", "truncate"]))
    char = data.draw(st.sampled_from("AZaz09-_.=+/ \x00é"), label="char")
    if action == "replace":
        if sample_token[position] == char:
            return
        tampered = sample_token[:position] + char + sample_token[position + 1 :]
    elif action == "delete":
        tampered = sample_token[:position] + sample_token[position + 1 :]
    elif action == "insert":
        tampered = sample_token[:position] + char + sample_token[position:]
    else:
        tampered = sample_token[:position]
    try:
        verify_trusted_list(tampered, ANCHOR, day(80), GRACE)
    except CredentialError:
        return
    # Base64url has slack bits in the last character of each part: a change there can
    # decode to the same bytes. Then the list is the signed one, byte for byte.
    assert [mf.b64url_decode(p) for p in tampered.split(".")] == [
        mf.b64url_decode(p) for p in sample_token.split(".")
    ]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_signed_but_malformed_lists_are_refused_cleanly(
    sample_token: str, data: st.DataObject
) -> None:
    """Even with a valid signature, a broken document raises only MalformedError-like errors."""
    claims = payload(sample_token)
    paths: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, child in node.items():
                paths.append((node, key))
                walk(child)
        elif isinstance(node, list):
            for index, child in enumerate(node):
                paths.append((node, index))
                walk(child)

    walk(claims)
    container, key = data.draw(st.sampled_from(paths), label="path")
    if data.draw(st.booleans(), label="delete") and isinstance(container, dict):
        del container[key]
    else:
        container[key] = data.draw(JSON_VALUES, label="value")
    token = sign_compact({"typ": TYP}, claims, SIGNER)
    try:
        checker = verify_trusted_list(token, ANCHOR, day(80), GRACE)
    except CredentialError:
        return
    checker.is_authorized(ISSUER, VCT, day(10), day(80))
