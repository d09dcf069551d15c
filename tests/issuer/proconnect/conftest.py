"""A ProConnect provider emulated with respx from a real-shaped discovery document."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
import respx
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from issuer.proconnect import RelyingParty, RelyingPartyConfig
from issuer.proconnect.tokens import access_token_hash

ISSUER = "https://fca.integ01.dev-agentconnect.fr/api/v2"
CLIENT_ID = "6925fb8143c76eded44d32b40c0cb1006065f7f003de52712b78985704f39950"
REDIRECT_URI = "https://attestia.example/auth/callback"
SUB = "704e0259d84b9b77fd2f2be3fa1c4c3c1a48e6ce5a47c63d2f5f1c5b8a1f0a6c"
DISCOVERY = json.loads((Path(__file__).parent / "recordings/discovery_integ01.json").read_text())


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@dataclass
class FakeProConnect:
    """Keys and answers of the mocked provider; tests tweak them before a login."""

    es256: ECKey = field(default_factory=lambda: ECKey.generate_key("P-256", {"kid": "es-1"}))
    rs256: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, {"kid": "rs-1"}))
    alg: str = "ES256"
    nonce: str | None = None
    id_token_overrides: dict[str, Any] = field(default_factory=dict)
    userinfo_overrides: dict[str, Any] = field(default_factory=dict)
    userinfo_json: bool = False
    token_requests: list[httpx.Request] = field(default_factory=list)
    published: list[str] = field(default_factory=lambda: ["es-1", "rs-1"])
    access_token: str = "vM4s1ZbZr8Zyv8d3sT2R0eI4l9mUq9oM6c0PqX3h7yA"

    def key(self) -> ECKey | RSAKey:
        return self.es256 if self.alg == "ES256" else self.rs256

    def sign(self, claims: dict[str, Any], typ: str | None = None) -> str:
        header: dict[str, Any] = {"alg": self.alg, "kid": self.key().kid}
        if typ:
            header["typ"] = typ
        return jwt.encode(header, claims, self.key(), algorithms=[self.alg])

    def jwks(self) -> dict[str, Any]:
        keys = {"es-1": self.es256, "rs-1": self.rs256}
        return {
            "keys": [
                {
                    **keys[kid].as_dict(private=False),
                    "use": "sig",
                    "alg": "ES256" if kid.startswith("es") else "RS256",
                }
                for kid in self.published
            ]
        }

    def id_token(self) -> str:
        now = int(time.time())
        claims = {
            "sub": SUB,
            "amr": ["pwd"],
            "auth_time": now - 5,
            "acr": "eidas1",
            "nonce": self.nonce,
            "at_hash": access_token_hash(self.access_token, self.alg),
            "aud": CLIENT_ID,
            "exp": now + 60,
            "iat": now,
            "iss": ISSUER,
            "sid": "a2a9a6d2-62e6-4fdb-8d0a-2b3b3c2f1f60",
        }
        claims.update(self.id_token_overrides)
        return self.sign({k: v for k, v in claims.items() if v is not None})

    def userinfo(self) -> dict[str, Any]:
        now = int(time.time())
        claims = {
            "sub": SUB,
            "uid": "1",
            "given_name": "Angela Claire Louise",
            "usual_name": "DUBOIS",
            "email": "test@abcd.com",
            "siren": "343293775",
            "siret": "34329377500037",
            "organizational_unit": "comptabilite",
            "belonging_population": "agent",
            "phone_number": "+331-12-44-45-23",
            "chorusdt:matricule": "USER_AGC",
            "chorusdt:societe": "CHT",
            "idp_id": "fia1v2",
            "idp_acr": "eidas1",
            "custom": {},
            "roles": ["agent_public", "agent_public_etat"],
            "aud": CLIENT_ID,
            "exp": now + 60,
            "iat": now,
            "iss": ISSUER,
        }
        claims.update(self.userinfo_overrides)
        return claims

    def token_response(self, request: httpx.Request) -> httpx.Response:
        self.token_requests.append(request)
        return httpx.Response(
            200,
            json={
                "access_token": self.access_token,
                "expires_in": 60,
                "id_token": self.id_token(),
                "refresh_token": "r" * 43,
                "scope": "openid given_name usual_name email uid siret",
                "token_type": "Bearer",
            },
        )

    def userinfo_response(self, request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"] == f"Bearer {self.access_token}"
        if self.userinfo_json:
            return httpx.Response(200, json=self.userinfo())
        return httpx.Response(
            200,
            content=self.sign(self.userinfo()).encode(),
            headers={"content-type": "application/jwt; charset=utf-8"},
        )


@pytest.fixture
def fake() -> FakeProConnect:
    return FakeProConnect()


@pytest.fixture
def mock(fake: FakeProConnect) -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        router.get(f"{ISSUER}/.well-known/openid-configuration", name="discovery").mock(
            return_value=httpx.Response(200, json=DISCOVERY)
        )
        router.get(f"{ISSUER}/jwks", name="jwks").mock(
            side_effect=lambda request: httpx.Response(200, json=fake.jwks())
        )
        router.post(f"{ISSUER}/token", name="token").mock(side_effect=fake.token_response)
        router.get(f"{ISSUER}/userinfo", name="userinfo").mock(side_effect=fake.userinfo_response)
        yield router


def make_rp(**overrides: Any) -> RelyingParty:
    values: dict[str, Any] = {
        "issuer": ISSUER,
        "client_id": CLIENT_ID,
        "client_secret": "s3cr3t-from-the-proconnect-partner-space",
        "redirect_uri": REDIRECT_URI,
        "post_logout_redirect_uri": "https://attestia.example/auth/logged-out",
        "scopes": ("openid", "given_name", "usual_name", "email", "uid", "siret", "roles"),
        "timeout": 2.0,
    }
    values.update(overrides)
    return RelyingParty(RelyingPartyConfig(**values))


def form_of(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
