"""Which credentials an authenticated ProConnect identity may obtain, and why (or why not).

A register mandate matched on names alone does not make a legal representative: the match
must be confirmed by a compared birth date or by ProConnect's certification dirigeant
(``mandate_unconfirmed`` otherwise; :mod:`issuer.eligibility.rules`).
"""

from issuer.eligibility.decisions import (
    CREDENTIAL_KINDS,
    CredentialKind,
    Decision,
    EligibilityReport,
    Reason,
)
from issuer.eligibility.identity import AuthenticatedIdentity
from issuer.eligibility.rules import evaluate

__all__ = [
    "CREDENTIAL_KINDS",
    "AuthenticatedIdentity",
    "CredentialKind",
    "Decision",
    "EligibilityReport",
    "Reason",
    "evaluate",
]
