"""Keys, signers and raw signature primitives.

Callers sign through the :class:`Signer` protocol and never see key bytes, so that a PKCS#11
HSM backend can replace :class:`SoftwareSigner` without changing them. Signatures are in the
JWS encoding of RFC 7518 §3 (ECDSA as fixed-size ``r || s``), which is also the encoding
Data Integrity ``ecdsa-rdfc-2019`` uses (W3C VC-DI-ECDSA §3.3.7).

JWK thumbprints follow RFC 7638; Multikey encodings follow Controlled Identifiers v1.0
§2.2.2 (compressed points for P-256/P-384).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Final, Literal, Protocol, TypeAlias, runtime_checkable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from credentials import multiformats as mf
from credentials.errors import KeyResolutionError, MalformedError

KeyType = Literal["Ed25519", "P-256", "P-384", "RSA"]
KEY_TYPES: Final[tuple[KeyType, ...]] = ("Ed25519", "P-256", "P-384", "RSA")

PrivateKey: TypeAlias = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
PublicKey: TypeAlias = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey

#: The JWS algorithm each key type signs with by default.
DEFAULT_ALGORITHM: Final[dict[KeyType, str]] = {
    "Ed25519": "EdDSA",
    "P-256": "ES256",
    "P-384": "ES384",
    "RSA": "PS256",
}

#: Asymmetric JWS algorithms this package can compute; policies narrow this further.
SUPPORTED_ALGORITHMS: Final = frozenset({"EdDSA", "Ed25519", "ES256", "ES384", "PS256", "RS256"})

RSA_MIN_BITS: Final = 2048
RSA_GENERATED_BITS: Final = 3072

_CURVES: Final[dict[str, type[ec.EllipticCurve]]] = {"P-256": ec.SECP256R1, "P-384": ec.SECP384R1}
_CURVE_NAMES: Final[dict[str, KeyType]] = {"secp256r1": "P-256", "secp384r1": "P-384"}
_EC_SIZES: Final[dict[str, int]] = {"P-256": 32, "P-384": 48}
_EC_ALG_HASH: Final[dict[str, tuple[str, type[hashes.HashAlgorithm]]]] = {
    "ES256": ("P-256", hashes.SHA256),
    "ES384": ("P-384", hashes.SHA384),
}


@runtime_checkable
class Signer(Protocol):
    """Something that signs with a private key it does not reveal."""

    @property
    def kid(self) -> str:
        """The key's identifier as published (a DID URL for DID-bound keys)."""

    @property
    def algorithm(self) -> str:
        """The JWS ``alg`` this signer produces."""

    @property
    def key_type(self) -> KeyType: ...

    def public_jwk(self) -> dict[str, Any]:
        """The public key as a JWK (RFC 7517), without ``kid``."""

    def sign(self, data: bytes) -> bytes:
        """Sign ``data``; ECDSA signatures are ``r || s`` (RFC 7518 §3.4)."""


def key_type_of(key: PrivateKey | PublicKey) -> KeyType:
    if isinstance(key, ed25519.Ed25519PrivateKey | ed25519.Ed25519PublicKey):
        return "Ed25519"
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        try:
            return _CURVE_NAMES[key.curve.name]
        except KeyError:
            raise KeyResolutionError(f"unsupported curve {key.curve.name}") from None
    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        return "RSA"
    raise KeyResolutionError(f"unsupported key {type(key).__name__}")


def generate_private_key(key_type: KeyType) -> PrivateKey:
    if key_type == "Ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    if key_type == "RSA":
        return rsa.generate_private_key(public_exponent=65537, key_size=RSA_GENERATED_BITS)
    return ec.generate_private_key(_CURVES[key_type]())


def sign_raw(key: PrivateKey, algorithm: str, data: bytes) -> bytes:
    """Sign with a private key in the JWS signature encoding for ``algorithm``."""
    if isinstance(key, ed25519.Ed25519PrivateKey) and algorithm in ("EdDSA", "Ed25519"):
        return key.sign(data)
    if isinstance(key, ec.EllipticCurvePrivateKey) and algorithm in _EC_ALG_HASH:
        curve, hash_cls = _EC_ALG_HASH[algorithm]
        if key_type_of(key) != curve:
            raise KeyResolutionError(f"{algorithm} needs a {curve} key")
        der = key.sign(data, ec.ECDSA(hash_cls()))
        r, s = decode_dss_signature(der)
        size = _EC_SIZES[curve]
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")
    if isinstance(key, rsa.RSAPrivateKey) and algorithm == "PS256":
        return key.sign(
            data,
            padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
            hashes.SHA256(),
        )
    if isinstance(key, rsa.RSAPrivateKey) and algorithm == "RS256":
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    raise KeyResolutionError(f"algorithm {algorithm} does not fit a {key_type_of(key)} key")


