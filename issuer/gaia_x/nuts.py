"""NUTS level-2 regions of France, for ``vcard:region`` of a Loire ``gx:Address``.

Loire ``gx:AddressShape`` constrains ``vcard:region`` with ``sh:in`` to the NUTS 2021
level-2 codes (Regulation (EU) 2023/674 annex; the shape's French values are ``FR10`` …
``FRM0`` and ``FRY1`` … ``FRY5``). NUTS level 2 in metropolitan France is the set of the 22
former regions (pre-2016), so each of the 13 current regions maps onto one or more of them;
the five overseas départements are each a region of their own. Saint-Pierre-et-Miquelon
and the other overseas collectivities (975, 977, 978, 98x) are outside NUTS: no code.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from issuer.company.geography import (
    UnknownLocation,
    departement_from_commune,
    departement_from_postal_code,
)

#: NUTS 2021 level-2 code → the départements it covers.
NUTS2_DEPARTEMENTS: Final = MappingProxyType(
    {
        "FR10": ("75", "77", "78", "91", "92", "93", "94", "95"),  # Île-de-France
        "FRB0": ("18", "28", "36", "37", "41", "45"),  # Centre — Val de Loire
        "FRC1": ("21", "58", "71", "89"),  # Bourgogne
        "FRC2": ("25", "39", "70", "90"),  # Franche-Comté
        "FRD1": ("14", "50", "61"),  # Basse-Normandie
        "FRD2": ("27", "76"),  # Haute-Normandie
        "FRE1": ("59", "62"),  # Nord-Pas de Calais
        "FRE2": ("02", "60", "80"),  # Picardie
        "FRF1": ("67", "68"),  # Alsace
        "FRF2": ("08", "10", "51", "52"),  # Champagne-Ardenne
        "FRF3": ("54", "55", "57", "88"),  # Lorraine
        "FRG0": ("44", "49", "53", "72", "85"),  # Pays de la Loire
        "FRH0": ("22", "29", "35", "56"),  # Bretagne
        "FRI1": ("24", "33", "40", "47", "64"),  # Aquitaine
        "FRI2": ("19", "23", "87"),  # Limousin
        "FRI3": ("16", "17", "79", "86"),  # Poitou-Charentes
        "FRJ1": ("11", "30", "34", "48", "66"),  # Languedoc-Roussillon
        "FRJ2": ("09", "12", "31", "32", "46", "65", "81", "82"),  # Midi-Pyrénées
        "FRK1": ("03", "15", "43", "63"),  # Auvergne
        "FRK2": ("01", "07", "26", "38", "42", "69", "73", "74"),  # Rhône-Alpes
        "FRL0": ("04", "05", "06", "13", "83", "84"),  # Provence-Alpes-Côte d'Azur
        "FRM0": ("2A", "2B"),  # Corse
        "FRY1": ("971",),  # Guadeloupe
        "FRY2": ("972",),  # Martinique
        "FRY3": ("973",),  # Guyane
        "FRY4": ("974",),  # La Réunion
        "FRY5": ("976",),  # Mayotte
    }
)

_BY_DEPARTEMENT: Final = MappingProxyType(
    {dep: region for region, deps in NUTS2_DEPARTEMENTS.items() for dep in deps}
)


def nuts2_for_departement(departement: str) -> str | None:
    """The NUTS2 code of a département code (``75`` → ``FR10``); None outside NUTS."""
    return _BY_DEPARTEMENT.get(departement.strip().upper())


def nuts2_for_address(postal_code: str | None, commune_code: str | None) -> str | None:
    """NUTS2 code of a French address (commune code first, as it is exact); None if unknown."""
    try:
        if commune_code:
            return nuts2_for_departement(departement_from_commune(commune_code))
        if postal_code:
            return nuts2_for_departement(departement_from_postal_code(postal_code))
    except UnknownLocation:
        return None
    return None
