"""Decentralized Identifiers: did:web, did:key and did:jwk (W3C DID Core 1.0)."""
