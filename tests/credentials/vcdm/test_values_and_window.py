"""dateTimeStamp parsing, data: URLs, helpers, the validity window, and fuzzing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credentials.errors import DataModelError
from credentials.vcdm import (
    CREDENTIALS_V1_CONTEXT,
    CREDENTIALS_V2_CONTEXT,
    DateTimeError,
    Problem,
    check_validity_window,
    format_date_time,
    holder_id,
    is_url,
    issuer_id,
    parse_data_url,
    parse_date_time_stamp,
    subject_ids,
    types,
    validate,
    validate_credential,
    validate_presentation,
    validity_window,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-01-01T00:00:00Z", datetime(2025, 1, 1, tzinfo=UTC)),
        ("2025-01-01T01:30:00+01:30", datetime(2025, 1, 1, tzinfo=UTC)),
        ("2024-12-31T19:00:00-05:00", datetime(2025, 1, 1, tzinfo=UTC)),
        ("2025-01-01T00:00:00.123456789Z", datetime(2025, 1, 1, 0, 0, 0, 123456, tzinfo=UTC)),
        ("2024-12-31T24:00:00Z", datetime(2025, 1, 1, tzinfo=UTC)),
        ("2024-02-29T12:00:00+14:00", datetime(2024, 2, 28, 22, tzinfo=UTC)),
    ],
    ids=lambda v: str(v),
)
def test_date_time_stamp(text: str, expected: datetime) -> None:
    assert parse_date_time_stamp(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2025-01-01T00:00:00",  # no offset: a dateTime, not a dateTimeStamp
        "2025-01-01",
        "2025-01-01 00:00:00Z",
        "2025-13-01T00:00:00Z",
        "2023-02-29T00:00:00Z",
        "2025-01-01T00:00:60Z",
        "2025-01-01T00:00:00+15:00",
        "2025-01-01T00:00:00z",
        "0000-01-01T00:00:00Z",
        "12025-01-01T00:00:00Z",
        "-0044-03-15T12:00:00Z",
        "２０２５-01-01T00:00:00Z",
        "",
    ],
)
def test_not_a_date_time_stamp(text: str) -> None:
    with pytest.raises(DateTimeError):
        parse_date_time_stamp(text)


def test_date_time_stamp_type_and_format() -> None:
    with pytest.raises(DateTimeError):
        parse_date_time_stamp(1735689600)
    assert format_date_time(datetime(2025, 1, 1, 1, tzinfo=UTC)) == "2025-01-01T01:00:00Z"
    with pytest.raises(ValueError, match="aware"):
        format_date_time(datetime(2025, 1, 1))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://ex.org/a", True),
        ("did:web:ex.org", True),
        ("urn:uuid:1234", True),
        ("data:application/vc+jwt,a.b.c", True),
        ("ex.org/a", False),
        ("https://ex.org/a b", False),
        ("https:", False),
        ("", False),
        (None, False),
    ],
)
def test_is_url(value: object, expected: bool) -> None:
    assert is_url(value) is expected


def test_data_url() -> None:
    assert parse_data_url("data:application/vc+jwt,a.b.c") == ("application/vc+jwt", "a.b.c")
    assert parse_data_url("DATA:Application/VC+JWT;base64,YS5iLmM=") == (
        "application/vc+jwt",
        "a.b.c",
    )
    assert parse_data_url("data:,a%2Eb") == ("text/plain", "a.b")
    for bad in ("https://ex.org", "data:application/vc+jwt", "data:x;base64,%%%", 3):
        with pytest.raises(ValueError):
            parse_data_url(bad)


def test_helpers() -> None:
    doc: dict[str, Any] = {
        "issuer": {"id": "did:web:i.example"},
        "holder": "did:key:z6Mk",
        "type": ["VerifiableCredential", 3, "X"],
        "credentialSubject": [{"id": "did:key:a"}, {"name": "b"}, "c"],
    }
    assert issuer_id(doc) == "did:web:i.example"
    assert holder_id(doc) == "did:key:z6Mk"
    assert types(doc) == ["VerifiableCredential", "X"]
    assert subject_ids(doc) == ["did:key:a"]
    assert issuer_id({"issuer": 4}) is None
    assert subject_ids({}) == []


NOW = datetime(2025, 6, 1, tzinfo=UTC)
WINDOW = {
    "@context": [CREDENTIALS_V2_CONTEXT],
    "validFrom": "2025-01-01T00:00:00Z",
    "validUntil": "2026-01-01T00:00:00Z",
}


def test_validity_window() -> None:
    assert validity_window(WINDOW) == (
        datetime(2025, 1, 1, tzinfo=UTC),
        datetime(2026, 1, 1, tzinfo=UTC),
    )
    assert validity_window({}) == (None, None)
    v1 = {"@context": [CREDENTIALS_V1_CONTEXT], "issuanceDate": "2025-01-01T00:00:00Z"}
    assert validity_window(v1) == (datetime(2025, 1, 1, tzinfo=UTC), None)
    with pytest.raises(DataModelError):
        validity_window({"validFrom": "soon"})


def test_within_window() -> None:
    assert check_validity_window(WINDOW, now=NOW) == []
    assert check_validity_window(WINDOW, now=NOW.timestamp()) == []
    assert check_validity_window({}, now=NOW) == []


def test_expired() -> None:
    later = datetime(2026, 1, 1, 0, 5, tzinfo=UTC)
    assert check_validity_window(WINDOW, now=later) == [
        Problem("/validUntil", "expired at 2026-01-01T00:00:00+00:00", "expired")
    ]
    assert (
        check_validity_window(WINDOW, now=later - timedelta(minutes=1), leeway=timedelta(minutes=5))
        == []
    )


def test_not_yet_valid() -> None:
    early = datetime(2024, 12, 31, 23, 59, 30, tzinfo=UTC)
    assert check_validity_window(WINDOW, now=early) == []  # within the default 60 s
    problems = check_validity_window(WINDOW, now=early, leeway=0)
    assert [(p.path, p.code) for p in problems] == [("/validFrom", "not_yet_valid")]


def test_leeway_is_bounded() -> None:
    day_late = datetime(2026, 1, 2, tzinfo=UTC)
    assert [p.code for p in check_validity_window(WINDOW, now=day_late, leeway=86400)] == [
        "expired"
    ]
    assert [p.code for p in check_validity_window(WINDOW, now=day_late, leeway=-5)] == ["expired"]


def test_v1_expiration_date() -> None:
    v1 = {
        "@context": [CREDENTIALS_V1_CONTEXT],
        "issuanceDate": "2025-01-01T00:00:00Z",
        "expirationDate": "2025-02-01T00:00:00Z",
    }
    assert [(p.path, p.code) for p in check_validity_window(v1, now=NOW)] == [
        ("/expirationDate", "expired")
    ]


def test_unparseable_window_is_reported() -> None:
    assert [p.code for p in check_validity_window({"validUntil": 5}, now=NOW)] == ["datetime"]


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="aware"):
        check_validity_window(WINDOW, now=datetime(2025, 1, 1))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "@context",
                    "type",
                    "id",
                    "issuer",
                    "holder",
                    "credentialSubject",
                    "validFrom",
                    "validUntil",
                    "issuanceDate",
                    "expirationDate",
                    "credentialStatus",
                    "credentialSchema",
                    "evidence",
                    "termsOfUse",
                    "refreshService",
                    "relatedResource",
                    "verifiableCredential",
                    "name",
                    "description",
                    "x",
                ]
            )
            | st.text(max_size=8),
            children,
            max_size=6,
        )
    ),
    max_leaves=25,
)
contexts = st.sampled_from([CREDENTIALS_V2_CONTEXT, CREDENTIALS_V1_CONTEXT, "https://x.example"])


@settings(max_examples=200, deadline=None)
@given(json_values, contexts)
def test_random_json_never_raises(value: object, context: str) -> None:
    if isinstance(value, dict):
        value = {"@context": [context], **value}
    for problems in (validate_credential(value), validate_presentation(value), validate(value)):
        assert all(isinstance(p, Problem) for p in problems)
    if isinstance(value, dict):
        for problem in check_validity_window(value, now=NOW):
            assert problem.code in {"expired", "not_yet_valid", "datetime"}
        issuer_id(value), holder_id(value), types(value), subject_ids(value)
