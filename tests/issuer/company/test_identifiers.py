"""SIREN / SIRET (Luhn, La Poste exception) and the French VAT number."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from issuer.company.errors import InvalidIdentifier
from issuer.company.identifiers import (
    is_valid_siren,
    is_valid_siret,
    is_valid_vat_number,
    luhn_check_digit,
    luhn_valid,
    parse_siren,
    parse_siret,
    vat_number,
)


@pytest.mark.parametrize(
    ("siren", "vat"),
    [
        pytest.param("672039971", "FR48672039971", id="api-entreprise-example"),
        pytest.param("732829320", "FR44732829320", id="stdnum-doctest"),
        pytest.param("552032534", "FR27552032534", id="reference-552032534"),
        pytest.param("807612296", "FR00807612296", id="key-00"),
    ],
)
def test_vat_number_vectors(siren: str, vat: str) -> None:
    assert vat_number(siren) == vat
    assert is_valid_vat_number(vat)


@pytest.mark.parametrize(
    "vat",
    [
        pytest.param("FR49672039971", id="wrong-key"),
        pytest.param("FR48672039972", id="siren-fails-luhn"),
        pytest.param("FRA8672039971", id="letter-key"),
        pytest.param("DE48672039971", id="other-country"),
    ],
)
def test_bad_vat_numbers(vat: str) -> None:
    assert not is_valid_vat_number(vat)


@pytest.mark.parametrize("siren", ["732829320", "807612296", "356000000", "918453721", "130098742"])
def test_valid_sirens(siren: str) -> None:
    assert is_valid_siren(siren)


@pytest.mark.parametrize(
    "siren",
    [
        pytest.param("732829321", id="luhn"),
        pytest.param("73282932", id="eight-digits"),
        pytest.param("7328293200", id="ten-digits"),
        pytest.param("73282932a", id="letter"),
        pytest.param("７３２８２９３２０", id="fullwidth-digits"),
        pytest.param("", id="empty"),
    ],
)
def test_invalid_sirens(siren: str) -> None:
    assert not is_valid_siren(siren)
    with pytest.raises(InvalidIdentifier):
        parse_siren(siren)


@pytest.mark.parametrize(
    ("siret", "valid"),
    [
        pytest.param("80761229600044", True, id="luhn-ok"),
        pytest.param("80761229600045", False, id="luhn-ko"),
        pytest.param("35600000000048", True, id="la-poste-head-office-luhn"),
        pytest.param("35600000000049", False, id="la-poste-head-office-not-luhn"),
        pytest.param("35600000010000", True, id="la-poste-sum-multiple-of-5"),
        pytest.param("35600000049440", True, id="la-poste-sum-30"),
        pytest.param("35600000010001", False, id="la-poste-sum-not-multiple-of-5"),
        pytest.param("3560000001000", False, id="la-poste-13-digits"),
    ],
)
def test_siret_rules(siret: str, valid: bool) -> None:
    assert is_valid_siret(siret) is valid


def test_parse_siret_accepts_spaces() -> None:
    assert parse_siret("918 453 721 00014") == "91845372100014"
    with pytest.raises(InvalidIdentifier) as caught:
        parse_siret("918 453 721 00015")
    assert caught.value.message_en == "SIRET number '918 453 721 00015' is not valid"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="0123456789", min_size=8, max_size=13))
def test_check_digit_completes_a_luhn_number(partial: str) -> None:
    number = partial + luhn_check_digit(partial)
    assert luhn_valid(number)
    other = str((int(number[-1]) + 1) % 10)
    assert not luhn_valid(number[:-1] + other)


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0, max_value=99_999_999))
def test_vat_key_matches_the_stdnum_formulation(base: int) -> None:
    partial = f"{base:08d}"
    siren = partial + luhn_check_digit(partial)
    vat = vat_number(siren)
    assert int(vat[2:4]) == int(siren + "12") % 97
    assert is_valid_vat_number(vat)
