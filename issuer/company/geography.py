"""Postal codes, communes, départements and ISO 3166-2 subdivision codes.

Gaia-X Tagus checks ``gx:countrySubdivisionCode`` of a legal address against an ISO
3166-2 list in which Paris is ``FR-75C`` (not ``FR-75``) and Corsica's départements are
``FR-2A``/``FR-2B``. The mapping ships as package data (``data/iso_3166_2_fr.json``).

A postal code is only an approximation of a département (some codes straddle a border);
the INSEE commune code (COG) is exact, so prefer :func:`departement_from_commune` when the
register gives it.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

_POSTAL_RE = re.compile(r"[0-9]{5}")
_COMMUNE_RE = re.compile(r"(?:[0-9]{2}|2[AB])[0-9]{3}")
#: Corsican postal codes 20000–20199 are in Corse-du-Sud, 20200–20699 in Haute-Corse.
_CORSE_DU_SUD_MAX = 20199


class UnknownLocation(ValueError):
    """The postal code, commune code or département is not a French one we can map."""


@cache
def subdivision_table() -> dict[str, str]:
    """Département code → ISO 3166-2 code (loaded once from package data)."""
    text = resources.files("issuer.company").joinpath("data/iso_3166_2_fr.json").read_text("utf-8")
    table: dict[str, str] = json.loads(text)["departements"]
    return table


def departement_from_postal_code(postal_code: str) -> str:
    """The département of a French postal code: ``2A``/``2B`` for Corsica, ``97x`` overseas.

    ``98000`` (Monaco) and unknown prefixes raise :class:`UnknownLocation`.
    """
    code = postal_code.strip()
    if not _POSTAL_RE.fullmatch(code):
        raise UnknownLocation(f"not a French postal code: {postal_code!r}")
    if code.startswith("20"):
        return "2A" if int(code) <= _CORSE_DU_SUD_MAX else "2B"
    departement = code[:3] if code[:2] in ("97", "98") else code[:2]
    if departement not in subdivision_table():
        raise UnknownLocation(f"postal code {postal_code!r} is not in a French département")
    return departement


def departement_from_commune(commune_code: str) -> str:
    """The département of an INSEE commune code (``75056`` → ``75``, ``2A004`` → ``2A``)."""
    code = commune_code.strip().upper()
    if not _COMMUNE_RE.fullmatch(code):
        raise UnknownLocation(f"not an INSEE commune code: {commune_code!r}")
    departement = code[:3] if code[:2] in ("97", "98") else code[:2]
    if departement not in subdivision_table():
        raise UnknownLocation(f"commune {commune_code!r} is not in a French département")
    return departement


def subdivision_code(departement: str) -> str:
    """ISO 3166-2 code of a département: ``75`` → ``FR-75C``, ``2A`` → ``FR-2A``."""
    try:
        return subdivision_table()[departement.strip().upper()]
    except KeyError:
        raise UnknownLocation(f"unknown département {departement!r}") from None


def subdivision_for_address(postal_code: str | None, commune_code: str | None) -> str:
    """ISO 3166-2 code of an address, from the commune code when known, else the postal code."""
    if commune_code:
        return subdivision_code(departement_from_commune(commune_code))
    if postal_code:
        return subdivision_code(departement_from_postal_code(postal_code))
    raise UnknownLocation("an address needs a commune code or a postal code")
