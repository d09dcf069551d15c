"""draft-ietf-oauth-status-list-20 examples and test vectors (§4.1, §4.2, Appendix "Test
vectors for Status List encoding"), read from ../shared/vectors/token-status-list."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from credentials import multiformats as mf
from credentials.status_list.token import decode_status_list, encode_status_list, new_status_list
from tests.conftest import SHARED, requires_shared

pytestmark = requires_shared


def _vectors() -> list[Any]:
    if SHARED is None:
        return []
    path = Path(SHARED) / "vectors" / "token-status-list" / "vectors.json"
    return list(json.loads(path.read_text()))


def _id(vector: dict[str, Any]) -> str:
    return f"{vector['name']} ({vector['bits']}-bit, {vector['num_entries']} entries)"


VECTORS = _vectors()
CASES = [pytest.param(v, id=_id(v)) for v in VECTORS] or [
    pytest.param(None, id="vectors-absent", marks=pytest.mark.skip(reason="../shared absent"))
]


def _expected(vector: dict[str, Any]) -> dict[int, int]:
    return {int(index): int(value, 2) for index, value in vector["statuses"].items()}


@pytest.mark.parametrize("vector", CASES)
def test_encode_reproduces_lst(vector: dict[str, Any]) -> None:
    statuses = new_status_list(int(vector["num_entries"]), int(vector["bits"]))
    for index, value in _expected(vector).items():
        statuses.set(index, value)
    assert encode_status_list(statuses) == vector["status_list"]


@pytest.mark.parametrize("vector", CASES)
def test_decode_gives_the_statuses(vector: dict[str, Any]) -> None:
    statuses = decode_status_list(vector["status_list"])
    assert len(statuses) == int(vector["num_entries"])
    expected = {i: v for i, v in _expected(vector).items() if v}
    assert statuses.nonzero() == expected
    for index, value in _expected(vector).items():
        assert statuses.get(index) == value


BYTE_ARRAY_CASES = [
    pytest.param(v, id=_id(v)) for v in VECTORS if "uncompressed_byte_array" in v
] or CASES


@pytest.mark.parametrize("vector", BYTE_ARRAY_CASES)
def test_byte_array_examples(vector: dict[str, Any]) -> None:
    raw = bytes(int(b, 16) for b in vector["uncompressed_byte_array"])
    statuses = decode_status_list(vector["status_list"])
    assert statuses.to_bytes() == raw
    assert mf.b64url_decode(vector["status_list"]["lst"]).hex() == vector["compressed_hex"]
