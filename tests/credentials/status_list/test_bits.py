"""StatusBits: the packed list both status list kinds share."""

from __future__ import annotations

import pytest

from credentials.errors import MalformedError
from credentials.status_list.bits import StatusBits, StatusRangeError


def test_ietf_order_matches_the_draft_figure() -> None:
    """§4.1 figure: bits=2, statuses 1,2,0,3 | 0,1,0,1 | 1,2,3,3 -> 0xC9 0x44 0xF9."""
    statuses = StatusBits(12, 2, order="lsb")
    for index, value in enumerate([1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3]):
        statuses.set(index, value)
    assert statuses.to_bytes() == bytes([0xC9, 0x44, 0xF9])


def test_w3c_order_puts_index_zero_in_the_left_most_bit() -> None:
    statuses = StatusBits(16, 1, order="msb")
    statuses.set(0, 1)
    statuses.set(9, 1)
    assert statuses.to_bytes() == bytes([0b1000_0000, 0b0100_0000])
    wide = StatusBits(4, 4, order="msb")
    wide.set(0, 0xA)
    wide.set(3, 0x5)
    assert wide.to_bytes() == bytes([0xA0, 0x05])


@pytest.mark.parametrize("bits", [1, 2, 4, 8])
@pytest.mark.parametrize("order", ["lsb", "msb"])
def test_set_get_and_overwrite(bits: int, order: str) -> None:
    statuses = StatusBits(131_072, bits, order=order)  # type: ignore[arg-type]
    top = (1 << bits) - 1
    statuses.set(131_071, top)
    statuses.set(5, top)
    statuses.set(5, 0)
    assert statuses.get(131_071) == top
    assert statuses.get(5) == 0
    assert statuses.nonzero() == {131_071: top}
    assert StatusBits.from_bytes(statuses.to_bytes(), bits, order=order) == statuses  # type: ignore[arg-type]


def test_range_and_value_checks() -> None:
    statuses = StatusBits(8, 1, order="lsb")
    with pytest.raises(StatusRangeError):
        statuses.get(8)
    with pytest.raises(StatusRangeError):
        statuses.get(-1)
    with pytest.raises(ValueError):
        statuses.set(0, 2)
    with pytest.raises(MalformedError):
        StatusBits(8, 3, order="lsb")
