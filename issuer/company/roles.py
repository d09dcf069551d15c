"""Which register roles count as a *legal representative* (Attestia policy).

The policy is data (``data/legal_representative_roles.json``): RNE ``roleEntreprise``
codes with ``legal_representative`` true or false, plus the labels accepted from sources
that give only a *qualité* (Recherche d'entreprises) or a *fonction* (API Entreprise).
Representative codes: gérant (28, 29, 30), président du conseil d'administration (51),
président du directoire (52), directeur général (53), PDG (60), personne ayant le pouvoir
d'engager la société (66), DG unique (69), DG délégué (70), président de SAS (73),
entrepreneur (101), dirigeant (201), président (205), personne ayant le pouvoir de
représenter l'entité (215). Not representatives: liquidateur (40), président du conseil
de surveillance (61), membre du directoire (63), administrateur (65), commissaires aux
comptes (71, 72). An unknown code is not a representative.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from issuer.company.models import Mandate
from issuer.company.names import fold


def _label_key(label: str) -> str:
    return " ".join(fold(label).replace("-", " ").replace("'", " ").split())


@dataclass(frozen=True, slots=True)
class RolePolicy:
    """Representative role codes and labels."""

    codes: frozenset[str]
    labels: frozenset[str]
    known_codes: dict[str, str]

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> RolePolicy:
        roles = document["roles"]
        return cls(
            codes=frozenset(str(r["code"]) for r in roles if r["legal_representative"] is True),
            labels=frozenset(_label_key(label) for label in document["representative_labels"]),
            known_codes={str(r["code"]): str(r["label"]) for r in roles},
        )

    def is_legal_representative(self, mandate: Mandate) -> bool:
        """A coded role is judged by its code; an uncoded one by its label."""
        if mandate.role_code is not None:
            return mandate.role_code in self.codes
        return mandate.role_label is not None and _label_key(mandate.role_label) in self.labels


@cache
def default_policy() -> RolePolicy:
    """The packaged policy."""
    text = (
        resources.files("issuer.company.data")
        .joinpath("legal_representative_roles.json")
        .read_text("utf-8")
    )
    return RolePolicy.from_document(json.loads(text))
