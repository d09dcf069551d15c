"""The sandbox personas file loads and follows its schema."""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import pytest

from attestia.sandbox.personas import (
    CERTIFICATION_DIRIGEANT_ACR,
    PersonaError,
    load_personas,
    parse_personas,
)


def _document() -> dict[str, Any]:
    text = resources.files("attestia.sandbox").joinpath("personas.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def test_catalogue_has_the_required_personas() -> None:
    catalogue = load_personas()
    assert len(catalogue) >= 8
    assert [p.id for p in catalogue.administrators] == ["administrateur-registre"]
    assert catalogue.get("presidente-sas").can_reach(CERTIFICATION_DIRIGEANT_ACR)
    assert catalogue.get("gerant-sarl").can_reach(CERTIFICATION_DIRIGEANT_ACR)
    assert not catalogue.get("salarie-sans-mandat").can_reach(CERTIFICATION_DIRIGEANT_ACR)


def test_userinfo_renders_proconnect_claims() -> None:
    persona = load_personas().get("presidente-sas")
    claims = persona.userinfo("91845372100022", CERTIFICATION_DIRIGEANT_ACR)
    assert claims["siret"] == "91845372100022"
    assert claims["siren"] == "918453721"
    assert claims["idp_acr"] == CERTIFICATION_DIRIGEANT_ACR
    assert claims["phone_number"] == "+33 6 00 00 01 01"
    assert "organizational_unit" not in claims


def test_userinfo_refuses_a_siret_or_acr_the_persona_does_not_have() -> None:
    persona = load_personas().get("salarie-sans-mandat")
    with pytest.raises(PersonaError):
        persona.userinfo("91845372100014")
    with pytest.raises(PersonaError):
        persona.userinfo(acr=CERTIFICATION_DIRIGEANT_ACR)


def _mutate(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    document = copy.deepcopy(_document())
    target: Any = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return document


@pytest.mark.parametrize(
    ("path", "value"),
    [
        pytest.param(("schema_version",), 2, id="schema-version"),
        pytest.param(("personas", 0, "sirets", 0, "siret"), "91845372100015", id="bad-luhn"),
        pytest.param(("personas", 0, "acr_values"), ["eidas9"], id="unknown-acr"),
        pytest.param(("personas", 0, "claims", "roles"), ["superuser"], id="unknown-role"),
        pytest.param(("personas", 1, "id"), "presidente-sas", id="duplicate-id"),
        pytest.param(("personas", 0, "claims", "email"), "", id="empty-email"),
        pytest.param(("personas", 0, "civil_identity", "gender"), "x", id="bad-gender"),
        pytest.param(("personas", 0, "claims", "idp_acr"), "eidas2", id="idp-acr-unreachable"),
    ],
)
def test_schema_violations_are_refused(path: tuple[Any, ...], value: Any) -> None:
    with pytest.raises(PersonaError):
        parse_personas(_mutate(path, value))
