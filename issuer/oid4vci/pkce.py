"""Proof Key for Code Exchange (RFC 7636) with the ``S256`` method only.

RFC 7636 §4.1: ``code_verifier = high-entropy cryptographic random STRING using the
unreserved characters [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~", with a minimum length
of 43 characters and a maximum length of 128 characters``; §4.2: ``code_challenge =
BASE64URL-ENCODE(SHA256(ASCII(code_verifier)))``. ``plain`` is refused (ASVS 10.4.6).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Final

from credentials import multiformats as mf

_VERIFIER: Final = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")
_CHALLENGE: Final = re.compile(r"^[A-Za-z0-9\-_]{43}$")


def s256(code_verifier: str) -> str:
    return mf.b64url_encode(hashlib.sha256(code_verifier.encode("ascii")).digest())


def valid_challenge(code_challenge: str) -> bool:
    return bool(_CHALLENGE.match(code_challenge))


def verify(code_verifier: str, code_challenge: str) -> bool:
    """Whether ``code_verifier`` is well formed and hashes to ``code_challenge``."""
    if not _VERIFIER.match(code_verifier):
        return False
    return hmac.compare_digest(s256(code_verifier).encode(), code_challenge.encode())
