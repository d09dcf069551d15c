"""Random input at the verifier's HTTP edges: OpenID4VP responses, DCQL queries, connector
API bodies; and random DID URLs at the trust registry's query API.

Each answer is a 2xx the route defines or a 4xx ``{"error", "error_description"}`` with a
code of the spec in play (OpenID4VP 1.0 §8.5 and the connector API's own); never a 5xx. A
refused request stores nothing: the rows are counted around each example, and a refused
Authorization Response leaves its transaction answerable.
"""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.conftest import fuzz_settings, row_counts
from verifier.oid4vp.errors import Oid4vpError

OID4VP_CODES = {cls.error for cls in Oid4vpError.__subclasses__()} | {"invalid_request"}
FUZZ = fuzz_settings(100)
QUERY = {
    "credentials": [
        {
            "id": "identity",
            "format": "dc+sd-jwt",
            "meta": {"vct_values": ["https://example.org/identity"]},
            "claims": [{"path": ["family_name"]}],
        }
    ]
}

text = st.text(max_size=30) | st.sampled_from(["", "null", "{}", "[]", "~", "a.b.c", "é"])
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12,
)
#: things that look like credentials to a parser: JWS, SD-JWT, JSON-LD, garbage
compact = st.lists(st.text("ABCabc0123-_=", max_size=12), min_size=1, max_size=4).map(".".join)
credential_like = st.one_of(
    text,
    compact,
    st.tuples(compact, st.lists(text, max_size=3)).map(lambda t: "~".join([t[0], *t[1], ""])),
    st.dictionaries(
        st.sampled_from(["@context", "type", "issuer", "credentialSubject", "proof", "id"]),
        json_values,
        max_size=5,
    ),
    json_values,
)


def _assert_error(response: Any, codes: set[str] | None = None) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    body = response.json()
    assert isinstance(body["error"], str), body
    assert isinstance(body["error_description"], str), body
    if codes is not None:
        assert body["error"] in codes, body


def _claims(jwt: str) -> dict[str, Any]:
    payload = jwt.split(".")[1]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return decoded


def _open_transaction(client: TestClient, response_mode: str) -> tuple[str, str, str]:
    """A transaction whose request object was fetched: (transaction id, request id, state)."""
    created = client.post(
        "/verifier/transactions", json={"dcql_query": QUERY, "response_mode": response_mode}
    )
    assert created.status_code == 201, created.text
    body = created.json()
    request_id = urlsplit(body["request_uri"]).path.rsplit("/", 1)[-1]
    fetched = client.get(f"/verifier/request/{request_id}")
    assert fetched.status_code == 200, fetched.text
    return body["transaction_id"], request_id, str(_claims(fetched.text)["state"])


response_forms = st.fixed_dictionaries(
    {},
    optional={
        "vp_token": text
        | json_values.map(json.dumps)
        | st.dictionaries(st.just("identity"), st.lists(credential_like, max_size=2)).map(
            json.dumps
        ),
        "response": text | compact,
        "error": text,
        "error_description": text,
        "presentation_submission": json_values.map(json.dumps),
    },
)


@FUZZ
@given(form=response_forms, state=st.sampled_from(["right", "wrong", "absent"]))
def test_random_authorization_responses(
    fuzz_client: TestClient, fuzz_app: FastAPI, form: dict[str, str], state: str
) -> None:
    transaction_id, request_id, right_state = _open_transaction(fuzz_client, "direct_post")
    if state == "right":
        form = {**form, "state": right_state}
    elif state == "wrong":
        form = {**form, "state": right_state[::-1] + "x"}
    before = row_counts(fuzz_app)
    response = fuzz_client.post(f"/verifier/response/{request_id}", data=form)
    assert row_counts(fuzz_app) == before
    if response.status_code == 200:
        assert state == "right"
        return
    _assert_error(response, OID4VP_CODES)
    if state != "right":  # refused before anything was evaluated: still answerable
        status = fuzz_client.get(f"/verifier/transactions/{transaction_id}").json()
        assert status["status"] in ("pending", "fetched"), status


@FUZZ
@given(form=response_forms, state=st.booleans())
def test_random_direct_post_jwt_responses(
    fuzz_client: TestClient, fuzz_app: FastAPI, form: dict[str, str], state: bool
) -> None:
    _, request_id, right_state = _open_transaction(fuzz_client, "direct_post.jwt")
    if state:
        form = {**form, "state": right_state}
    before = row_counts(fuzz_app)
    response = fuzz_client.post(f"/verifier/response/{request_id}", data=form)
    assert row_counts(fuzz_app) == before
    if response.status_code != 200:
        _assert_error(response, OID4VP_CODES)


