"""Random OpenID4VCI Token and Credential requests: a spec error, never a 500, nothing stored.

OpenID4VCI 1.0 §6.3 (Token Error Response, RFC 6749 §5.2 codes, plus RFC 9449 DPoP codes)
and §8.3.1.2 (Credential Error Response, RFC 6750 §3.1 codes at the resource) name every
code a client may see; a random body must get one of them, with an HTTP 4xx, and the
database must hold exactly the rows it held before (counted around each example).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from issuer.oid4vci.credential_offer import create_offer
from issuer.web.oid4vci import context_for
from tests.fuzz.conftest import fuzz_settings, row_counts
from tests.issuer.minting.samples import claims_for

PRE_AUTHORIZED = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
TOKEN_CODES = {
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
    "invalid_authorization_details",
    "invalid_dpop_proof",
    "use_dpop_nonce",
    "too_many_requests",
    "slow_down",
}
CREDENTIAL_CODES = {
    "invalid_credential_request",
    "unknown_credential_configuration",
    "unknown_credential_identifier",
    "invalid_proof",
    "invalid_nonce",
    "invalid_encryption_parameters",
    "credential_request_denied",
    "invalid_token",
    "insufficient_scope",
    "invalid_dpop_proof",
    "use_dpop_nonce",
    "invalid_request",
}
FUZZ = fuzz_settings(120)

text = st.text(max_size=40) | st.sampled_from(["", " ", "null", "{}", "[]", "\x00", "é" * 5])
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12,
)
token_fields = st.sampled_from(
    [
        "grant_type",
        "pre-authorized_code",
        "tx_code",
        "code",
        "code_verifier",
        "redirect_uri",
        "client_id",
        "authorization_details",
        "scope",
    ]
)
token_forms = st.lists(st.tuples(token_fields | text, text), max_size=6)
#: header values: printable (a client cannot send CR, LF or NUL), any Unicode as UTF-8
header_values = st.text(st.characters(min_codepoint=0x20, exclude_characters="\x7f"), max_size=60)
grant_types = st.sampled_from(
    [PRE_AUTHORIZED, "authorization_code", "refresh_token", "password", "", PRE_AUTHORIZED + "x"]
)


def _assert_error(response: Any, codes: set[str], *, statuses: tuple[int, ...]) -> None:
    assert response.status_code in statuses, (response.status_code, response.text)
    body = response.json()
    assert body["error"] in codes, body
    assert isinstance(body["error_description"], str)


def _create_offer(app: FastAPI, *, tx_code: bool) -> tuple[str, str | None]:
    """A live pre-authorized offer for the first configuration: (code, tx_code)."""
    ctx = context_for(app)
    catalogue = app.state.issuer.catalogue
    configuration_id = sorted(catalogue.configurations)[0]
    kind = catalogue.get(configuration_id).kind_name
    with ctx.sessions.begin() as session:
        created = create_offer(
            ctx,
            session,
            configuration_ids=[configuration_id],
            claims_by_configuration={configuration_id: claims_for(kind)},
            subject={"sub": "fuzz-subject", "siret": "91845372100014"},
            grant="pre-authorized_code",
            tx_code=tx_code,
        )
    assert created.pre_authorized_code is not None
    return created.pre_authorized_code, created.tx_code


@pytest.fixture(scope="module")
def offer(fuzz_app: FastAPI) -> dict[str, Any]:
    """A live offer with a tx_code, so that fuzzed requests can name its code."""
    code, tx_code = _create_offer(fuzz_app, tx_code=True)
    return {"code": code, "tx_code": tx_code}


@FUZZ
@given(form=token_forms, grant_type=grant_types, with_code=st.booleans())
def test_random_token_requests_get_a_token_error_and_store_nothing(
    fuzz_client: TestClient,
    fuzz_app: FastAPI,
    offer: dict[str, Any],
    form: list[tuple[str, str]],
    grant_type: str,
    with_code: bool,
) -> None:
    fields = [("grant_type", grant_type), *form]
    if with_code:  # the real code with a wrong (or absent) tx_code
        fields.append(("pre-authorized_code", offer["code"]))
        fields = [(k, v) for k, v in fields if not (k == "tx_code" and v == offer["tx_code"])]
    before = row_counts(fuzz_app)
    response = fuzz_client.post(
        "/issuer/token",
        content=urlencode(fields),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    _assert_error(response, TOKEN_CODES, statuses=(400, 401, 429))
    assert row_counts(fuzz_app) == before


@FUZZ
@given(
    body=st.binary(max_size=200),
    media_type=st.sampled_from(
        ["application/x-www-form-urlencoded", "application/json", "text/plain", ""]
    ),
    dpop=st.none() | header_values | st.just("eyJhbGciOiJub25lIn0.e30."),
)
def test_raw_token_bodies_and_dpop_headers_are_refused(
    fuzz_client: TestClient, fuzz_app: FastAPI, body: bytes, media_type: str, dpop: str | None
) -> None:
    headers: dict[str, Any] = {"Content-Type": media_type}
    if dpop is not None:
        headers["DPoP"] = dpop.encode()
    before = row_counts(fuzz_app)
    response = fuzz_client.post("/issuer/token", content=body, headers=headers)
    _assert_error(response, TOKEN_CODES, statuses=(400, 401, 429))
    assert row_counts(fuzz_app) == before


@pytest.fixture(scope="module")
def access_token(fuzz_app: FastAPI, fuzz_client: TestClient) -> str:
    """An access token from a second offer (the first one's code is being fuzzed)."""
    code, _ = _create_offer(fuzz_app, tx_code=False)
    response = fuzz_client.post(
        "/issuer/token", data={"grant_type": PRE_AUTHORIZED, "pre-authorized_code": code}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


credential_bodies = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {},
        optional={
            "credential_configuration_id": text,
            "credential_identifier": text,
            "proofs": json_values
            | st.fixed_dictionaries({"jwt": st.lists(text | json_values, max_size=3)}),
            "proof": json_values,
            "credential_response_encryption": json_values,
            "format": text,
        },
    ),
)


