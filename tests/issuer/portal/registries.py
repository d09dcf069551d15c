"""Offline registries altered the way real registers change: a company ceases, a mandate
ends or disappears."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from issuer.company import LegalUnit, Mandates, OfflineRegistry


class CeasedRegistry(OfflineRegistry):
    """The offline dataset where ``siren`` ceased on ``on``."""

    def __init__(self, siren: str, on: date) -> None:
        super().__init__()
        self.siren, self.on = siren, on

    async def legal_unit(self, siren: str) -> LegalUnit:
        unit = await super().legal_unit(siren)
        if siren != self.siren:
            return unit
        return replace(unit, status="ceased", cessation_date=self.on)


class MandatesChanged(OfflineRegistry):
    """The offline dataset where the mandates of ``siren`` held by people whose birth name
    is ``name`` have ended (``remove=False``) or are gone from the register."""

    def __init__(self, siren: str, name: str, *, remove: bool, until: date) -> None:
        super().__init__()
        self.siren, self.name, self.remove, self.until = siren, name, remove, until

    async def mandates(self, siren: str) -> Mandates:
        found = await super().mandates(siren)
        if siren != self.siren:
            return found
        items = []
        for mandate in found.items:
            if mandate.name is not None and mandate.name.birth_name == self.name:
                if self.remove:
                    continue
                mandate = replace(mandate, active=False, until=self.until)
            items.append(mandate)
        return replace(found, items=tuple(items))
