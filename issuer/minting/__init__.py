"""Minting credentials: claims + holder binding → a signed credential, recorded.

:class:`CredentialMinter` signs every catalogue configuration (``dc+sd-jwt``,
``jwt_vc_json``, ``ldp_vc``) with a status entry, an expiry and holder binding, and records
it in the register in the caller's transaction.
"""

from issuer.minting.holder import HOLDER_DID_METHODS, HolderBinding
from issuer.minting.minter import CredentialMinter, MintedCredential, credential_digest
from issuer.status.register import SubjectIdentifiers, person_digest

__all__ = [
    "HOLDER_DID_METHODS",
    "CredentialMinter",
    "HolderBinding",
    "MintedCredential",
    "SubjectIdentifiers",
    "credential_digest",
    "person_digest",
]
