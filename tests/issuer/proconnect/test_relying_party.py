"""The relying party against a respx-mocked ProConnect with real-shaped responses."""

from __future__ import annotations

import base64
import hashlib
import json

import httpx
import pytest
import respx
from joserfc import jwt
from joserfc.jwk import ECKey

from credentials.keys import SoftwareSigner, generate_private_key, public_key_from_jwk
from issuer.proconnect import CERTIFICATION_DIRIGEANT_ACR, CallbackParams, RelyingParty
from issuer.proconnect.client import AuthorizationRequest, LoginResult
from issuer.proconnect.client_auth import CLIENT_ASSERTION_TYPE
from issuer.proconnect.errors import (
    CertificationMissingError,
    InvalidIdTokenError,
    InvalidStateError,
    InvalidUserinfoError,
    ProviderDeniedError,
    ProviderUnavailableError,
    TokenRequestFailedError,
)
from tests.issuer.proconnect.conftest import (
    CLIENT_ID,
    ISSUER,
    REDIRECT_URI,
    SUB,
    FakeProConnect,
    form_of,
    make_rp,
)

pytestmark = pytest.mark.anyio


async def _login(
    rp: RelyingParty, fake: FakeProConnect, *, certification: bool = False
) -> tuple[AuthorizationRequest, LoginResult]:
    auth = await rp.start_login(certification=certification, next_path="/")
    fake.nonce = fake.nonce or auth.pending.nonce
    params = CallbackParams(state=auth.pending.state, code="Yq3c1bDpG0s8lm2A")
    return auth, await rp.finish_login(params, auth.pending)


