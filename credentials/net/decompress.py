"""Bounded decompression of untrusted bytes (zip-bomb defence).

A few kilobytes of DEFLATE can expand to gigabytes, and status lists and HTTP bodies come
from the network. Every inflate here is given the largest output the caller accepts and
stops there: output memory is bounded by ``max_output`` whatever the input says.

- ``gzip``: RFC 1952 (W3C Bitstring Status List ``encodedList``, HTTP ``Content-Encoding``).
- ``zlib``: RFC 1950 DEFLATE with the zlib header (IETF Token Status List ``lst``).
"""

from __future__ import annotations

import zlib
from typing import Final, Literal

from credentials.errors import CredentialError, MalformedError

Container = Literal["gzip", "zlib"]

_WBITS: Final[dict[str, int]] = {"gzip": 16 + zlib.MAX_WBITS, "zlib": zlib.MAX_WBITS}


class DecompressionLimitError(CredentialError):
    """The compressed input expands beyond the size the caller accepts."""

    code = "decompression_limit"


def inflate(data: bytes, *, container: Container, max_output: int) -> bytes:
    """Decompress one complete ``container`` stream, refusing more than ``max_output`` bytes.

    Truncated streams, trailing bytes after the stream and bad checksums are malformed.
    """
    if max_output < 0:
        raise ValueError("max_output must be non-negative")
    decompressor = zlib.decompressobj(_WBITS[container])
    try:
        out = decompressor.decompress(data, max_output + 1)
    except zlib.error as exc:
        raise MalformedError(f"invalid {container} data: {exc}") from None
    if len(out) > max_output or decompressor.unconsumed_tail:
        raise DecompressionLimitError(f"{container} data expands beyond {max_output} bytes")
    if not decompressor.eof:
        raise MalformedError(f"truncated {container} data")
    if decompressor.unused_data:
        raise MalformedError(f"trailing bytes after the {container} stream")
    return out
