"""The packaged offline dataset: valid numbers, parsed by the real parsers, personas covered."""

from __future__ import annotations

import asyncio
import json
from importlib import resources
from typing import Any

import pytest

from attestia.sandbox.personas import load_personas
from issuer.company.identifiers import LA_POSTE_SIREN, is_valid_siren, is_valid_siret
from issuer.company.offline import OfflineRegistry

#: Numbers quoted in the reference (real companies): the dataset must not reuse them.
REAL_NUMBERS = {"672039971", "732829320", "552032534", "807612296", "343293775", "838324820"}


def _data(name: str) -> Any:
    text = resources.files("issuer.company.data").joinpath(name).read_text("utf-8")
    return json.loads(text)


UNITS = _data("offline_recherche_entreprises.json")["results"]
COMPANIES = _data("offline_rne_companies.json")["companies"]


def _sirets(unit: dict[str, Any]) -> list[str]:
    return [unit["siege"]["siret"], *(e["siret"] for e in unit["matching_etablissements"])]


@pytest.mark.parametrize("unit", UNITS, ids=[u["siren"] for u in UNITS])
def test_numbers_are_valid_and_fictitious(unit: dict[str, Any]) -> None:
    assert is_valid_siren(unit["siren"])
    assert unit["siren"] not in REAL_NUMBERS
    for siret in _sirets(unit):
        assert siret.startswith(unit["siren"])
        assert is_valid_siret(siret)


@pytest.mark.parametrize("unit", UNITS, ids=[u["siren"] for u in UNITS])
def test_every_record_parses(unit: dict[str, Any]) -> None:
    registry = OfflineRegistry()

    async def scenario() -> None:
        await registry.legal_unit(unit["siren"])
        await registry.mandates(unit["siren"])
        for siret in _sirets(unit):
            await registry.establishment(siret)

    asyncio.run(scenario())


def test_rne_documents_belong_to_known_units() -> None:
    assert {c["siren"] for c in COMPANIES} <= {u["siren"] for u in UNITS}


def test_edge_cases_are_present() -> None:
    by_nature = {u["nature_juridique"] for u in UNITS}
    assert {"5710", "5499", "1000", "7210", "9220"} <= by_nature
    assert any(u["etat_administratif"] == "C" and u["date_fermeture"] for u in UNITS)
    assert any(u["statut_diffusion"] == "P" for u in UNITS)
    assert any(u["siren"] == LA_POSTE_SIREN for u in UNITS)
    pouvoirs = [
        p
        for c in COMPANIES
        for p in (c["formality"]["content"].get("personneMorale") or {})
        .get("composition", {})
        .get("pouvoirs", [])
    ]
    assert any(p["typeDePersonne"] == "ENTREPRISE" for p in pouvoirs)
    assert any(p["actif"] is False for p in pouvoirs)


def test_every_persona_siret_exists_in_the_dataset() -> None:
    known = {siret for unit in UNITS for siret in _sirets(unit)}
    for persona in load_personas():
        for choice in persona.sirets:
            assert choice.siret in known, persona.id
