"""DID resolution with an allow-list of methods and a TTL cache (DID Core 1.0 §7.1).

Only the methods given to :class:`DidResolver` resolve; any other DID is refused before any
work is done. Resolved documents are kept for ``ttl`` seconds of the injected clock and
handed out as deep copies. :meth:`DidResolver.verification_method_for` combines resolution
with the relationship check of :mod:`credentials.did.dereference`, and
:meth:`DidResolver.jose_key_resolver` adapts it to :mod:`credentials.jose`'s ``kid`` lookup.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, Protocol

from credentials.did.dereference import Relationship, VerificationKey
from credentials.did.dereference import dereference as dereference_in
from credentials.did.dereference import verification_method_for as method_in
from credentials.did.jwk import JwkMethod
from credentials.did.key import KeyMethod
from credentials.did.syntax import parse_did, parse_did_url
from credentials.did.web import WebMethod
from credentials.errors import KeyResolutionError, MalformedError
from credentials.jose import KeyResolver
from credentials.keys import PublicKey
from credentials.net.fetcher import Fetcher


class DidMethod(Protocol):
    """Resolves the DIDs of one method to their DID documents."""

    def resolve(self, did: str) -> dict[str, Any]: ...


#: Methods whose document is computed from the DID itself, without I/O: caching them saves
#: nothing (a copy costs about what the computation does), and one entry per holder key
#: would push the fetched (did:web) documents out of the cache.
COMPUTED_METHODS: Final = frozenset({"jwk", "key"})


class DidResolver:
    """Resolve DIDs of the allowed ``methods`` (name → implementation), with a cache."""

    def __init__(
        self,
        methods: Mapping[str, DidMethod],
        *,
        clock: Callable[[], float],
        ttl: float = 300.0,
        max_entries: int = 1024,
    ) -> None:
        self._methods = dict(methods)
        self._clock = clock
        self._ttl = ttl
        self._max_entries = max_entries
        self._cache: OrderedDict[str, tuple[float, dict[str, Any]]] = OrderedDict()

    @property
    def methods(self) -> frozenset[str]:
        return frozenset(self._methods)

    def resolve(self, did: str) -> dict[str, Any]:
        """The DID document of ``did``; its ``id`` is checked to be ``did``."""
        parsed = parse_did(did)
        method = self._methods.get(parsed.method)
        if method is None:
            raise KeyResolutionError(f"DID method {parsed.method!r} is not allowed")
        cached = self._cache.get(did)
        if cached is not None and cached[0] > self._clock():
            self._cache.move_to_end(did)
            return copy.deepcopy(cached[1])
        document = method.resolve(did)
        if not isinstance(document, dict) or document.get("id") != did:
            raise KeyResolutionError(f"the resolved document is not the document of {did}")
        if parsed.method in COMPUTED_METHODS:
            return document
        self._cache[did] = (self._clock() + self._ttl, copy.deepcopy(document))
        self._cache.move_to_end(did)
        while len(self._cache) > self._max_entries:
            self._cache.popitem(last=False)
        return document

    def dereference(self, did_url: str) -> dict[str, Any]:
        """The verification method a DID URL names (``did:…#fragment``)."""
        parsed = parse_did_url(did_url)
        return dereference_in(self.resolve(parsed.did), did_url)

    def verification_method_for(
        self, did_url: str, relationship: Relationship | str
    ) -> VerificationKey:
        """The key of ``did_url`` if its DID document authorises it for ``relationship``."""
        parsed = parse_did_url(did_url)
        return method_in(self.resolve(parsed.did), did_url, relationship)

    def jose_key_resolver(self, relationship: Relationship | str) -> KeyResolver:
        """A JOSE key resolver: the protected header's ``kid`` is a DID URL.

        For did:key and did:jwk a bare DID as ``kid`` names their single key.
        """

        def resolve_header(header: Mapping[str, Any]) -> PublicKey:
            kid = header.get("kid")
            if not isinstance(kid, str):
                raise KeyResolutionError("the protected header has no kid DID URL")
            try:
                parsed = parse_did_url(kid)
            except MalformedError:
                raise KeyResolutionError(f"kid {kid[:80]!r} is not a DID URL") from None
            if parsed.fragment is None and str(parsed) == parsed.did:
                document = self.resolve(parsed.did)
                methods = document.get("verificationMethod")
                if parsed.method in ("key", "jwk") and isinstance(methods, list) and methods:
                    first = methods[0]
                    kid = str(first.get("id")) if isinstance(first, dict) else kid
            return self.verification_method_for(kid, relationship).public_key

        return resolve_header

    def clear(self) -> None:
        self._cache.clear()


def default_resolver(
    fetcher: Fetcher,
    *,
    clock: Callable[[], float],
    methods: Iterable[str] = ("key", "jwk", "web"),
    http_hosts: frozenset[str] = frozenset(),
    ttl: float = 300.0,
) -> DidResolver:
    """A resolver for did:key, did:jwk and did:web (restricted to ``methods``)."""
    available: dict[str, DidMethod] = {
        "key": KeyMethod(),
        "jwk": JwkMethod(),
        "web": WebMethod(fetcher, http_hosts=http_hosts),
    }
    unknown = set(methods) - set(available)
    if unknown:
        raise ValueError(f"unsupported DID methods {sorted(unknown)}")
    chosen = {name: available[name] for name in methods}
    return DidResolver(chosen, clock=clock, ttl=ttl)
