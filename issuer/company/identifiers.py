"""French company identifiers: SIREN, SIRET and the intra-community VAT number.

* SIREN (9 digits) and SIRET (14 digits = SIREN + 5-digit NIC) carry a Luhn check digit
  over all their digits (INSEE; as implemented by the Annuaire des entreprises and the
  ProConnect federation's SIRET validator).
* La Poste exception: SIRETs of SIREN ``356000000`` do not follow Luhn. Following
  python-stdnum (``stdnum/fr/siret.py``), the head office ``35600000000048`` follows Luhn
  and every other La Poste SIRET needs the *sum of its digits* to be a multiple of 5.
* VAT number: ``"FR" + key + SIREN`` with ``key = (12 + 3 × (SIREN mod 97)) mod 97`` on two
  digits. A computed number is only well-formed; whether the company is VAT-registered is
  a fact for VIES or the DGFiP list.
"""

from __future__ import annotations

import re

from issuer.company.errors import InvalidIdentifier

LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE_SIRET = "35600000000048"

_SIREN_RE = re.compile(r"[0-9]{9}")
_SIRET_RE = re.compile(r"[0-9]{14}")
_VAT_RE = re.compile(r"FR([0-9]{2})([0-9]{9})")


def luhn_valid(digits: str) -> bool:
    """Luhn check over a string of ASCII digits: doubling every second digit from the right."""
    if not digits or not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def luhn_check_digit(partial: str) -> str:
    """The digit that completes ``partial`` into a Luhn-valid number."""
    for candidate in "0123456789":
        if luhn_valid(partial + candidate):
            return candidate
    raise InvalidIdentifier("siren", partial)  # pragma: no cover - one digit always fits


def is_valid_siren(value: str) -> bool:
    """Nine ASCII digits passing the Luhn check."""
    return bool(_SIREN_RE.fullmatch(value)) and luhn_valid(value)


def is_valid_siret(value: str) -> bool:
    """Fourteen ASCII digits passing Luhn, or the La Poste digit-sum rule."""
    if not _SIRET_RE.fullmatch(value):
        return False
    if value.startswith(LA_POSTE_SIREN) and value != LA_POSTE_HEAD_OFFICE_SIRET:
        return sum(int(c) for c in value) % 5 == 0
    return luhn_valid(value)


def normalize_identifier(value: str) -> str:
    """Remove the spaces, dots and dashes people type inside SIREN/SIRET numbers."""
    return re.sub(r"[\s.\-]", "", value)


def parse_siren(value: str) -> str:
    """Return the normalised SIREN or raise :class:`InvalidIdentifier`."""
    siren = normalize_identifier(value)
    if not is_valid_siren(siren):
        raise InvalidIdentifier("siren", value)
    return siren


def parse_siret(value: str) -> str:
    """Return the normalised SIRET or raise :class:`InvalidIdentifier`."""
    siret = normalize_identifier(value)
    if not is_valid_siret(siret):
        raise InvalidIdentifier("siret", value)
    return siret


def siren_of(siret: str) -> str:
    """The SIREN part (first nine digits) of a valid SIRET."""
    return parse_siret(siret)[:9]


def vat_key(siren: str) -> str:
    """The two-digit French VAT key of a SIREN: ``(12 + 3 × (SIREN mod 97)) mod 97``."""
    return f"{(12 + 3 * (int(parse_siren(siren)) % 97)) % 97:02d}"


def vat_number(siren: str) -> str:
    """The intra-community VAT number computed from a SIREN, e.g. ``FR48672039971``."""
    siren = parse_siren(siren)
    return f"FR{vat_key(siren)}{siren}"


def is_valid_vat_number(value: str) -> bool:
    """A numeric-key French VAT number whose key matches its SIREN.

    Letter keys (the "new style" numbers) and Monaco numbers (``000`` after the key) are
    not derived from a SIREN and are refused here.
    """
    match = _VAT_RE.fullmatch(value.replace(" ", "").upper())
    if match is None or not is_valid_siren(match.group(2)):
        return False
    return match.group(1) == vat_key(match.group(2))
