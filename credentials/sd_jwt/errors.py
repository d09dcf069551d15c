"""SD-JWT specific errors; the rest come from :mod:`credentials.errors`."""

from __future__ import annotations

from credentials.errors import CredentialError


class DisclosureError(CredentialError):
    """A disclosure or digest breaks RFC 9901 §7.1 step 3 (processing of disclosures).

    Covers: an unsupported ``_sd_alg``, a disclosure that is not a 2- or 3-element array,
    a non-string salt, a reserved or duplicate claim name, a digest seen twice, a
    disclosure presented twice or not referenced, ``_sd`` that is not an array of strings,
    ``...`` outside an array element.
    """

    code = "disclosures"


class SelectionError(CredentialError):
    """The holder asked to disclose a claim the SD-JWT does not contain."""

    code = "selection"