def verify_raw(key: PublicKey, algorithm: str, data: bytes, signature: bytes) -> bool:
    """Verify a JWS-encoded signature; False on any mismatch (algorithm, key, bytes)."""
    try:
        if isinstance(key, ed25519.Ed25519PublicKey) and algorithm in ("EdDSA", "Ed25519"):
            key.verify(signature, data)
            return True
        if isinstance(key, ec.EllipticCurvePublicKey) and algorithm in _EC_ALG_HASH:
            curve, hash_cls = _EC_ALG_HASH[algorithm]
            size = _EC_SIZES[curve]
            if key_type_of(key) != curve or len(signature) != 2 * size:
                return False
            r = int.from_bytes(signature[:size], "big")
            s = int.from_bytes(signature[size:], "big")
            key.verify(encode_dss_signature(r, s), data, ec.ECDSA(hash_cls()))
            return True
        if isinstance(key, rsa.RSAPublicKey) and key.key_size >= RSA_MIN_BITS:
            if algorithm == "PS256":
                key.verify(
                    signature,
                    data,
                    padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
                    hashes.SHA256(),
                )
                return True
            if algorithm == "RS256":
                key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
                return True
    except (InvalidSignature, ValueError):
        return False
    return False


class SoftwareSigner:
    """A :class:`Signer` over an in-memory private key (decrypted from the key store)."""

    __slots__ = ("_algorithm", "_key", "_key_type", "_kid", "_public_jwk")

    def __init__(self, key: PrivateKey, kid: str, algorithm: str | None = None) -> None:
        self._key = key
        self._key_type = key_type_of(key)
        self._algorithm = algorithm or DEFAULT_ALGORITHM[self._key_type]
        self._kid = kid
        self._public_jwk = public_jwk(key.public_key())

    @property
    def kid(self) -> str:
        return self._kid

    @property
    def algorithm(self) -> str:
        return self._algorithm

    @property
    def key_type(self) -> KeyType:
        return self._key_type

    def public_key(self) -> PublicKey:
        return self._key.public_key()

    def public_jwk(self) -> dict[str, Any]:
        return dict(self._public_jwk)

    def sign(self, data: bytes) -> bytes:
        return sign_raw(self._key, self._algorithm, data)

    def __repr__(self) -> str:
        return f"SoftwareSigner(kid={self._kid!r}, alg={self._algorithm!r})"


