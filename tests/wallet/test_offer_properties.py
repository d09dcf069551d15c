"""Property tests of the wallet's Credential Offer parser (OpenID4VCI 1.0 §4.1).

The offer reaches a wallet from a QR code anyone can print, so its parser takes outside
input: whatever the URI, the parser returns an offer that satisfies §4.1.1 or raises
:class:`OfferError`, nothing else. And every offer the issuer builds (``offer_uris``) reads
back, by value, as the same object.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from issuer.oid4vci.credential_offer import OFFER_SCHEME, offer_uris
from tests.fuzz.conftest import fuzz_settings
from tests.wallet.offer import OfferError, check_offer, parse_offer_uri

PRE_AUTHORIZED = "urn:ietf:params:oauth:grant-type:pre-authorized_code"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
offer_like = st.fixed_dictionaries(
    {},
    optional={
        "credential_issuer": json_values | st.just("https://issuer.example"),
        "credential_configuration_ids": json_values | st.lists(st.text(max_size=8), max_size=3),
        "grants": json_values
        | st.fixed_dictionaries(
            {
                PRE_AUTHORIZED: json_values
                | st.fixed_dictionaries({"pre-authorized_code": json_values})
            }
        ),
    },
)
uris = (
    st.text(max_size=60)
    | offer_like.map(lambda o: f"{OFFER_SCHEME}?credential_offer={quote(json.dumps(o))}")
    | st.text(max_size=30).map(lambda t: f"{OFFER_SCHEME}?credential_offer={quote(t)}")
    | st.text(max_size=30).map(
        lambda t: f"{OFFER_SCHEME}?credential_offer={t}&credential_offer={t}"
    )
)
valid_offers = st.fixed_dictionaries(
    {
        "credential_issuer": st.just("https://issuer.example"),
        "credential_configuration_ids": st.lists(
            st.text(min_size=1, max_size=12), min_size=1, max_size=3
        ),
        "grants": st.fixed_dictionaries(
            {
                PRE_AUTHORIZED: st.fixed_dictionaries(
                    {"pre-authorized_code": st.text(min_size=1, max_size=40)},
                    optional={
                        "tx_code": st.fixed_dictionaries(
                            {
                                "length": st.integers(1, 8),
                                "input_mode": st.sampled_from(["numeric", "text"]),
                            }
                        )
                    },
                )
            }
        ),
    }
)


@fuzz_settings(300)
@given(uris)
def test_any_uri_gives_an_offer_or_offer_error(uri: str) -> None:
    try:
        offer = parse_offer_uri(uri)
    except OfferError:
        return
    check_offer(offer)
    assert isinstance(offer["credential_issuer"], str)


@fuzz_settings(100)
@given(valid_offers)
def test_issuer_offers_read_back(document: dict[str, Any]) -> None:
    by_reference, by_value = offer_uris("https://issuer.example/offers/abc", document)
    assert parse_offer_uri(by_value) == document
    # by reference needs a fetch; without an HTTP client it is refused, not guessed
    with pytest.raises(OfferError, match="HTTP client"):
        parse_offer_uri(by_reference)


def test_both_parameters_refused() -> None:
    uri = f"{OFFER_SCHEME}?credential_offer=%7B%7D&credential_offer_uri=https%3A%2F%2Fx"
    with pytest.raises(OfferError, match="exactly one"):
        parse_offer_uri(uri)
