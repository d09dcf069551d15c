"""The issued-credential register, status-list allocation and publication, revocation.

IETF Token Status List (draft-ietf-oauth-status-list-20) for SD-JWT VC and W3C Bitstring
Status List v1.0 for VCDM credentials; see :mod:`.allocation` for the index rules,
:mod:`.publication` for what is served and :mod:`.revocation` for the state machine.
"""

from issuer.status.allocation import (
    FILL_THRESHOLD,
    LIST_SIZE,
    Allocation,
    StatusAllocator,
)
from issuer.status.errors import (
    AllocationError,
    InvalidTransitionError,
    NotCredentialHolderError,
    StatusServiceError,
    UnknownCredentialError,
    UnknownStatusListError,
)
from issuer.status.models import (
    CredentialStatusChange,
    IssuedCredential,
    StatusAllocation,
    StatusList,
)
from issuer.status.publication import (
    PublishedList,
    SignerSource,
    StatusListPublisher,
    StatusListUrls,
)
from issuer.status.register import (
    SubjectIdentifiers,
    credentials_of_person,
    get_credential,
    live_credentials,
    person_digest,
)
from issuer.status.revocation import Actor, RevocationService, StatusChange

__all__ = [
    "FILL_THRESHOLD",
    "LIST_SIZE",
    "Actor",
    "Allocation",
    "AllocationError",
    "CredentialStatusChange",
    "InvalidTransitionError",
    "IssuedCredential",
    "NotCredentialHolderError",
    "PublishedList",
    "RevocationService",
    "SignerSource",
    "StatusAllocation",
    "StatusAllocator",
    "StatusChange",
    "StatusList",
    "StatusListPublisher",
    "StatusListUrls",
    "StatusServiceError",
    "SubjectIdentifiers",
    "UnknownCredentialError",
    "UnknownStatusListError",
    "credentials_of_person",
    "get_credential",
    "live_credentials",
    "person_digest",
]
