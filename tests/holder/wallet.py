"""A scripted OpenID4VP 1.0 wallet: fetch and check the request object, answer it.

Written from OpenID4VP 1.0 (§5.10 request URI, §5.9.3 client identifier prefixes, §8.2
``direct_post``, §8.3 encrypted responses) with joserfc for JOSE and the OWF ``sd_jwt``
package for SD-JWT presentations; ``vp+jwt`` presentations are signed with
:mod:`credentials.vc_jose` (a signing primitive, not verifier code).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from joserfc import jwe, jws
from joserfc.jwk import ECKey
from jwcrypto.jwk import JWK  # type: ignore[import-untyped]
from sd_jwt.holder import SDJWTHolder

from credentials.keys import Signer
from credentials.vc_jose import build_presentation, sign_vp_jwt

REQUEST_MEDIA_TYPE = "application/oauth-authz-req+jwt"
SELF_ISSUED = "https://self-issued.me/v2"


class WalletRefusal(Exception):
    """The wallet refuses the request (what a real wallet would show the user)."""


@dataclass
class AuthorizationRequest:
    """The checked request object and where it came from."""

    client_id: str
    claims: dict[str, Any]
    header: dict[str, Any]

    @property
    def nonce(self) -> str:
        return str(self.claims["nonce"])

    @property
    def state(self) -> str | None:
        value = self.claims.get("state")
        return str(value) if value is not None else None

    @property
    def response_uri(self) -> str:
        return str(self.claims["response_uri"])

    @property
    def response_mode(self) -> str:
        return str(self.claims["response_mode"])

    @property
    def dcql_query(self) -> dict[str, Any]:
        return dict(self.claims["dcql_query"])


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def parse_authorization_uri(uri: str) -> dict[str, str]:
    """``openid4vp://?client_id=…&request_uri=…&request_uri_method=…`` (§5.1)."""
    parts = urlsplit(uri)
    if parts.scheme != "openid4vp":
        raise WalletRefusal(f"unexpected scheme {parts.scheme!r}")
    query = parse_qs(parts.query, strict_parsing=True)
    return {name: values[0] for name, values in query.items()}


