"""Which credentials an authenticated ProConnect identity may obtain, and why (or why not)."""

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
