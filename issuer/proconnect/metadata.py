"""Provider discovery (OpenID Connect Discovery 1.0 §4) and its JWKS, cached with a TTL.

ProConnect publishes its metadata at ``{issuer}/.well-known/openid-configuration`` where
the issuer is ``https://<domain>/api/v2`` (reference §1.1). Discovery §4.3: "The issuer
value returned MUST be identical to the Issuer URL that was used as the prefix to
/.well-known/openid-configuration". Keys are looked up by ``kid``; an unknown ``kid``
triggers one refetch of the JWKS (key rotation), never more per lookup.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet, RSAKey

from issuer.proconnect.constants import DISCOVERY_PATH
from issuer.proconnect.errors import ProviderUnavailableError

MAX_DOCUMENT_BYTES = 256 * 1024

Key = ECKey | RSAKey


@dataclass(frozen=True, slots=True)
class ProviderMetadata:
    """The endpoints and capabilities this relying party uses."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None
    raw: Mapping[str, Any]

    @classmethod
    def parse(cls, document: Any, expected_issuer: str) -> ProviderMetadata:
        if not isinstance(document, dict):
            raise ProviderUnavailableError("discovery document is not a JSON object")
        if document.get("issuer") != expected_issuer:
            raise ProviderUnavailableError(
                "discovery issuer does not match the configured provider URL "
                "(OpenID Connect Discovery §4.3)"
            )
        try:
            endpoints = {
                name: _https_or_local(document[name], expected_issuer)
                for name in (
                    "authorization_endpoint",
                    "token_endpoint",
                    "userinfo_endpoint",
                    "jwks_uri",
                )
            }
        except KeyError as exc:
            raise ProviderUnavailableError(f"discovery document lacks {exc.args[0]}") from None
        end_session = document.get("end_session_endpoint")
        return cls(
            issuer=expected_issuer,
            end_session_endpoint=(
                _https_or_local(end_session, expected_issuer) if end_session else None
            ),
            raw=document,
            **endpoints,
        )


def _https_or_local(value: Any, issuer: str) -> str:
    if not isinstance(value, str) or not value.startswith(("https://", "http://")):
        raise ProviderUnavailableError("discovery endpoint is not an absolute URL")
    if value.startswith("http://") and not issuer.startswith("http://"):
        raise ProviderUnavailableError("discovery endpoint downgrades https to http")
    return value


def _now() -> float:
    return time.monotonic()


class ProviderCache:
    """Discovery document and JWKS of one provider, each cached for ``ttl`` seconds."""

    def __init__(
        self,
        issuer: str,
        *,
        http: Callable[[], httpx.AsyncClient],
        ttl: float = 3600,
        clock: Callable[[], float] = _now,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self._http = http
        self._ttl = ttl
        self._clock = clock
        self._metadata: tuple[float, ProviderMetadata] | None = None
        self._keys: tuple[float, KeySet] | None = None
        self._lock = asyncio.Lock()

    async def _get_json(self, url: str, accept: str = "application/json") -> Any:
        try:
            async with self._http() as client:
                response = await client.get(url, headers={"Accept": accept})
        except httpx.HTTPError as exc:
            raise ProviderUnavailableError(f"{url}: {type(exc).__name__}") from None
        if response.status_code != 200:
            raise ProviderUnavailableError(f"{url}: HTTP {response.status_code}")
        if len(response.content) > MAX_DOCUMENT_BYTES:
            raise ProviderUnavailableError(f"{url}: response too large")
        try:
            return response.json()
        except ValueError:
            raise ProviderUnavailableError(f"{url}: response is not JSON") from None

    def _fresh(self, entry: tuple[float, Any] | None) -> bool:
        return entry is not None and self._clock() - entry[0] < self._ttl

    async def metadata(self) -> ProviderMetadata:
        """The discovery document (OpenID Connect Discovery 1.0 §4)."""
        async with self._lock:
            if self._metadata is None or not self._fresh(self._metadata):
                document = await self._get_json(self.issuer + DISCOVERY_PATH)
                self._metadata = (self._clock(), ProviderMetadata.parse(document, self.issuer))
            return self._metadata[1]

    async def _fetch_keys(self) -> KeySet:
        metadata = await self.metadata()
        document = await self._get_json(
            metadata.jwks_uri, "application/jwk-set+json, application/json"
        )
        if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
            raise ProviderUnavailableError("JWKS is not a JSON Web Key Set (RFC 7517 §5)")
        usable = [
            jwk
            for jwk in document["keys"]
            if isinstance(jwk, dict)
            and jwk.get("kty") in ("EC", "RSA")
            and jwk.get("use", "sig") == "sig"
            and "d" not in jwk
        ]
        try:
            keys = KeySet.import_key_set({"keys": usable})
        except (JoseError, ValueError, TypeError):
            raise ProviderUnavailableError("JWKS holds a malformed key") from None
        async with self._lock:
            self._keys = (self._clock(), keys)
        return keys

    async def key(self, kid: str | None, alg: str) -> Key | None:
        """The provider key for ``kid`` (refetching the JWKS once if it is unknown)."""
        keys = self._keys[1] if self._keys is not None and self._fresh(self._keys) else None
        if keys is None:
            keys = await self._fetch_keys()
        found = _select(keys, kid, alg)
        if found is None:
            found = _select(await self._fetch_keys(), kid, alg)
        return found


def _select(keys: KeySet, kid: str | None, alg: str) -> Key | None:
    kty = "EC" if alg.startswith("ES") else "RSA"
    candidates = [
        key
        for key in keys.keys
        if isinstance(key, ECKey | RSAKey)
        and key.key_type == kty
        and (kid is None or key.kid == kid)
        and key.get("alg", alg) == alg
    ]
    if kid is None and len(candidates) != 1:
        return None
    return candidates[0] if candidates else None
