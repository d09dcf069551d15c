"""Postal code → département → ISO 3166-2 subdivision (as Gaia-X checks it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from issuer.company.geography import (
    UnknownLocation,
    departement_from_commune,
    departement_from_postal_code,
    subdivision_code,
    subdivision_for_address,
    subdivision_table,
)
from tests.conftest import requires_shared


@pytest.mark.parametrize(
    ("postal_code", "departement"),
    [
        ("75008", "75"),
        ("01000", "01"),
        ("20000", "2A"),
        ("20137", "2A"),
        ("20200", "2B"),
        ("20600", "2B"),
        ("97400", "974"),
        ("97600", "976"),
        ("97133", "971"),
        ("98800", "988"),
    ],
)
def test_departement_from_postal_code(postal_code: str, departement: str) -> None:
    assert departement_from_postal_code(postal_code) == departement


@pytest.mark.parametrize("postal_code", ["98000", "00100", "7500", "75OO8", "96000"])
def test_unknown_postal_codes(postal_code: str) -> None:
    with pytest.raises(UnknownLocation):
        departement_from_postal_code(postal_code)


@pytest.mark.parametrize(
    ("commune", "departement"),
    [("75056", "75"), ("2A004", "2A"), ("2b033", "2B"), ("97411", "974")],
)
def test_departement_from_commune(commune: str, departement: str) -> None:
    assert departement_from_commune(commune) == departement


@pytest.mark.parametrize(
    ("departement", "code"),
    [
        ("75", "FR-75C"),
        ("69", "FR-69"),
        ("2A", "FR-2A"),
        ("13", "FR-13"),
        ("976", "FR-976"),
        ("975", "FR-PM"),
    ],
)
def test_subdivision_codes(departement: str, code: str) -> None:
    assert subdivision_code(departement) == code


def test_paris_is_never_fr_75() -> None:
    assert "FR-75" not in subdivision_table().values()
    assert subdivision_for_address("75011", None) == "FR-75C"
    assert subdivision_for_address("13001", "75056") == "FR-75C"


def test_address_needs_a_location() -> None:
    with pytest.raises(UnknownLocation):
        subdivision_for_address(None, None)


def test_every_departement_is_mapped() -> None:
    table = subdivision_table()
    metropolitan = {f"{n:02d}" for n in range(1, 96) if n != 20} | {"2A", "2B"}
    assert metropolitan | {"971", "972", "973", "974", "976"} <= set(table)


@requires_shared
def test_every_code_is_in_the_gaia_x_iso_list(shared: Path) -> None:
    listed = set(
        json.loads((shared / "gaia-x/tagus/iso-3166-2-country-codes.json").read_text("utf-8"))
    )
    missing = {d: c for d, c in subdivision_table().items() if c not in listed}
    assert missing == {}
