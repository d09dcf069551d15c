"""SD-JWT-based Verifiable Credentials (draft-ietf-oauth-sd-jwt-vc).

https://datatracker.ietf.org/doc/draft-ietf-oauth-sd-jwt-vc/

:mod:`.payload` builds and issues the ``dc+sd-jwt`` payload (``vct``, ``iss``, time claims,
``cnf``, ``status``), :mod:`.verifier` adds the data-model rules to the RFC 9901 checks,
:mod:`.issuer_keys` resolves the issuer key (``x5c``, DID, JWT VC Issuer Metadata), and
:mod:`.type_metadata` builds Type Metadata documents.
"""

from credentials.sd_jwt_vc.issuer_keys import (
    DidKeyResolver,
    IssuerMetadataKeyResolver,
    X5cKeyResolver,
    issuer_key_resolver,
    jwt_vc_issuer_metadata_url,
)
from credentials.sd_jwt_vc.payload import (
    NEVER_DISCLOSED,
    StatusListReference,
    build_payload,
    check_payload,
    issue_sd_jwt_vc,
)
from credentials.sd_jwt_vc.type_metadata import ClaimMetadata, build_type_metadata
from credentials.sd_jwt_vc.verifier import check_sd_jwt_vc, verify_sd_jwt_vc

__all__ = [
    "NEVER_DISCLOSED",
    "ClaimMetadata",
    "DidKeyResolver",
    "IssuerMetadataKeyResolver",
    "StatusListReference",
    "X5cKeyResolver",
    "build_payload",
    "build_type_metadata",
    "check_payload",
    "check_sd_jwt_vc",
    "issue_sd_jwt_vc",
    "issuer_key_resolver",
    "jwt_vc_issuer_metadata_url",
    "verify_sd_jwt_vc",
]
