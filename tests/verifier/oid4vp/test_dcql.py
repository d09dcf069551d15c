"""DCQL (OpenID4VP 1.0 §6, §7): the specification's examples, validation and matching."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import SHARED
from verifier.oid4vp.claims_path import ClaimsPathError, select
from verifier.oid4vp.dcql import DcqlError, parse_dcql_query
from verifier.oid4vp.matching import PresentedCredential, check_token_shape, match_vp_token

EXAMPLES = "vectors/openid4vc-examples/openid4vp"
EXAMPLE_FILES = [
    "query_lang/claims_alternatives.json",
    "query_lang/complex_mdoc.json",
    "query_lang/credentials_alternatives.json",
    "query_lang/multi_credentials.json",
    "query_lang/simple.json",
    "query_lang/simple_mdoc.json",
    "query_lang/value_matching_simple.json",
    "request/dcql_jwt_vc.json",
    "request/dcql_ldp_vc.json",
]


@pytest.mark.shared
@pytest.mark.parametrize("name", EXAMPLE_FILES, ids=[Path(n).stem for n in EXAMPLE_FILES])
def test_spec_example_parses_strictly(shared: Path, name: str) -> None:
    raw = json.loads((shared / EXAMPLES / name).read_text(encoding="utf-8"))
    query = parse_dcql_query(raw, strict=True)
    assert [c.id for c in query.credentials] == [c["id"] for c in raw["credentials"]]
    assert query.raw == raw


def test_examples_are_all_listed() -> None:
    if SHARED is None:
        pytest.skip("../shared is not beside this clone")
    found = sorted(
        str(p.relative_to(SHARED / EXAMPLES))
        for folder in ("query_lang", "request")
        for p in (SHARED / EXAMPLES / folder).glob("dcql*.json")
    ) + sorted(
        str(p.relative_to(SHARED / EXAMPLES))
        for p in (SHARED / EXAMPLES / "query_lang").glob("*.json")
    )
    assert sorted(found) == sorted(EXAMPLE_FILES)


SIMPLE: dict[str, Any] = {
    "credentials": [
        {
            "id": "pid",
            "format": "dc+sd-jwt",
            "meta": {"vct_values": ["https://example.com/pid"]},
            "claims": [{"path": ["given_name"]}],
        }
    ]
}


def with_credential(**changes: Any) -> dict[str, Any]:
    return {"credentials": [{**SIMPLE["credentials"][0], **changes}]}


INVALID = {
    "not-an-object": ([], "must be an object"),
    "no-credentials": ({}, "credentials: must be a non-empty array"),
    "empty-credentials": ({"credentials": []}, "non-empty array"),
    "unknown-top-level": ({**SIMPLE, "presentation_definition": {}}, "unknown member"),
    "bad-id": (with_credential(id="pid!"), "letters, digits"),
    "empty-id": (with_credential(id=""), "letters, digits"),
    "duplicate-id": ({"credentials": SIMPLE["credentials"] * 2}, "more than once"),
    "no-format": (with_credential(format=""), "format"),
    "no-meta": ({"credentials": [{"id": "a", "format": "dc+sd-jwt"}]}, "meta is required"),
    "no-vct-values": (with_credential(meta={}), "vct_values"),
    "mdoc-no-doctype": (with_credential(format="mso_mdoc", meta={}, claims=None), "doctype_value"),
    "type-values-flat": (
        with_credential(format="jwt_vc_json", meta={"type_values": ["A"]}),
        "type_values[0]",
    ),
    "multiple-not-bool": (with_credential(multiple="yes"), "boolean"),
    "binding-not-bool": (with_credential(require_cryptographic_holder_binding=1), "boolean"),
    "claims-empty": (with_credential(claims=[]), "non-empty array"),
    "path-empty": (with_credential(claims=[{"path": []}]), "non-empty array"),
    "path-negative": (with_credential(claims=[{"path": ["a", -1]}]), "non-negative"),
    "path-float": (with_credential(claims=[{"path": ["a", 1.5]}]), "non-negative"),
    "path-bool": (with_credential(claims=[{"path": [True]}]), "non-negative"),
    "path-missing": (with_credential(claims=[{"id": "x"}]), "path is required"),
    "duplicate-path": (
        with_credential(claims=[{"path": ["a"]}, {"path": ["a"]}]),
        "more than once",
    ),
    "values-empty": (with_credential(claims=[{"path": ["a"], "values": []}]), "non-empty"),
    "values-object": (
        with_credential(claims=[{"path": ["a"], "values": [{}]}]),
        "strings, integers",
    ),
    "claim-sets-without-claims": (
        {
            "credentials": [
                {
                    "id": "a",
                    "format": "dc+sd-jwt",
                    "meta": {"vct_values": ["x"]},
                    "claim_sets": [["x"]],
                }
            ]
        },
        "without claims",
    ),
    "claim-sets-unknown-id": (
        with_credential(claims=[{"id": "a", "path": ["a"]}], claim_sets=[["b"]]),
        "unknown claim id",
    ),
    "claim-sets-need-ids": (
        with_credential(claims=[{"path": ["a"]}], claim_sets=[["a"]]),
        "needs an id",
    ),
    "mdoc-path-shape": (
        with_credential(format="mso_mdoc", meta={"doctype_value": "d"}, claims=[{"path": ["a"]}]),
        "namespace",
    ),
    "sets-unknown-id": (
        {**SIMPLE, "credential_sets": [{"options": [["nope"]]}]},
        "unknown credential",
    ),
    "sets-empty-options": ({**SIMPLE, "credential_sets": [{"options": []}]}, "non-empty"),
    "sets-required-not-bool": (
        {**SIMPLE, "credential_sets": [{"options": [["pid"]], "required": "no"}]},
        "boolean",
    ),
    "authorities-empty-values": (
        with_credential(trusted_authorities=[{"type": "aki", "values": []}]),
        "non-empty",
    ),
}


@pytest.mark.parametrize(("query", "message"), INVALID.values(), ids=INVALID.keys())
def test_invalid_queries(query: Any, message: str) -> None:
    with pytest.raises(DcqlError) as caught:
        parse_dcql_query(query)
    assert caught.value.error == "invalid_request"
    assert message in caught.value.description


def test_unknown_members_are_ignored_when_not_strict() -> None:
    """§6: "Implementations MUST ignore any unknown properties" (the wallet's rule)."""
    query = parse_dcql_query({**with_credential(future=1), "future": 2}, strict=False)
    assert query.ids == ("pid",)


def test_mdoc_intent_to_retain_is_known() -> None:
    query = {
        "credentials": [
            {
                "id": "mdl",
                "format": "mso_mdoc",
                "meta": {"doctype_value": "org.iso.18013.5.1.mDL"},
                "claims": [
                    {"path": ["org.iso.18013.5.1", "age_over_18"], "intent_to_retain": False}
                ],
            }
        ]
    }
    parsed = parse_dcql_query(query)
    assert parsed.credentials[0].claims is not None
    assert parsed.credentials[0].claims[0].intent_to_retain is False


# Claims path pointers (§7.1, with the §7.4 example) ------------------------------

CREDENTIAL = {
    "name": "Arthur Dent",
    "address": {
        "street_address": "42 Market Street",
        "locality": "Milliways",
        "postal_code": "12345",
    },
    "degrees": [
        {"type": "Bachelor of Science", "university": "University of Betelgeuse"},
        {"type": "Master of Science", "university": "University of Betelgeuse"},
    ],
    "nationalities": ["British", "Betelgeusian"],
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (["name"], ["Arthur Dent"]),
        (["address", "street_address"], ["42 Market Street"]),
        (["degrees", None, "type"], ["Bachelor of Science", "Master of Science"]),
        (["nationalities", 1], ["Betelgeusian"]),
    ],
    ids=["name", "street", "all-degree-types", "second-nationality"],
)
def test_claims_path_example(path: list[Any], expected: list[Any]) -> None:
    assert select(CREDENTIAL, path) == expected