@FUZZ
@given(body=credential_bodies, endpoint=st.sampled_from(["credential", "deferred_credential"]))
def test_random_credential_requests_get_a_credential_error_and_store_nothing(
    fuzz_client: TestClient,
    fuzz_app: FastAPI,
    access_token: str,
    body: Any,
    endpoint: str,
) -> None:
    before = row_counts(fuzz_app)
    response = fuzz_client.post(
        f"/issuer/{endpoint}",
        content=json.dumps(body),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {access_token}"},
    )
    _assert_error(response, CREDENTIAL_CODES, statuses=(400, 401, 403))
    assert row_counts(fuzz_app) == before


@FUZZ
@given(
    authorization=header_values | st.sampled_from(["Bearer ", "DPoP x", "Bearer a.b.c", "Basic"]),
    body=st.binary(max_size=100),
)
def test_random_access_tokens_are_refused_at_the_credential_endpoint(
    fuzz_client: TestClient, fuzz_app: FastAPI, authorization: str, body: bytes
) -> None:
    before = row_counts(fuzz_app)
    response = fuzz_client.post(
        "/issuer/credential",
        content=body,
        headers={
            "Content-Type": "application/json",
            "Authorization": authorization.encode(),
        },
    )
    _assert_error(response, CREDENTIAL_CODES, statuses=(400, 401, 403))
    assert row_counts(fuzz_app) == before


def test_the_fuzzed_access_token_is_valid(fuzz_client: TestClient, access_token: str) -> None:
    """The credential fuzzing above reaches the request parser, not only the token check."""
    response = fuzz_client.post(
        "/issuer/credential", json={}, headers={"Authorization": f"Bearer {access_token}"}
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"] != "invalid_token"
