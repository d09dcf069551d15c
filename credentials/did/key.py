"""did:key (W3C CCG The did:key Method v0.9), Multikey form.

``did:key:<mb-value>`` where ``mb-value`` is ``z`` + base58-btc of the multicodec-prefixed
public key: ``ed25519-pub`` (0xed, 32 bytes), ``p256-pub`` (0x1200, 33-byte compressed point),
``p384-pub`` (0x1201, 49-byte compressed point). Read (the spec's Document Creation
Algorithm with ``publicKeyFormat`` Multikey): one verification method
``did:key:<mb>#<mb>`` of type ``Multikey``, referenced from ``authentication``,
``assertionMethod``, ``capabilityInvocation`` and ``capabilityDelegation``. The optional
X25519 ``keyAgreement`` derivation is not performed. An unknown codec is refused
(``unsupportedPublicKeyType``), a wrong length too (``invalidPublicKeyLength``), and the
identifier must be the canonical encoding of the key it carries.
"""

from __future__ import annotations

from typing import Any, Final

from credentials import multiformats as mf
from credentials.did.document import DID_CONTEXT, MULTIKEY_CONTEXT
from credentials.did.syntax import parse_did
from credentials.errors import KeyResolutionError, MalformedError
from credentials.keys import PublicKey, multikey_to_public_key, public_key_to_multikey

PREFIX: Final = "did:key:"
_KEY_LENGTHS: Final[dict[int, int]] = {mf.ED25519_PUB: 32, mf.P256_PUB: 33, mf.P384_PUB: 49}
RELATIONSHIPS: Final = (
    "authentication",
    "assertionMethod",
    "capabilityInvocation",
    "capabilityDelegation",
)


def did_key_from_public_key(key: PublicKey) -> str:
    """The did:key of an Ed25519, P-256 or P-384 public key."""
    return PREFIX + public_key_to_multikey(key)


def public_key_from_did_key(did: str) -> PublicKey:
    """Decode and check the key a did:key carries."""
    parsed = parse_did(did)
    if parsed.method != "key":
        raise MalformedError(f"not a did:key: {did[:80]!r}")
    multibase = parsed.method_specific_id
    if not multibase.startswith("z"):
        raise MalformedError("did:key values are base58-btc multibase ('z')")
    code, raw = mf.multicodec_unwrap(mf.multibase_decode(multibase))
    expected = _KEY_LENGTHS.get(code)
    if expected is None:
        raise KeyResolutionError(f"did:key multicodec 0x{code:x} is not supported")
    if len(raw) != expected:
        raise MalformedError(f"did:key public key must be {expected} bytes, not {len(raw)}")
    key = multikey_to_public_key(multibase)
    if public_key_to_multikey(key) != multibase:
        raise MalformedError("did:key is not the canonical encoding of its key")
    return key


def resolve_did_key(did: str) -> dict[str, Any]:
    """The DID document of a did:key (no network)."""
    public_key_from_did_key(did)
    multibase = did[len(PREFIX) :]
    vm_id = f"{did}#{multibase}"
    document: dict[str, Any] = {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": [
            {
                "id": vm_id,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": multibase,
            }
        ],
    }
    for relationship in RELATIONSHIPS:
        document[relationship] = [vm_id]
    return document


class KeyMethod:
    """The ``key`` method for :class:`credentials.did.resolver.DidResolver`."""

    name: Final = "key"

    def resolve(self, did: str) -> dict[str, Any]:
        return resolve_did_key(did)