@pytest.mark.parametrize(
    "path",
    [
        ["missing"],
        ["name", "x"],
        ["address", 0],
        ["nationalities", None, "x"],
        ["nationalities", 5],
        [],
    ],
    ids=["missing-key", "key-of-string", "index-of-object", "key-of-strings", "index-out", "empty"],
)
def test_claims_path_errors(path: list[Any]) -> None:
    with pytest.raises(ClaimsPathError):
        select(CREDENTIAL, path)


@settings(max_examples=150, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=3),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner, max_size=3)
        ),
        max_leaves=10,
    ),
    st.lists(st.none() | st.integers(0, 3) | st.text(max_size=2), min_size=1, max_size=4),
)
def test_claims_path_never_crashes(credential: Any, path: list[Any]) -> None:
    try:
        selected = select({"root": credential}, ["root", *path])
    except ClaimsPathError:
        return
    assert selected


# Matching (§6.4, §8.1) ------------------------------------------------------------


def sd(vct: str = "https://example.com/pid", **claims: Any) -> PresentedCredential:
    return PresentedCredential(format="dc+sd-jwt", claims={"vct": vct, **claims}, vct=vct)


def w3c(types: tuple[str, ...], **subject: Any) -> PresentedCredential:
    return PresentedCredential(
        format="jwt_vc_json",
        claims={"type": list(types), "credentialSubject": subject},
        types=types,
    )


VALUE_QUERY = parse_dcql_query(
    with_credential(
        claims=[
            {"path": ["last_name"], "values": ["Doe"]},
            {"path": ["age"], "values": [18, 19]},
            {"path": ["adult"], "values": [True]},
        ]
    )
)


