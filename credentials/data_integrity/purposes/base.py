"""Proof purposes (VC Data Integrity 1.0 §2.1.2 "Proof Purposes").

A purpose says why a proof exists and which verification relationship of the controller
document must list the signing key: "the proofPurpose property is used to associate a
purpose, such as assertionMethod or authentication, with a proof". As in jsonld-signatures,
a purpose object is passed into every ``add_proof`` / ``verify`` call beside the suite and the
document loader; it stamps the proof when signing and validates it when verifying, including
the ``created`` / ``expires`` times against an injected ``now``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from credentials.data_integrity.errors import (
    MalformedProofError,
    ProofExpiredError,
    ProofNotYetValidError,
    ProofPurposeError,
)
from credentials.data_integrity.verification_method import ResolvedMethod, check_controller

DEFAULT_CLOCK_SKEW: Final = timedelta(minutes=5)

# XML Schema 1.1 Part 2 §3.3.7 dateTime lexical space (offset optional).
_DATETIME: Final = re.compile(r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?")


def parse_datetime(value: object, name: str) -> datetime:
    """Parse an XMLSCHEMA11-2 ``dateTime``; one without an offset is read as UTC.

    VC Data Integrity 1.0 §2.1: ``created`` and ``expires`` are ``dateTimeStamp`` strings;
    the W3C test suite requires "a time value without an offset" to be treated as UTC.
    """
    if not isinstance(value, str) or not _DATETIME.fullmatch(value):
        raise MalformedProofError(f"proof {name} is not an XML Schema dateTime")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise MalformedProofError(f"proof {name} is not a valid date and time") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def format_datetime(moment: datetime) -> str:
    """``YYYY-MM-DDThh:mm:ssZ`` in UTC, the form the specification examples use."""
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


class ProofPurpose:
    """A verification relationship a proof is made for (``term``), plus the time checks."""

    term: str = ""

    def __init__(self, *, clock_skew: timedelta = DEFAULT_CLOCK_SKEW) -> None:
        self.clock_skew = clock_skew

    def update(self, proof: MutableMapping[str, Any]) -> None:
        """Stamp ``proofPurpose`` (and any purpose-specific member) on proof options."""
        proof["proofPurpose"] = self.term

    def match(self, proof: Mapping[str, Any]) -> bool:
        return proof.get("proofPurpose") == self.term

    def validate(
        self, proof: Mapping[str, Any], resolved: ResolvedMethod, *, now: datetime
    ) -> None:
        """Purpose, controller relationship and ``created`` / ``expires`` checks; raises."""
        if not self.match(proof):
            raise ProofPurposeError(
                f"proofPurpose is {proof.get('proofPurpose')!r}, expected {self.term!r}"
            )
        check_controller(resolved, str(proof.get("verificationMethod")), self.term)
        if "created" in proof:
            created = parse_datetime(proof["created"], "created")
            if created > now + self.clock_skew:
                raise ProofNotYetValidError(f"proof created in the future ({proof['created']})")
        if "expires" in proof:
            expires = parse_datetime(proof["expires"], "expires")
            if expires < now - self.clock_skew:
                raise ProofExpiredError(f"proof expired at {proof['expires']}")