@dataclass
class Wallet:
    """Holds a key and answers requests over ``http`` (an httpx client)."""

    http: httpx.Client
    trust_anchors: list[x509.Certificate] = field(default_factory=list)
    did_keys: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    allow_redirect_uri: bool = True

    # Request ----------------------------------------------------------------------

    def fetch_request(
        self,
        uri: str,
        *,
        method: str | None = None,
        wallet_metadata: Mapping[str, Any] | None = None,
    ) -> AuthorizationRequest:
        params = parse_authorization_uri(uri)
        request_uri = params["request_uri"]
        chosen = method or params.get("request_uri_method", "get")
        wallet_nonce = None
        if chosen == "post":
            wallet_nonce = secrets.token_urlsafe(16)
            form = {"wallet_nonce": wallet_nonce}
            if wallet_metadata is not None:
                form["wallet_metadata"] = json.dumps(wallet_metadata)
            response = self.http.post(
                request_uri, data=form, headers={"Accept": REQUEST_MEDIA_TYPE}
            )
        else:
            response = self.http.get(request_uri, headers={"Accept": REQUEST_MEDIA_TYPE})
        if response.status_code != 200:
            raise WalletRefusal(f"request_uri answered {response.status_code}: {response.text}")
        if response.headers["content-type"].split(";")[0] != REQUEST_MEDIA_TYPE:
            raise WalletRefusal("the request object has the wrong content type")
        request = self.check_request_object(response.text, params["client_id"])
        if wallet_nonce is not None and request.claims.get("wallet_nonce") != wallet_nonce:
            raise WalletRefusal("wallet_nonce is not echoed (§5.10)")
        return request

    def check_request_object(self, token: str, client_id: str) -> AuthorizationRequest:
        head, body, _sig = token.split(".")
        header = json.loads(_b64url_decode(head))
        claims = json.loads(_b64url_decode(body))
        if header.get("typ") != "oauth-authz-req+jwt":
            raise WalletRefusal("typ must be oauth-authz-req+jwt")
        if claims.get("client_id") != client_id:
            raise WalletRefusal("client_id differs between the link and the request object")
        prefix, _, original = client_id.partition(":")
        if prefix == "redirect_uri":
            if not self.allow_redirect_uri or header.get("alg") != "none":
                raise WalletRefusal("redirect_uri requests are unsigned")
            if claims.get("response_uri") != original:
                raise WalletRefusal("response_uri must be the client identifier")
        else:
            key = self._request_key(prefix, original, header)
            registry = jws.JWSRegistry(algorithms=["ES256"])
            registry.max_header_length = 8192  # x5c chains are larger than the default
            registry.max_payload_length = 64 * 1024
            try:
                jws.deserialize_compact(token, key, algorithms=["ES256"], registry=registry)
            except Exception as exc:  # noqa: BLE001  (any failure is a refusal)
                raise WalletRefusal(f"request signature: {exc}") from None
        if claims.get("aud") != SELF_ISSUED:
            raise WalletRefusal("aud must be https://self-issued.me/v2 (static discovery)")
        if claims.get("response_type") != "vp_token":
            raise WalletRefusal("response_type must be vp_token")
        return AuthorizationRequest(client_id=client_id, claims=claims, header=header)

    def _request_key(self, prefix: str, original: str, header: Mapping[str, Any]) -> ECKey:
        if prefix in ("x509_hash", "x509_san_dns"):
            chain = [x509.load_der_x509_certificate(base64.b64decode(c)) for c in header["x5c"]]
            leaf = chain[0]
            der = leaf.public_bytes(serialization.Encoding.DER)
            if prefix == "x509_hash" and _b64url(hashlib.sha256(der).digest()) != original:
                raise WalletRefusal("x509_hash does not match the leaf certificate")
            if prefix == "x509_san_dns":
                san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
                if original not in san.get_values_for_type(x509.DNSName):
                    raise WalletRefusal("the leaf certificate has no matching dNSName")
            self._check_chain(chain)
            pem = leaf.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            return ECKey.import_key(pem)
        if prefix == "decentralized_identifier":
            kid = header.get("kid", "")
            if not kid.startswith(original + "#"):
                raise WalletRefusal("kid must name a key of the client's DID")
            jwk = self.did_keys.get(kid)
            if jwk is None:
                raise WalletRefusal(f"unknown DID key {kid}")
            return ECKey.import_key(dict(jwk))
        raise WalletRefusal(f"client identifier prefix {prefix!r} is not supported")

    def _check_chain(self, chain: list[x509.Certificate]) -> None:
        last = chain[-1]
        for child, parent in itertools.pairwise(chain):
            child.verify_directly_issued_by(parent)
        if not any(self._issued_by(last, anchor) for anchor in self.trust_anchors):
            raise WalletRefusal("the certificate chain does not lead to a trusted anchor")

    @staticmethod
    def _issued_by(cert: x509.Certificate, anchor: x509.Certificate) -> bool:
        try:
            cert.verify_directly_issued_by(anchor)
        except (ValueError, TypeError, InvalidSignature):
            return False
        return True

    # Response ---------------------------------------------------------------------

    def respond(
        self,
        request: AuthorizationRequest,
        vp_token: Mapping[str, list[Any]] | None = None,
        *,
        state: str | None = None,
        extra: Mapping[str, str] | None = None,
        encrypt_to: Mapping[str, Any] | None = None,
        enc: str = "A128GCM",
    ) -> httpx.Response:
        """POST the response to ``response_uri`` (``direct_post`` or ``direct_post.jwt``)."""
        params: dict[str, Any] = {}
        if vp_token is not None:
            params["vp_token"] = dict(vp_token)
        used_state = request.state if state is None else state
        if used_state:
            params["state"] = used_state
        params.update(extra or {})
        if request.response_mode == "direct_post.jwt":
            jwk = dict(encrypt_to or request.claims["client_metadata"]["jwks"]["keys"][0])
            key = ECKey.import_key(jwk)
            header = {"alg": jwk["alg"], "enc": enc, "kid": jwk.get("kid")}
            token = jwe.encrypt_compact(
                header, json.dumps(params).encode(), key, algorithms=["ECDH-ES", enc]
            )
            form = {"response": token}
        else:
            form = {
                name: json.dumps(value) if name == "vp_token" else value
                for name, value in params.items()
            }
        return self.http.post(request.response_uri, data=form)


def sd_jwt_presentation(
    issued: str,
    disclose: Mapping[str, Any],
    *,
    holder_jwk: Mapping[str, Any],
    nonce: str,
    aud: str,
) -> str:
    """An SD-JWT+KB built by the OWF holder (``disclose`` in its dict notation)."""
    holder = SDJWTHolder(issued)
    holder.create_presentation(
        dict(disclose), nonce=nonce, aud=aud, holder_key=JWK(**holder_jwk), sign_alg="ES256"
    )
    return str(holder.sd_jwt_presentation)


def vp_jwt_presentation(
    credentials: list[str], *, holder: str, signer: Signer, nonce: str, aud: str, iat: int
) -> str:
    return sign_vp_jwt(
        build_presentation(credentials, holder=holder),
        signer,
        nonce=nonce,
        audience=aud,
        issued_at=iat,
    )


RequestHook = Callable[[AuthorizationRequest], None]
