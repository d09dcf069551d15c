"""W3C Securing Verifiable Credentials using JOSE and COSE — the JOSE part.

https://www.w3.org/TR/vc-jose-cose/ §3.1 (``application/vc+jwt``, ``application/vp+jwt``),
§4 key discovery (``kid``, ``iss``), §5.1 and §5.4 verification and validation. The JWT
claims set *is* the VCDM 2.0 credential or presentation; presentations carry credentials
as ``EnvelopedVerifiableCredential`` ``data:application/vc+jwt,…`` objects (VCDM 2.0
§4.13). VCDM 1.1 ``jwt_vc_json`` tokens (``vc``/``vp`` claims) are only decoded, by
:mod:`credentials.vc_jose.jwt_vc_v1`, for reading what older wallets present.
"""

from credentials.vc_jose.issue import build_presentation, sign_vc_jwt, sign_vp_jwt
from credentials.vc_jose.jwt_vc_v1 import credential_from_jwt_claims, presentation_from_jwt_claims
from credentials.vc_jose.media import (
    CTY_VC,
    CTY_VP,
    FORBIDDEN_CLAIMS,
    MEDIA_TYPE_VC,
    MEDIA_TYPE_VP,
    TYP_VC,
    TYP_VP,
    key_controller,
)
from credentials.vc_jose.verify import MAX_CREDENTIALS, verify_vc_jwt, verify_vp_jwt

__all__ = [
    "CTY_VC",
    "CTY_VP",
    "FORBIDDEN_CLAIMS",
    "MAX_CREDENTIALS",
    "MEDIA_TYPE_VC",
    "MEDIA_TYPE_VP",
    "TYP_VC",
    "TYP_VP",
    "build_presentation",
    "credential_from_jwt_claims",
    "key_controller",
    "presentation_from_jwt_claims",
    "sign_vc_jwt",
    "sign_vp_jwt",
    "verify_vc_jwt",
    "verify_vp_jwt",
]