async def test_authorization_request(mock: respx.MockRouter) -> None:
    auth = await make_rp().start_login(certification=False, next_path="/x")
    url = httpx.URL(auth.url)
    assert str(url).startswith(f"{ISSUER}/authorize?")
    params = url.params
    assert params["response_type"] == "code"
    assert params["client_id"] == CLIENT_ID
    assert params["redirect_uri"] == REDIRECT_URI
    assert params["scope"].split()[0] == "openid"
    assert len(params["state"]) >= 32
    assert len(params["nonce"]) >= 32
    assert params["state"] != params["nonce"]
    assert params["code_challenge_method"] == "S256"
    digest = hashlib.sha256(auth.pending.code_verifier.encode()).digest()
    assert params["code_challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert json.loads(params["claims"]) == {"id_token": {"acr": None, "amr": None}}


async def test_certification_request_marks_acr_essential(mock: respx.MockRouter) -> None:
    auth = await make_rp().start_login(certification=True, next_path="/")
    claims = json.loads(httpx.URL(auth.url).params["claims"])
    assert claims["id_token"]["acr"] == {"essential": True, "value": CERTIFICATION_DIRIGEANT_ACR}


@pytest.mark.parametrize("alg", ["ES256", "RS256"])
async def test_login_with_signed_userinfo(
    mock: respx.MockRouter, fake: FakeProConnect, alg: str
) -> None:
    fake.alg = alg
    _, result = await _login(make_rp(), fake)
    identity = result.identity
    assert identity.sub == SUB
    assert identity.acr == "eidas1"
    assert identity.amr == ("pwd",)
    assert identity.siret == "34329377500037"
    assert identity.given_name == "Angela Claire Louise"
    assert identity.is_public_agent
    assert not identity.certified_executive
    form = form_of(fake.token_requests[0])
    assert form["grant_type"] == "authorization_code"
    assert form["client_id"] == CLIENT_ID
    assert form["client_secret"] == "s3cr3t-from-the-proconnect-partner-space"
    assert form["redirect_uri"] == REDIRECT_URI
    assert len(form["code_verifier"]) >= 43


async def test_client_secret_basic(mock: respx.MockRouter, fake: FakeProConnect) -> None:
    await _login(make_rp(auth_method="client_secret_basic"), fake)
    request = fake.token_requests[0]
    assert request.headers["authorization"].startswith("Basic ")
    assert "client_secret" not in form_of(request)


async def test_private_key_jwt(mock: respx.MockRouter, fake: FakeProConnect) -> None:
    signer = SoftwareSigner(generate_private_key("P-256"), "did:web:attestia.example#k1")
    rp = make_rp(auth_method="private_key_jwt", client_secret=None, client_assertion_signer=signer)
    await _login(rp, fake)
    form = form_of(fake.token_requests[0])
    assert "client_secret" not in form
    assert form["client_assertion_type"] == CLIENT_ASSERTION_TYPE
    key = ECKey.import_key(signer.public_jwk())
    token = jwt.decode(form["client_assertion"], key, algorithms=["ES256"])
    assert token.header["kid"] == "k1"
    assert token.claims["iss"] == token.claims["sub"] == CLIENT_ID
    assert token.claims["aud"] == f"{ISSUER}/token"
    assert token.claims["exp"] - token.claims["iat"] <= 60
    assert public_key_from_jwk(signer.public_jwk())


async def test_discovery_and_jwks_are_cached(mock: respx.MockRouter, fake: FakeProConnect) -> None:
    rp = make_rp()
    await _login(rp, fake)
    fake.nonce = None
    await _login(rp, fake)
    assert mock["discovery"].call_count == 1
    assert mock["jwks"].call_count == 1


async def test_unknown_kid_refetches_jwks_once(
    mock: respx.MockRouter, fake: FakeProConnect
) -> None:
    rp = make_rp()
    fake.published = ["rs-1"]
    await rp.provider.key("rs-1", "RS256")
    fake.published = ["es-1", "rs-1"]  # rotation: the new key appears
    await _login(rp, fake)
    assert mock["jwks"].call_count == 2


async def test_key_absent_after_refetch_is_refused(
    mock: respx.MockRouter, fake: FakeProConnect
) -> None:
    fake.published = ["rs-1"]
    with pytest.raises(InvalidIdTokenError, match="kid"):
        await _login(make_rp(), fake)
    assert mock["jwks"].call_count == 2


async def test_certification_required_and_present(
    mock: respx.MockRouter, fake: FakeProConnect
) -> None:
    fake.id_token_overrides = {"acr": CERTIFICATION_DIRIGEANT_ACR}
    _, result = await _login(make_rp(), fake, certification=True)
    assert result.identity.certified_executive
    assert result.identity.certification_requested


@pytest.mark.parametrize("acr", [None, "eidas1", "eidas3"], ids=["absent", "eidas1", "eidas3"])
async def test_certification_required_and_missing(
    mock: respx.MockRouter, fake: FakeProConnect, acr: str | None
) -> None:
    fake.id_token_overrides = {"acr": acr}
    fake.userinfo_overrides = {"roles": ["dirigeant"]}  # userinfo cannot stand in for acr
    with pytest.raises(CertificationMissingError):
        await _login(make_rp(), fake, certification=True)


async def test_userinfo_json_when_configured(mock: respx.MockRouter, fake: FakeProConnect) -> None:
    fake.userinfo_json = True
    _, result = await _login(make_rp(userinfo_format="json"), fake)
    assert result.identity.siret == "34329377500037"


async def test_userinfo_json_refused_when_jwt_expected(
    mock: respx.MockRouter, fake: FakeProConnect
) -> None:
    fake.userinfo_json = True
    with pytest.raises(InvalidUserinfoError, match="signed JWT"):
        await _login(make_rp(), fake)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"iss": "https://auth.agentconnect.gouv.fr/api/v2"}, "iss"),
        ({"aud": "another-client"}, "aud"),
        ({"sub": "someone-else"}, "sub"),
        ({"exp": 1}, "expired"),
    ],
    ids=["iss", "aud", "sub", "exp"],
)
async def test_userinfo_claims_checked(
    mock: respx.MockRouter, fake: FakeProConnect, overrides: dict[str, object], message: str
) -> None:
    fake.userinfo_overrides = overrides
    with pytest.raises(InvalidUserinfoError, match=message):
        await _login(make_rp(), fake)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"iss": "https://evil.example/api/v2"}, "iss"),
        ({"aud": "another-client"}, "aud"),
        ({"aud": [CLIENT_ID, "another-client"]}, "aud"),
        ({"exp": 1000}, "expired"),
        ({"iat": 4_000_000_000}, "future"),
        ({"iat": 1000}, "too old"),
        ({"nonce": "x" * 48}, "nonce"),
        ({"nonce": None}, "nonce"),
        ({"at_hash": "AAAAAAAAAAAAAAAAAAAAAA"}, "at_hash"),
        ({"sub": None}, "sub"),
        ({"acr": 3}, "acr"),
        ({"amr": "pwd"}, "amr"),
    ],
    ids=[
        "iss",
        "aud",
        "aud-list-without-azp",
        "exp",
        "iat-future",
        "iat-old",
        "nonce-wrong",
        "nonce-missing",
        "at_hash",
        "sub-missing",
        "acr-type",
        "amr-type",
    ],
)
async def test_id_token_claims_checked(
    mock: respx.MockRouter, fake: FakeProConnect, overrides: dict[str, object], message: str
) -> None:
    fake.id_token_overrides = overrides
    with pytest.raises(InvalidIdTokenError, match=message):
        await _login(make_rp(), fake)


