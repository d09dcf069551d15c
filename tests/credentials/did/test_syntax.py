"""The DID URL grammar (DID Core 1.0 §3.1, §3.2): the possessive pattern in
:mod:`credentials.did.syntax` against the ABNF transcribed literally (backtracking), on
random strings built from the characters that matter."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from credentials.did.syntax import _DID_URL, parse_did_url
from credentials.errors import MalformedError

_IDCHAR = r"(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})"
_PCHAR = r"(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})"
LITERAL = re.compile(
    rf"^did:(?P<method>[a-z0-9]+):(?P<msi>(?:{_IDCHAR}*:)*{_IDCHAR}+)"
    rf"(?P<path>(?:/{_PCHAR}*)*)"
    rf"(?:\?(?P<query>(?:{_PCHAR}|[/?])*))?"
    rf"(?:#(?P<fragment>(?:{_PCHAR}|[/?])*))?$"
)

#: Characters on both sides of every boundary of the grammar.
_ALPHABET = "aZ09.-_:%/?#@~!'=fF g\u00e9"
TAILS = st.text(alphabet=_ALPHABET, max_size=40)


@settings(max_examples=3000, deadline=None)
@given(method=st.sampled_from(["web", "jwk", "key", "x1", "", "A"]), tail=TAILS)
@example(method="web", tail="a:")
@example(method="web", tail=":a")
@example(method="web", tail="a::b/c:d?x/y?#f?/")
@example(method="web", tail="a%2")
@example(method="web", tail="a%2g")
@example(method="web", tail="a%20b/%7e#")
def test_same_language_as_the_literal_grammar(method: str, tail: str) -> None:
    text = f"did:{method}:{tail}"
    literal = LITERAL.match(text)
    fast = _DID_URL.match(text)
    assert (fast is None) == (literal is None), text
    if fast is not None and literal is not None:
        assert fast.groupdict() == literal.groupdict()


def test_refusals_are_not_cached() -> None:
    for _ in range(2):
        with pytest.raises(MalformedError):
            parse_did_url("did:web:a:")
    assert parse_did_url("did:web:a") is parse_did_url("did:web:a")
