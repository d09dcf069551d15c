"""Property tests: arbitrary input to the decoders raises library errors only."""

from __future__ import annotations

import contextlib
import gzip
import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from credentials import multiformats as mf
from credentials.errors import CredentialError
from credentials.status_list.bits import StatusBits
from credentials.status_list.bitstring import decode_list
from credentials.status_list.token import decode_status_list, encode_status_list

PAYLOADS = st.one_of(
    st.binary(max_size=512),
    st.binary(max_size=512).map(zlib.compress),
    st.binary(max_size=512).map(gzip.compress),
)


@settings(max_examples=200, deadline=None)
@given(data=PAYLOADS, bits=st.sampled_from([1, 2, 4, 8, 3, 0]))
def test_random_lst(data: bytes, bits: int) -> None:
    try:
        statuses = decode_status_list({"bits": bits, "lst": mf.b64url_encode(data)})
    except CredentialError:
        return
    assert len(statuses) == len(statuses.to_bytes()) * 8 // bits


@settings(max_examples=200, deadline=None)
@given(data=PAYLOADS, size=st.sampled_from([1, 2, 4, 8, 5]))
def test_random_encoded_list(data: bytes, size: int) -> None:
    with contextlib.suppress(CredentialError):
        decode_list("u" + mf.b64url_encode(data), size, minimum_entries=8)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200))
def test_random_text(text: str) -> None:
    with contextlib.suppress(CredentialError):
        decode_list(text)
    with contextlib.suppress(CredentialError):
        decode_status_list({"bits": 1, "lst": text})


@settings(max_examples=100, deadline=None)
@given(values=st.dictionaries(st.integers(0, 999), st.integers(0, 3), max_size=50))
def test_token_list_round_trip(values: dict[int, int]) -> None:
    statuses = StatusBits(1000, 2, order="lsb")
    for index, value in values.items():
        statuses.set(index, value)
    assert decode_status_list(encode_status_list(statuses)) == statuses