async def test_several_audiences_with_azp_accepted(
    mock: respx.MockRouter, fake: FakeProConnect
) -> None:
    fake.id_token_overrides = {"aud": [CLIENT_ID, "other"], "azp": CLIENT_ID}
    await _login(make_rp(), fake)


async def test_discovery_issuer_mismatch(mock: respx.MockRouter) -> None:
    mock["discovery"].mock(return_value=httpx.Response(200, json={"issuer": "https://evil"}))
    with pytest.raises(ProviderUnavailableError, match="issuer"):
        await make_rp().start_login(certification=False, next_path="/")


@pytest.mark.parametrize(
    "answer",
    [
        httpx.ConnectTimeout("timed out"),
        httpx.Response(503),
        httpx.Response(200, content=b"<html>maintenance</html>"),
    ],
    ids=["timeout", "503", "not-json"],
)
async def test_discovery_outage(mock: respx.MockRouter, answer: object) -> None:
    if isinstance(answer, Exception):
        mock["discovery"].mock(side_effect=answer)
    else:
        mock["discovery"].mock(return_value=answer)
    with pytest.raises(ProviderUnavailableError):
        await make_rp().start_login(certification=False, next_path="/")


async def test_token_endpoint_refusal(mock: respx.MockRouter) -> None:
    mock["token"].mock(
        return_value=httpx.Response(
            400, json={"error": "invalid_grant", "error_description": "grant request is invalid"}
        )
    )
    rp = make_rp()
    auth = await rp.start_login(certification=False, next_path="/")
    with pytest.raises(TokenRequestFailedError, match="invalid_grant"):
        await rp.finish_login(CallbackParams(state=auth.pending.state, code="c"), auth.pending)


async def test_token_endpoint_timeout(mock: respx.MockRouter) -> None:
    mock["token"].mock(side_effect=httpx.ReadTimeout("slow"))
    rp = make_rp()
    auth = await rp.start_login(certification=False, next_path="/")
    with pytest.raises(ProviderUnavailableError):
        await rp.finish_login(CallbackParams(state=auth.pending.state, code="c"), auth.pending)


async def test_state_mismatch_and_provider_error(mock: respx.MockRouter) -> None:
    rp = make_rp()
    auth = await rp.start_login(certification=False, next_path="/")
    with pytest.raises(InvalidStateError):
        await rp.finish_login(CallbackParams(state="x" * 48, code="c"), auth.pending)
    with pytest.raises(ProviderDeniedError, match="access_denied"):
        await rp.finish_login(
            CallbackParams(state=auth.pending.state, error="access_denied"), auth.pending
        )
    assert mock["token"].call_count == 0


async def test_logout_url(mock: respx.MockRouter) -> None:
    url = httpx.URL(await make_rp().logout_url(id_token="a.b.c", state="s" * 48) or "")
    assert str(url).startswith(f"{ISSUER}/session/end?")
    assert url.params["id_token_hint"] == "a.b.c"
    assert url.params["post_logout_redirect_uri"] == "https://attestia.example/auth/logged-out"
    assert url.params["state"] == "s" * 48


def test_configuration_is_checked() -> None:
    with pytest.raises(ValueError, match="signer"):
        make_rp(auth_method="private_key_jwt", client_secret=None)
    with pytest.raises(ValueError, match="secret"):
        make_rp(client_secret=None)
    with pytest.raises(ValueError, match="openid"):
        make_rp(scopes=("email",))