@pytest.mark.parametrize(
    ("claims", "ok"),
    [
        ({"last_name": "Doe", "age": 18, "adult": True}, True),
        ({"last_name": "Roe", "age": 18, "adult": True}, False),
        ({"last_name": "Doe", "age": "18", "adult": True}, False),
        ({"last_name": "Doe", "age": 18, "adult": 1}, False),
        ({"last_name": "Doe", "age": 19}, False),
    ],
    ids=["match", "other-value", "string-for-integer", "integer-for-boolean", "missing"],
)
def test_claim_values(claims: dict[str, Any], ok: bool) -> None:
    report = match_vp_token(VALUE_QUERY, {"pid": [sd(**claims)]})
    assert report.satisfied is ok, report.messages()


def test_claim_sets_any_option() -> None:
    query = parse_dcql_query(
        with_credential(
            claims=[
                {"id": "a", "path": ["last_name"]},
                {"id": "b", "path": ["postal_code"]},
                {"id": "c", "path": ["locality"]},
            ],
            claim_sets=[["a", "c"], ["a", "b"]],
        )
    )
    assert match_vp_token(query, {"pid": [sd(last_name="D", postal_code="1")]}).satisfied
    assert not match_vp_token(query, {"pid": [sd(postal_code="1", locality="P")]}).satisfied


def test_vct_and_format() -> None:
    query = parse_dcql_query(SIMPLE)
    assert not match_vp_token(query, {"pid": [sd(vct="https://other", given_name="x")]}).satisfied
    wrong = PresentedCredential(format="jwt_vc_json", claims={"given_name": "x"})
    assert not match_vp_token(query, {"pid": [wrong]}).satisfied
    assert not match_vp_token(query, {}).satisfied


def test_type_values_alternatives() -> None:
    query = parse_dcql_query(
        {
            "credentials": [
                {
                    "id": "vc",
                    "format": "jwt_vc_json",
                    "meta": {"type_values": [["A", "B"], ["C"]]},
                    "claims": [{"path": ["credentialSubject", "name"]}],
                }
            ]
        }
    )
    assert match_vp_token(
        query, {"vc": [w3c(("VerifiableCredential", "B", "A"), name="n")]}
    ).satisfied
    assert match_vp_token(query, {"vc": [w3c(("C",), name="n")]}).satisfied
    assert not match_vp_token(query, {"vc": [w3c(("A",), name="n")]}).satisfied
    assert not match_vp_token(query, {"vc": [w3c(("C",))]}).satisfied


ALTERNATIVES = parse_dcql_query(
    {
        "credentials": [
            {"id": name, "format": "dc+sd-jwt", "meta": {"vct_values": [name]}}
            for name in ("pid", "other_pid", "reduced_1", "reduced_2", "nice")
        ],
        "credential_sets": [
            {"options": [["pid"], ["other_pid"], ["reduced_1", "reduced_2"]]},
            {"required": False, "options": [["nice"]]},
        ],
    }
)


@pytest.mark.parametrize(
    ("answered", "ok"),
    [
        (["pid"], True),
        (["other_pid", "nice"], True),
        (["reduced_1", "reduced_2"], True),
        (["reduced_1"], False),
        (["nice"], False),
        ([], False),
    ],
    ids=["first-option", "second-plus-optional", "pair", "half-pair", "only-optional", "nothing"],
)
def test_credential_sets(answered: list[str], ok: bool) -> None:
    presented = {name: [sd(vct=name)] for name in answered}
    assert match_vp_token(ALTERNATIVES, presented).satisfied is ok


def test_credential_not_in_any_set_is_refused() -> None:
    query = parse_dcql_query(
        {
            "credentials": [
                {"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["a"]}},
                {"id": "b", "format": "dc+sd-jwt", "meta": {"vct_values": ["b"]}},
            ],
            "credential_sets": [{"options": [["a"]]}],
        }
    )
    assert match_vp_token(query, {"a": [sd(vct="a")]}).satisfied
    assert not match_vp_token(query, {"a": [sd(vct="a")], "b": [sd(vct="b")]}).satisfied


def test_without_sets_every_query_is_required() -> None:
    query = parse_dcql_query(
        {
            "credentials": [
                {"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["a"]}},
                {"id": "b", "format": "dc+sd-jwt", "meta": {"vct_values": ["b"]}},
            ]
        }
    )
    assert not match_vp_token(query, {"a": [sd(vct="a")]}).satisfied
    assert match_vp_token(query, {"a": [sd(vct="a")], "b": [sd(vct="b")]}).satisfied


def test_multiple() -> None:
    single = parse_dcql_query(SIMPLE)
    many = parse_dcql_query(with_credential(multiple=True))
    assert check_token_shape(single, {"pid": ["x", "y"]})
    assert not check_token_shape(many, {"pid": ["x", "y"]})
    assert check_token_shape(many, {"pid": []})
    two = [sd(given_name="a"), sd(given_name="b")]
    assert match_vp_token(many, {"pid": two}).satisfied
    assert not match_vp_token(many, {"pid": [*two, sd()]}).satisfied
