"""The one interface every company register implements."""

from __future__ import annotations

from typing import Protocol

from issuer.company.models import Establishment, LegalUnit, Mandates


class CompanyRegistry(Protocol):
    """Look up a legal unit, an establishment, or the mandates of a legal unit.

    Implementations raise :class:`issuer.company.errors.RegistryError` subclasses:
    ``InvalidIdentifier`` before any I/O for a malformed number, ``NotFound``,
    ``NotProvided`` when the source does not publish that kind of data,
    ``RegistryUnavailable``/``RateLimited``, ``MalformedResponse`` and ``StaleData``.
    """

    name: str

    async def legal_unit(self, siren: str) -> LegalUnit: ...

    async def establishment(self, siret: str) -> Establishment: ...

    async def mandates(self, siren: str) -> Mandates: ...
