"""Status lists: W3C Bitstring Status List v1.0 and IETF Token Status List (draft -20).

Both pack fixed-width status values into a compressed byte array; :class:`StatusBits` is the
mutable in-memory list both build on (they differ in bit order and compression container).
Decompression is always bounded (``credentials.net.decompress``).
"""

from credentials.status_list.bits import StatusBits, StatusRangeError

__all__ = ["StatusBits", "StatusRangeError"]
