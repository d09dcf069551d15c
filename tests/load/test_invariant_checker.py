"""The invariant checker detects each broken invariant, on crafted datasets.

The tables are created without their constraints (a damaged copy, or another engine's
bug): what the database would refuse is exactly what the checker must still see.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from attestia.invariants import ClientObservations, check_invariants

SCHEMA = (
    "CREATE TABLE issuer_status_lists (id TEXT, size INTEGER)",
    "CREATE TABLE issuer_status_allocations (list_id TEXT, idx INTEGER)",
    "CREATE TABLE issuer_credentials (id TEXT, status_list_id TEXT, status_index INTEGER, "
    "digest_sha256 TEXT)",
    "CREATE TABLE issuer_oid4vci_offer (id TEXT, grant_type TEXT, redeemed_at REAL)",
    "CREATE TABLE issuer_oid4vci_access_token (token_hash TEXT, offer_id TEXT)",
    "CREATE TABLE issuer_oid4vci_c_nonce (nonce_hash TEXT, used_at REAL)",
)
#: SHA-256 (hex) of two credentials.
DIGEST_A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
DIGEST_B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
HEALTHY = (
    "INSERT INTO issuer_status_lists VALUES ('L', 131072)",
    "INSERT INTO issuer_status_allocations VALUES ('L', 7), ('L', 99), ('L', 5)",
    "INSERT INTO issuer_credentials VALUES "
    "('c1', 'L', 7, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'), "
    "('c2', 'L', 99, 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb')",
    "INSERT INTO issuer_oid4vci_offer VALUES ('o1', 'pre-authorized_code', 1.0), "
    "('o2', 'pre-authorized_code', 2.0)",
    "INSERT INTO issuer_oid4vci_access_token VALUES ('t1', 'o1'), ('t2', 'o2')",
    "INSERT INTO issuer_oid4vci_c_nonce VALUES ('n1', 1.0), ('n2', 2.0), ('n3', NULL)",
)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    made = create_engine(f"sqlite:///{tmp_path / 'crafted.db'}")
    with made.begin() as connection:
        for statement in SCHEMA + HEALTHY:
            connection.execute(text(statement))
    yield made
    made.dispose()


def _apply(engine: Engine, *statements: str) -> None:
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def _observed(**changes: object) -> ClientObservations:
    observed = ClientObservations(
        returned_digests=[DIGEST_A, DIGEST_B],
        token_successes=Counter({"code1": 1, "code2": 1}),
        credential_successes=Counter({"nonce1": 1, "nonce2": 1}),
        response_acceptances=Counter({"tx1": 1}),
    )
    for name, value in changes.items():
        setattr(observed, name, value)
    return observed


def test_a_healthy_dataset_passes(engine: Engine) -> None:
    report = check_invariants(engine, _observed())
    assert report.ok, report.summary()
    assert report.facts["burned_indices"] == 1  # ('L', 5): allocated, never handed out
    assert report.facts["credentials_returned"] == 2


@pytest.mark.parametrize(
    ("statements", "code"),
    [
        pytest.param(
            ["INSERT INTO issuer_status_allocations VALUES ('L', 7)"],
            "status_index_reused",
            id="allocation-duplicated",
        ),
        pytest.param(
            [
                "INSERT INTO issuer_status_allocations VALUES ('L', 8)",
                "UPDATE issuer_credentials SET status_index = 7 WHERE id = 'c2'",
            ],
            "status_index_reused",
            id="two-credentials-one-index",
        ),
        pytest.param(
            ["INSERT INTO issuer_status_allocations VALUES ('L', 131072)"],
            "status_index_out_of_range",
            id="index-beyond-list",
        ),
        pytest.param(
            ["INSERT INTO issuer_status_allocations VALUES ('nowhere', 1)"],
            "status_index_out_of_range",
            id="allocation-in-unknown-list",
        ),
        pytest.param(
            ["INSERT INTO issuer_credentials VALUES ('c3', 'L', 12, 'c3')"],
            "credential_without_allocation",
            id="index-never-allocated",
        ),
        pytest.param(
            ["INSERT INTO issuer_oid4vci_access_token VALUES ('t3', 'o1')"],
            "pre_authorized_code_redeemed_twice",
            id="two-tokens-one-code",
        ),
        pytest.param(
            ["DELETE FROM issuer_credentials WHERE id = 'c2'"],
            "credential_missing_from_register",
            id="returned-credential-not-registered",
        ),
    ],
)
def test_a_broken_database_is_detected(engine: Engine, statements: list[str], code: str) -> None:
    _apply(engine, *statements)
    report = check_invariants(engine, _observed())
    assert code in report.codes(), report.summary()
    assert not report.ok


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        pytest.param(
            {"token_successes": Counter({"code1": 2})},
            "pre_authorized_code_redeemed_twice",
            id="client-got-two-tokens",
        ),
        pytest.param(
            {"token_successes": Counter({"a": 1, "b": 1, "c": 1})},
            "pre_authorized_code_redeemed_twice",
            id="more-tokens-than-redeemed-offers",
        ),
        pytest.param(
            {"credential_successes": Counter({"nonce1": 2})},
            "nonce_redeemed_twice",
            id="client-used-a-nonce-twice",
        ),
        pytest.param(
            {"credential_successes": Counter({"a": 1, "b": 1, "c": 1})},
            "nonce_redeemed_twice",
            id="more-credentials-than-used-nonces",
        ),
        pytest.param(
            {"returned_digests": [DIGEST_A, hashlib.sha256(b"forged").hexdigest()]},
            "credential_missing_from_register",
            id="unknown-credential-returned",
        ),
        pytest.param(
            {"response_acceptances": Counter({"tx1": 2})},
            "transaction_answered_twice",
            id="vp-response-accepted-twice",
        ),
        pytest.param(
            {"server_errors": Counter({"credential 500": 1})},
            "server_error",
            id="a-5xx",
        ),
    ],
)
def test_what_clients_saw_is_cross_checked(
    engine: Engine, changes: dict[str, object], code: str
) -> None:
    report = check_invariants(engine, _observed(**changes))
    assert report.codes() == {code}, report.summary()


def test_observations_merge() -> None:
    one, two = _observed(), _observed()
    one.merge(two)
    assert one.token_successes["code1"] == 2
    assert len(one.returned_digests) == 4
