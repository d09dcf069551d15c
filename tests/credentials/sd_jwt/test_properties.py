"""Property tests: any string, and any mutation of a valid SD-JWT+KB, is refused with a
failed result and never raises."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credentials.keys import SoftwareSigner, generate_private_key
from credentials.sd_jwt import SD, KeyBindingRequest, create_presentation, issue_sd_jwt
from credentials.sd_jwt.verifier import check_sd_jwt
from tests.credentials.sd_jwt.conftest import AUD, ISS, NONCE, NOW, fixed_key

ISSUER = SoftwareSigner(generate_private_key("P-256"), "issuer")
HOLDER = SoftwareSigner(generate_private_key("P-256"), "")
CLAIMS: dict[str, Any] = {
    "iss": ISS,
    "iat": NOW - 10,
    "cnf": {"jwk": HOLDER.public_jwk()},
    "given_name": SD("Erika"),
    "address": SD({"locality": SD("Köln"), "country": "DE"}),
    "nationalities": [SD("DE"), SD("FR")],
}
VALID = create_presentation(
    issue_sd_jwt(CLAIMS, ISSUER, typ="dc+sd-jwt", decoys=1).compact,
    [("given_name",), ("address", "locality"), ("nationalities", 0)],
    key_binding=KeyBindingRequest(HOLDER, NONCE, AUD, NOW - 5),
)
ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~=+/{}"é'


def _check(text: object) -> Any:
    result, _ = check_sd_jwt(
        text,
        issuer_key=fixed_key(ISSUER.public_key()),
        now=NOW,
        require_key_binding=True,
        expected_nonce=NONCE,
        expected_aud=AUD,
    )
    return result


def test_the_unmutated_presentation_verifies() -> None:
    assert _check(VALID).verified


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet=ALPHABET)))
def test_random_strings_fail_cleanly(text: str) -> None:
    assert not _check(text).verified


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=len(VALID) - 1), st.sampled_from(ALPHABET))
def test_flipped_character_fails_cleanly(position: int, char: str) -> None:
    if VALID[position] == char:
        return
    mutated = VALID[:position] + char + VALID[position + 1 :]
    result = _check(mutated)
    assert not result.verified, (position, char)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_dropped_or_duplicated_segment_fails_cleanly(data: st.DataObject) -> None:
    segments = VALID.split("~")
    index = data.draw(st.integers(min_value=0, max_value=len(segments) - 1))
    if data.draw(st.booleans()):
        mutated = segments[:index] + segments[index + 1 :]
    else:
        mutated = segments[: index + 1] + segments[index:]
    assert not _check("~".join(mutated)).verified
