"""Selective Disclosure for JWTs (SD-JWT), RFC 9901.

https://www.rfc-editor.org/rfc/rfc9901

Roles map to modules: :mod:`.issuer` blinds :class:`SD`-marked claims and signs,
:mod:`.holder` selects disclosures by claim path and adds a Key Binding JWT,
:mod:`.verifier` runs every check of §7 and reports a structured result. The compact
serialization only; the JSON serialization (§8) is not implemented.
"""

from credentials.sd_jwt.constants import (
    ARRAY_DIGEST_KEY,
    KB_JWT_TYP,
    LEGACY_SD_JWT_VC_TYP,
    SD_ALG_KEY,
    SD_DIGESTS_KEY,
    SD_HASH_KEY,
    SD_JWT_VC_TYP,
)
from credentials.sd_jwt.disclosure import Disclosure
from credentials.sd_jwt.errors import DisclosureError, SelectionError
from credentials.sd_jwt.holder import ClaimPath, KeyBindingRequest, create_presentation
from credentials.sd_jwt.issuer import SD, IssuedSdJwt, blind_claims, issue_sd_jwt
from credentials.sd_jwt.key_binding import create_kb_jwt, verify_kb_jwt
from credentials.sd_jwt.processing import process_disclosures
from credentials.sd_jwt.serialization import CompactSdJwt, split_compact
from credentials.sd_jwt.verifier import (
    IssuerKeyResolver,
    SdJwtPolicy,
    VerifiedSdJwt,
    check_sd_jwt,
    verify_sd_jwt,
    verify_sd_jwt_result,
)

__all__ = [
    "ARRAY_DIGEST_KEY",
    "KB_JWT_TYP",
    "LEGACY_SD_JWT_VC_TYP",
    "SD",
    "SD_ALG_KEY",
    "SD_DIGESTS_KEY",
    "SD_HASH_KEY",
    "SD_JWT_VC_TYP",
    "ClaimPath",
    "CompactSdJwt",
    "Disclosure",
    "DisclosureError",
    "IssuedSdJwt",
    "IssuerKeyResolver",
    "KeyBindingRequest",
    "SdJwtPolicy",
    "SelectionError",
    "VerifiedSdJwt",
    "blind_claims",
    "check_sd_jwt",
    "create_kb_jwt",
    "create_presentation",
    "issue_sd_jwt",
    "process_disclosures",
    "split_compact",
    "verify_kb_jwt",
    "verify_sd_jwt",
    "verify_sd_jwt_result",
]