def _int_b64(value: int, size: int | None = None) -> str:
    length = size if size is not None else max(1, (value.bit_length() + 7) // 8)
    return mf.b64url_encode(value.to_bytes(length, "big"))


def public_jwk(key: PublicKey) -> dict[str, Any]:
    """The RFC 7517 JWK of a public key (members in RFC 7638 required-member order)."""
    if isinstance(key, ed25519.Ed25519PublicKey):
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": mf.b64url_encode(raw)}
    if isinstance(key, ec.EllipticCurvePublicKey):
        curve = key_type_of(key)
        numbers = key.public_numbers()
        size = _EC_SIZES[curve]
        return {
            "kty": "EC",
            "crv": curve,
            "x": _int_b64(numbers.x, size),
            "y": _int_b64(numbers.y, size),
        }
    if isinstance(key, rsa.RSAPublicKey):
        rsa_numbers = key.public_numbers()
        return {"kty": "RSA", "e": _int_b64(rsa_numbers.e), "n": _int_b64(rsa_numbers.n)}
    raise KeyResolutionError(f"unsupported key {type(key).__name__}")


@lru_cache(maxsize=1024)
def _ec_public_key(crv: str, x: str, y: str) -> ec.EllipticCurvePublicKey:
    """Cached: loading checks that the point is on the curve, which costs more than the
    rest of a key proof's checks together, and one holder key is loaded about four times on
    its way (proof, DID document, binding, thumbprint); keys are immutable. Refusals are not
    cached."""
    size = _EC_SIZES[crv]
    x_raw = mf.b64url_decode(x)
    y_raw = mf.b64url_decode(y)
    if len(x_raw) != size or len(y_raw) != size:
        raise MalformedError(f"{crv} coordinates must be {size} bytes")
    numbers = ec.EllipticCurvePublicNumbers(
        int.from_bytes(x_raw, "big"), int.from_bytes(y_raw, "big"), _CURVES[crv]()
    )
    return numbers.public_key()


def public_key_from_jwk(jwk: Mapping[str, Any]) -> PublicKey:
    """Load a public JWK; refuses private members, unknown types and small RSA moduli."""
    if not isinstance(jwk, Mapping):
        raise MalformedError("JWK must be a JSON object")
    if "d" in jwk or "p" in jwk:
        raise MalformedError("a public JWK must not carry private key members")
    kty = jwk.get("kty")
    try:
        if kty == "OKP" and jwk.get("crv") == "Ed25519":
            raw = mf.b64url_decode(str(jwk["x"]))
            return ed25519.Ed25519PublicKey.from_public_bytes(raw)
        if kty == "EC" and jwk.get("crv") in _CURVES:
            return _ec_public_key(str(jwk["crv"]), str(jwk["x"]), str(jwk["y"]))
        if kty == "RSA":
            n = int.from_bytes(mf.b64url_decode(str(jwk["n"])), "big")
            e = int.from_bytes(mf.b64url_decode(str(jwk["e"])), "big")
            if n.bit_length() < RSA_MIN_BITS:
                raise KeyResolutionError(f"RSA keys under {RSA_MIN_BITS} bits are refused")
            return rsa.RSAPublicNumbers(e, n).public_key()
    except KeyError as exc:
        raise MalformedError(f"JWK lacks member {exc.args[0]!r}") from None
    except ValueError as exc:
        raise MalformedError(f"invalid JWK: {exc}") from None
    raise KeyResolutionError(f"unsupported JWK kty={kty!r} crv={jwk.get('crv')!r}")


def jwk_thumbprint(jwk: Mapping[str, Any]) -> str:
    """RFC 7638 JWK thumbprint (SHA-256, base64url) over the required members."""
    required = {
        "OKP": ("crv", "kty", "x"),
        "EC": ("crv", "kty", "x", "y"),
        "RSA": ("e", "kty", "n"),
    }
    kty = jwk.get("kty")
    if kty not in required:
        raise MalformedError(f"cannot take the thumbprint of kty={kty!r}")
    try:
        members = {name: jwk[name] for name in required[str(kty)]}
    except KeyError as exc:
        raise MalformedError(f"JWK lacks member {exc.args[0]!r}") from None
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
    return mf.b64url_encode(hashlib.sha256(canonical).digest())


def public_key_to_multikey(key: PublicKey) -> str:
    """``publicKeyMultibase`` of a Multikey (Ed25519, P-256, P-384; base58-btc)."""
    if isinstance(key, ed25519.Ed25519PublicKey):
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return mf.multibase_encode(mf.multicodec_wrap(mf.ED25519_PUB, raw))
    if isinstance(key, ec.EllipticCurvePublicKey):
        code = mf.P256_PUB if key_type_of(key) == "P-256" else mf.P384_PUB
        point = key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
        )
        return mf.multibase_encode(mf.multicodec_wrap(code, point))
    raise KeyResolutionError("Multikey encodes Ed25519 and EC keys only; use JsonWebKey for RSA")


def multikey_to_public_key(multibase: str) -> PublicKey:
    """Decode a Multikey ``publicKeyMultibase`` (Ed25519, P-256, P-384)."""
    code, raw = mf.multicodec_unwrap(mf.multibase_decode(multibase))
    try:
        if code == mf.ED25519_PUB:
            if len(raw) != 32:
                raise MalformedError("Ed25519 public keys are 32 bytes")
            return ed25519.Ed25519PublicKey.from_public_bytes(raw)
        if code == mf.P256_PUB:
            return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
        if code == mf.P384_PUB:
            return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP384R1(), raw)
    except ValueError as exc:
        raise MalformedError(f"invalid Multikey point: {exc}") from None
    raise KeyResolutionError(f"unsupported Multikey codec 0x{code:x}")


def private_key_to_pem(key: PrivateKey) -> bytes:
    """Unencrypted PKCS#8 PEM; only ever passed to the key store's encryption layer."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def private_key_from_pem(pem: bytes) -> PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(
        key, ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    ):
        raise KeyResolutionError(f"unsupported private key {type(key).__name__}")
    return key
