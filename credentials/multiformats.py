"""Multibase and multicodec, as far as Multikey and did:key need them.

- Multibase (draft-multiformats-multibase): ``z`` = base58-btc, ``u`` = base64url, no padding.
- Multicodec varint prefixes for public keys (Controlled Identifiers v1.0 §2.2.2 Multikey):
  ``ed25519-pub`` 0xed, ``p256-pub`` 0x1200, ``p384-pub`` 0x1201; secret keys
  ``ed25519-priv`` 0x1300, ``p256-priv`` 0x1306, ``p384-priv`` 0x1307.
"""

from __future__ import annotations

import base64
import re
from typing import Final

from credentials.errors import MalformedError

_B58_ALPHABET: Final = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX: Final = {char: index for index, char in enumerate(_B58_ALPHABET)}

ED25519_PUB: Final = 0xED
P256_PUB: Final = 0x1200
P384_PUB: Final = 0x1201
ED25519_PRIV: Final = 0x1300
P256_PRIV: Final = 0x1306
P384_PRIV: Final = 0x1307

MAX_MULTIBASE_LENGTH: Final = 4096


def b58encode(data: bytes) -> str:
    """Encode bytes in base58-btc (leading zero bytes become ``1``)."""
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, rem = divmod(number, 58)
        out.append(_B58_ALPHABET[rem])
    leading = len(data) - len(data.lstrip(b"\0"))
    return "1" * leading + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    """Decode base58-btc; refuses characters outside the alphabet."""
    number = 0
    for char in text:
        try:
            number = number * 58 + _B58_INDEX[char]
        except KeyError:
            raise MalformedError(f"invalid base58 character {char!r}") from None
    leading = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * leading + body


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


_B64URL_TEXT: Final = re.compile(r"[A-Za-z0-9_-]*")
_B64URL_INDEX: Final = {
    char: index
    for index, char in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
}


def b64url_decode(text: str) -> bytes:
    """Strict, canonical base64url without padding (RFC 7515 §2, RFC 4648 §3.5).

    The unused low bits of the last character must be zero, so that one byte string has
    exactly one encoding (otherwise a signature could be re-encoded and still verify).
    """
    if _B64URL_TEXT.fullmatch(text) is None:
        raise MalformedError("invalid base64url text")
    rem = len(text) % 4
    if rem == 1:
        raise MalformedError("invalid base64url length")
    if rem and _B64URL_INDEX[text[-1]] & (0x0F if rem == 2 else 0x03):
        raise MalformedError("non-canonical base64url text")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError as exc:
        raise MalformedError("invalid base64url text") from exc


def multibase_encode(data: bytes, base: str = "z") -> str:
    """Multibase-encode with ``z`` (base58-btc) or ``u`` (base64url, no padding)."""
    if base == "z":
        return "z" + b58encode(data)
    if base == "u":
        return "u" + b64url_encode(data)
    raise ValueError(f"unsupported multibase prefix {base!r}")


def multibase_decode(text: str) -> bytes:
    """Decode a ``z`` or ``u`` multibase string; anything else is malformed."""
    if not isinstance(text, str) or not text:
        raise MalformedError("multibase value must be a non-empty string")
    if len(text) > MAX_MULTIBASE_LENGTH:
        raise MalformedError("multibase value too long")
    prefix, body = text[0], text[1:]
    if prefix == "z":
        return b58decode(body)
    if prefix == "u":
        return b64url_decode(body)
    raise MalformedError(f"unsupported multibase prefix {prefix!r}")


def varint_encode(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def varint_decode(data: bytes) -> tuple[int, int]:
    """Return (value, bytes consumed); multicodec codes use at most 9 bytes."""
    value = 0
    for index, byte in enumerate(data[:9]):
        value |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            return value, index + 1
    raise MalformedError("invalid multicodec varint")


def multicodec_wrap(code: int, data: bytes) -> bytes:
    return varint_encode(code) + data


def multicodec_unwrap(data: bytes) -> tuple[int, bytes]:
    code, used = varint_decode(data)
    return code, data[used:]
