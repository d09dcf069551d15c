"""INSEE *catégories juridiques*: labels and the coarse category Attestia reasons about.

The first digit of the 4-digit code is the INSEE level-I class: ``1`` entrepreneur
individuel, ``4`` public body under commercial law, ``5`` commercial company, ``6`` other
legal person registered at the RCS, ``7`` public-law body, ``92`` associations.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from issuer.company.models import LegalCategory, LegalForm


@cache
def _labels() -> dict[str, str]:
    text = resources.files("issuer.company").joinpath("data/legal_forms.json").read_text("utf-8")
    labels: dict[str, str] = json.loads(text)["labels"]
    return labels


def legal_form(code: str, label: str | None = None) -> LegalForm:
    """A :class:`LegalForm` with the source's label, else the packaged label, else none."""
    return LegalForm(code=code, label=label or _labels().get(code))


def legal_category(code: str) -> LegalCategory:
    """Coarse category of a catégorie juridique code."""
    if code.startswith("1"):
        return "entrepreneur_individuel"
    if code.startswith("92"):
        return "association"
    if code[:1] in ("4", "7"):
        return "public_body"
    if code[:1] in ("5", "6"):
        return "company"
    return "other"


def normalize_naf(code: str | None) -> str | None:
    """NAF/APE code in the dotted INSEE form: ``6201Z`` → ``62.01Z``."""
    if code is None:
        return None
    compact = code.replace(".", "").strip().upper()
    if len(compact) == 5 and compact[:4].isdigit() and compact[4].isalpha():
        return f"{compact[:2]}.{compact[2:]}"
    return code
