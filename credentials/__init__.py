"""The standards shared by the issuer and the verifier.

SD-JWT VC, VC-JOSE (``vc+jwt``), Data Integrity, JsonWebSignature2020, status lists, DID
methods, keys and signers. This package imports no web framework and no database: the
clock, randomness, key resolution, HTTP fetching and JSON-LD document loading are injected.
"""
