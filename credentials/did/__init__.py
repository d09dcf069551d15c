"""Decentralized Identifiers: did:web, did:key and did:jwk (W3C DID Core 1.0).

- :mod:`credentials.did.syntax`: DID / DID URL syntax (§3).
- :mod:`credentials.did.key`, :mod:`credentials.did.jwk`, :mod:`credentials.did.web`: the
  methods (did:web fetches through an injected, SSRF-guarded fetcher).
- :mod:`credentials.did.resolver`: :class:`DidResolver` (method allow-list, TTL cache).
- :mod:`credentials.did.dereference`: DID URL → verification method, checked against the
  verification relationship a proof purpose needs.
- :mod:`credentials.did.document`: building the documents this deployment publishes.
"""

from credentials.did.dereference import VerificationKey, dereference, verification_method_for
from credentials.did.resolver import DidMethod, DidResolver, default_resolver
from credentials.did.syntax import DidUrl, parse_did, parse_did_url

__all__ = [
    "DidMethod",
    "DidResolver",
    "DidUrl",
    "VerificationKey",
    "default_resolver",
    "dereference",
    "parse_did",
    "parse_did_url",
    "verification_method_for",
]
