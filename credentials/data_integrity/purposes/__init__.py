"""Proof purposes: ``assertionMethod`` and ``authentication`` (VC Data Integrity 1.0 §2.1.2)."""

from credentials.data_integrity.purposes.assertion_method import AssertionMethodPurpose
from credentials.data_integrity.purposes.authentication import AuthenticationPurpose
from credentials.data_integrity.purposes.base import (
    ProofPurpose,
    format_datetime,
    parse_datetime,
)

__all__ = [
    "AssertionMethodPurpose",
    "AuthenticationPurpose",
    "ProofPurpose",
    "format_datetime",
    "parse_datetime",
]
