"""Digests of disclosures and of presentations (RFC 9901 §4.2.3, §4.3.1).

Hash names come from the IANA "Named Information Hash Algorithm" registry (RFC 9901
§4.1.1). Digests are base64url without padding over the hash of the ASCII bytes of the
encoded disclosure (or of the presentation, for ``sd_hash``).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Final

from credentials.sd_jwt.errors import DisclosureError

_HASHES: Final[dict[str, Callable[[bytes], hashlib._Hash]]] = {
    "sha-256": hashlib.sha256,
    "sha-384": hashlib.sha384,
    "sha-512": hashlib.sha512,
}

#: The algorithms a verifier accepts unless told otherwise (RFC 9901 §7.1 step 3.1:
#: the ``_sd_alg`` must be "one that the Verifier supports and deems secure").
DEFAULT_ACCEPTED_SD_ALGS: Final = frozenset({"sha-256"})


def hash_function(sd_alg: str) -> Callable[[bytes], hashlib._Hash]:
    try:
        return _HASHES[sd_alg]
    except KeyError:
        raise DisclosureError(f"unsupported _sd_alg {sd_alg!r}") from None


def b64_digest(sd_alg: str, text: str) -> str:
    """base64url(hash(ASCII(text))), no padding."""
    raw = hash_function(sd_alg)(text.encode("ascii")).digest()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