@FUZZ
@given(
    body=st.binary(max_size=300),
    media_type=st.sampled_from(
        ["application/json", "", "text/plain", "multipart/form-data; boundary=x"]
    ),
)
def test_raw_bodies_at_the_response_uri(
    fuzz_client: TestClient, fuzz_app: FastAPI, body: bytes, media_type: str
) -> None:
    _, request_id, _ = _open_transaction(fuzz_client, "direct_post")
    before = row_counts(fuzz_app)
    response = fuzz_client.post(
        f"/verifier/response/{request_id}", content=body, headers={"Content-Type": media_type}
    )
    _assert_error(response, OID4VP_CODES)
    assert row_counts(fuzz_app) == before


credential_queries = st.fixed_dictionaries(
    {},
    optional={
        "id": text,
        "format": st.sampled_from(["dc+sd-jwt", "jwt_vc_json", "ldp_vc", "mso_mdoc"]) | text,
        "meta": json_values
        | st.fixed_dictionaries(
            {}, optional={"vct_values": json_values, "type_values": json_values}
        ),
        "claims": json_values
        | st.lists(
            st.fixed_dictionaries(
                {"path": st.lists(text | st.integers(-2, 3) | st.none(), max_size=3)},
                optional={"id": text, "values": json_values},
            ),
            max_size=3,
        ),
        "claim_sets": json_values,
        "multiple": json_values,
        "require_cryptographic_holder_binding": json_values,
        "trusted_authorities": json_values,
    },
)
dcql_queries = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {"credentials": st.lists(credential_queries, max_size=3) | json_values},
        optional={"credential_sets": json_values},
    ),
)


@FUZZ
@given(query=dcql_queries)
def test_random_dcql_queries(fuzz_client: TestClient, fuzz_app: FastAPI, query: Any) -> None:
    before = row_counts(fuzz_app)
    response = fuzz_client.post("/verifier/transactions", json={"dcql_query": query})
    if response.status_code == 201:
        return
    _assert_error(response, {"invalid_request"})
    assert row_counts(fuzz_app) == before


options = st.fixed_dictionaries(
    {},
    optional={
        "challenge": text,
        "domain": text,
        "policy": text | st.just("company-representative"),
    },
)


@FUZZ
@given(
    kind=st.sampled_from(["credentials", "presentations"]),
    value=credential_like,
    options=options | json_values,
)
def test_random_connector_api_bodies(
    fuzz_client: TestClient, fuzz_app: FastAPI, kind: str, value: Any, options: Any
) -> None:
    member = "verifiableCredential" if kind == "credentials" else "verifiablePresentation"
    before = row_counts(fuzz_app)
    response = fuzz_client.post(
        f"/verifier/{kind}/verify", json={member: value, "options": options}
    )
    assert row_counts(fuzz_app) == before
    if response.status_code == 200:
        assert response.json()["verified"] is False
        return
    _assert_error(response)


did_urls = st.one_of(
    text,
    st.tuples(
        st.sampled_from(["did:web:", "did:key:", "did:jwk:", "did:", "did:example:", "DID:web:"]),
        st.text(max_size=40),
        st.sampled_from(["", "#key-1", "?versionId=1", "/path", "%00", "%2F..%2F"]),
    ).map("".join),
).filter(bool)  # an empty one is the list's URL


@pytest.fixture(scope="module")
def unlimited_registry(fuzz_app: FastAPI) -> None:
    from dataclasses import replace

    from trust_registry.web.rate_limit import TokenBucketLimiter

    fuzz_app.state.registry_web = replace(
        fuzz_app.state.registry_web,
        rate_limiter=TokenBucketLimiter(capacity=1_000_000, rate=1_000_000.0),
    )


@FUZZ
@given(did=did_urls, at=st.none() | text, suffix=st.sampled_from(["", "/history"]))
def test_random_did_urls_at_the_registry(
    fuzz_client: TestClient,
    fuzz_app: FastAPI,
    unlimited_registry: None,
    did: str,
    at: str | None,
    suffix: str,
) -> None:
    params = {} if at is None else {"at": at}
    before = row_counts(fuzz_app)
    response = fuzz_client.get(f"/registry/issuers/{quote(did, safe='')}{suffix}", params=params)
    assert row_counts(fuzz_app) == before
    if response.status_code != 200:
        _assert_error(response)
