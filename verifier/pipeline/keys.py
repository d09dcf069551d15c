"""Finding public keys for every format, with a TTL cache in front of DID resolution.

Paths (never a key the token carries itself, see :mod:`credentials.jose`):

- DID URL ``kid`` / ``verificationMethod`` resolved by the injected
  :class:`~credentials.did.DidResolver` and checked against the verification
  relationship the purpose needs (``assertionMethod`` for issuers, ``authentication``
  for holders) — DID Core 1.0 §5.3;
- ``x5c`` validated to the configured anchors (SD-JWT VC §3.5, HAIP);
- ``/.well-known/jwt-vc-issuer`` metadata (SD-JWT VC §5) through the caching JSON fetcher.

Decoded keys are kept for ``ttl`` seconds of the injected clock, so a warm verification
costs no resolution and no key parsing.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from cryptography import x509

from credentials.data_integrity import ResolvedMethod
from credentials.did import DidResolver, dereference, parse_did_url
from credentials.errors import KeyResolutionError, MalformedError
from credentials.jose import KeyResolver
from credentials.keys import PublicKey
from credentials.net.json_fetcher import JsonFetcher
from credentials.sd_jwt import IssuerKeyResolver
from credentials.sd_jwt_vc import (
    DidKeyResolver,
    IssuerMetadataKeyResolver,
    X5cKeyResolver,
    issuer_key_resolver,
)


class _TtlCache:
    def __init__(self, clock: Callable[[], float], ttl: float, max_entries: int) -> None:
        self._clock, self._ttl, self._max = clock, ttl, max_entries
        self._entries: OrderedDict[Any, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            hit = self._entries.get(key)
            if hit is None or hit[0] <= self._clock():
                return None
            self._entries.move_to_end(key)
            return hit[1]

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            self._entries[key] = (self._clock() + self._ttl, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)


class KeyDirectory:
    """Key resolvers for issuers and holders over one DID resolver and fetcher."""

    def __init__(
        self,
        dids: DidResolver,
        *,
        clock: Callable[[], float],
        x5c_anchors: Sequence[x509.Certificate] = (),
        metadata: JsonFetcher | None = None,
        ttl: float = 300.0,
        max_entries: int = 4096,
    ) -> None:
        self._dids = dids
        self._clock = clock
        self._anchors = list(x5c_anchors)
        self._metadata = metadata
        self._keys = _TtlCache(clock, ttl, max_entries)
        self._methods = _TtlCache(clock, ttl, max_entries)

    def did_key(self, did_url: str, relationship: str) -> PublicKey:
        """The key ``did_url`` names, authorised by its DID document for ``relationship``."""
        cache_key = (did_url, relationship)
        key = self._keys.get(cache_key)
        if key is None:
            key = self._dids.verification_method_for(did_url, relationship).public_key
            self._keys.put(cache_key, key)
        return key  # type: ignore[no-any-return]

    def _absolute_kid(self, kid: object) -> str:
        """A bare did:key / did:jwk as ``kid`` names its single key (their method specs)."""
        if not isinstance(kid, str):
            raise KeyResolutionError("the protected header has no kid DID URL")
        try:
            parsed = parse_did_url(kid)
        except MalformedError:
            raise KeyResolutionError(f"kid {kid[:80]!r} is not a DID URL") from None
        bare = parsed.fragment is None and str(parsed) == parsed.did
        if bare and parsed.method in ("key", "jwk"):
            methods = self._dids.resolve(parsed.did).get("verificationMethod")
            if isinstance(methods, list) and methods and isinstance(methods[0], dict):
                return str(methods[0].get("id"))
        return kid

    def jose_resolver(self, relationship: str) -> KeyResolver:
        """Header ``kid`` (a DID URL) → key authorised for ``relationship``."""

        def resolve(header: Mapping[str, Any]) -> PublicKey:
            return self.did_key(self._absolute_kid(header.get("kid")), relationship)

        return resolve

    def sd_jwt_issuer(self, now: float) -> IssuerKeyResolver:
        """SD-JWT VC issuer keys: ``x5c`` (when anchors are configured), DID, metadata."""
        x5c = X5cKeyResolver(self._anchors, clock=lambda: now) if self._anchors else None
        metadata = None
        if self._metadata is not None:
            metadata = IssuerMetadataKeyResolver(self._metadata.get)
        did = DidKeyResolver(lambda url: self.did_key(url, "assertionMethod"))
        return issuer_key_resolver(x5c=x5c, did=did, metadata=metadata)

    def method(self, method_id: str) -> ResolvedMethod:
        """A :class:`~credentials.data_integrity.VerificationMethodResolver` over DIDs."""
        resolved = self._methods.get(method_id)
        if resolved is None:
            parsed = parse_did_url(method_id)
            document = self._dids.resolve(parsed.did)
            method = dict(dereference(document, method_id))
            method["id"] = method_id
            resolved = ResolvedMethod(method, document)
            self._methods.put(method_id, resolved)
        return resolved  # type: ignore[no-any-return]
