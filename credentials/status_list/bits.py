"""A mutable packed array of fixed-width status values, shared by both status list kinds.

Both specifications pack ``bits``-wide values (1, 2, 4 or 8) into a byte array; they differ
only in where index 0 sits inside the first byte:

- IETF Token Status List (draft-ietf-oauth-status-list §4.1): each value fills its block of
  bits starting from the least significant bit of byte 0 (``"lsb"``).
- W3C Bitstring Status List v1.0 §3.3: "the first index, with a value of zero (0), is located
  at the left-most bit in the bitstring" (``"msb"``): the most significant bit of byte 0.

The issuer rebuilds a list from its database rows with :meth:`StatusBits.set`; the verifier
reads with :meth:`StatusBits.get`. Storage is a :class:`bytearray` (1 MiB holds 2^20 8-bit
values), so 131,072+ entries cost nothing to build.
"""

from __future__ import annotations

from typing import Final, Literal

from credentials.errors import MalformedError, StatusError

BitOrder = Literal["lsb", "msb"]
BitWidth = Literal[1, 2, 4, 8]
BIT_WIDTHS: Final[frozenset[int]] = frozenset({1, 2, 4, 8})

#: The largest list this package builds or accepts: 2^24 bytes (16 MiB).
MAX_LIST_BYTES: Final = 16 * 1024 * 1024


class StatusRangeError(StatusError):
    """The index lies outside the list (W3C ``RANGE_ERROR``; IETF: "out of bounds")."""

    code = "status_range"


def check_width(bits: object) -> BitWidth:
    if isinstance(bits, bool) or bits not in BIT_WIDTHS:
        raise MalformedError(f"status width must be 1, 2, 4 or 8 bits, not {bits!r}")
    return bits  # type: ignore[return-value]


class StatusBits:
    """``size`` status values of ``bits`` bits each, packed in ``order``."""

    __slots__ = ("_bits", "_data", "_mask", "_order", "_per_byte")

    def __init__(self, size: int, bits: int = 1, *, order: BitOrder) -> None:
        self._bits = check_width(bits)
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise ValueError("size must be a non-negative integer")
        length = -(-size * self._bits // 8)
        if length > MAX_LIST_BYTES:
            raise ValueError(f"a status list is at most {MAX_LIST_BYTES} bytes")
        self._data = bytearray(length)
        self._order: BitOrder = order
        self._per_byte = 8 // self._bits
        self._mask = (1 << self._bits) - 1

    @classmethod
    def from_bytes(cls, data: bytes, bits: int, *, order: BitOrder) -> StatusBits:
        """Wrap a decoded byte array; its length fixes the number of entries."""
        width = check_width(bits)
        if len(data) > MAX_LIST_BYTES:
            raise MalformedError(f"a status list is at most {MAX_LIST_BYTES} bytes")
        instance = cls(0, width, order=order)
        instance._data = bytearray(data)
        return instance

    @property
    def bits(self) -> BitWidth:
        return self._bits

    @property
    def order(self) -> BitOrder:
        return self._order

    def __len__(self) -> int:
        """The number of entries (every slot of the byte array counts)."""
        return len(self._data) * self._per_byte

    def _locate(self, index: int) -> tuple[int, int]:
        if isinstance(index, bool) or not isinstance(index, int):
            raise MalformedError("a status index must be an integer")
        if not 0 <= index < len(self):
            raise StatusRangeError(f"index {index} is outside the list of {len(self)} entries")
        byte, slot = divmod(index, self._per_byte)
        if self._order == "lsb":
            return byte, slot * self._bits
        return byte, 8 - (slot + 1) * self._bits

    def get(self, index: int) -> int:
        byte, shift = self._locate(index)
        return (self._data[byte] >> shift) & self._mask

    def set(self, index: int, value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= self._mask:
            raise ValueError(f"a {self._bits}-bit status value is 0..{self._mask}, not {value!r}")
        byte, shift = self._locate(index)
        current = self._data[byte] & ~(self._mask << shift)
        self._data[byte] = current | (value << shift)

    def to_bytes(self) -> bytes:
        return bytes(self._data)

    def nonzero(self) -> dict[int, int]:
        """Every index whose value is not 0 (for tests and audits; linear in the list size)."""
        found: dict[int, int] = {}
        for byte_index, byte in enumerate(self._data):
            if byte:
                first = byte_index * self._per_byte
                for index in range(first, first + self._per_byte):
                    value = self.get(index)
                    if value:
                        found[index] = value
        return found

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StatusBits):
            return NotImplemented
        return (self._bits, self._order, self._data) == (other._bits, other._order, other._data)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"StatusBits(size={len(self)}, bits={self._bits}, order={self._order!r})"
