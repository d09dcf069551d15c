"""``assertionMethod`` (Controlled Identifiers v1.0 §2.3.2): an issuer asserts a claim."""

from __future__ import annotations

from credentials.data_integrity.purposes.base import ProofPurpose


class AssertionMethodPurpose(ProofPurpose):
    """The purpose of a credential issuer's proof."""

    term = "assertionMethod"
