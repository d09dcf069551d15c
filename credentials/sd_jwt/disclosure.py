"""Disclosures (RFC 9901 §4.2.1, §4.2.2) and their digests (§4.2.3).

A disclosure is ``base64url(UTF-8(JSON([salt, name, value])))`` for an object property or
``base64url(UTF-8(JSON([salt, value])))`` for an array element. The digest is computed
over the *encoded* string as received, never over a re-encoding (§4.2.3: "the bytes of
the Disclosure ... as it appears in the SD-JWT").
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from credentials import multiformats as mf
from credentials.errors import MalformedError
from credentials.sd_jwt.constants import RESERVED_CLAIM_NAMES
from credentials.sd_jwt.digest import b64_digest
from credentials.sd_jwt.errors import DisclosureError

#: Salt bytes per disclosure; RFC 9901 §9.3 recommends at least 128 bits.
SALT_BYTES: Final = 16

SaltSource = Callable[[], bytes]


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True, slots=True)
class Disclosure:
    """One decoded disclosure; ``name`` is ``None`` for an array element."""

    encoded: str
    salt: str
    name: str | None
    value: Any
    digest: str

    @property
    def is_array_element(self) -> bool:
        return self.name is None


def make_disclosure(salt: str, name: str | None, value: Any, sd_alg: str) -> Disclosure:
    """Encode a new disclosure (issuer side, RFC 9901 §4.2.1–4.2.2)."""
    if name is not None and name in RESERVED_CLAIM_NAMES:
        raise DisclosureError(f"claim name {name!r} is reserved by SD-JWT")
    array = [salt, value] if name is None else [salt, name, value]
    text = json.dumps(array, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    encoded = b64url_encode(text.encode("utf-8"))
    return Disclosure(encoded, salt, name, value, b64_digest(sd_alg, encoded))


def new_salt(source: SaltSource) -> str:
    return b64url_encode(source())


def decode_disclosure(encoded: str, sd_alg: str) -> Disclosure:
    """Decode and check the shape of one received disclosure (RFC 9901 §7.1 step 3.3).

    An object-property disclosure "MUST be an array of three elements", an array-element
    one "of two elements"; the salt is a string; the claim name is a string and "MUST NOT
    be ``_sd`` or ``...``". Which of the two shapes is expected depends on where the
    digest is found and is checked by the caller.
    """
    try:
        array = json.loads(mf.b64url_decode(encoded).decode("utf-8"))
    except (MalformedError, ValueError, RecursionError):
        raise DisclosureError("disclosure is not base64url-encoded JSON") from None
    if not isinstance(array, list) or len(array) not in (2, 3):
        raise DisclosureError("a disclosure must be a JSON array of 2 or 3 elements")
    salt = array[0]
    if not isinstance(salt, str):
        raise DisclosureError("the salt of a disclosure must be a string")
    name: str | None = None
    if len(array) == 3:
        name = array[1]
        if not isinstance(name, str):
            raise DisclosureError("the claim name of a disclosure must be a string")
        if name in RESERVED_CLAIM_NAMES:
            raise DisclosureError(f"a disclosure must not carry the claim name {name!r}")
    return Disclosure(encoded, salt, name, array[-1], b64_digest(sd_alg, encoded))
