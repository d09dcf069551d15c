"""Names RFC 9901 reserves, shared by the issuer, holder and verifier roles."""

from __future__ import annotations

from typing import Final

#: RFC 9901 §4.2.4.1: the array of digests of selectively disclosable object properties.
SD_DIGESTS_KEY: Final = "_sd"
#: RFC 9901 §4.1.1: the hash algorithm of the digests (top level of the payload only).
SD_ALG_KEY: Final = "_sd_alg"
#: RFC 9901 §4.2.4.2: the key of an array element that stands for a disclosed element.
ARRAY_DIGEST_KEY: Final = "..."
#: RFC 9901 §4.3: the KB-JWT claim holding the hash over the presented SD-JWT.
SD_HASH_KEY: Final = "sd_hash"
#: RFC 9901 §4: separator of the compact serialization.
SEPARATOR: Final = "~"

#: Claim names a disclosure must never carry (RFC 9901 §7.1, step 3.3.2.2).
RESERVED_CLAIM_NAMES: Final = frozenset({SD_DIGESTS_KEY, ARRAY_DIGEST_KEY})

#: RFC 9901 §4.3: ``typ`` of the Key Binding JWT.
KB_JWT_TYP: Final = "kb+jwt"
#: SD-JWT VC §3.2.1: ``typ`` of an SD-JWT VC; ``vc+sd-jwt`` is accepted on input.
SD_JWT_VC_TYP: Final = "dc+sd-jwt"
LEGACY_SD_JWT_VC_TYP: Final = "vc+sd-jwt"

#: RFC 9901 §4.1.1: the default (and here the only enabled) digest algorithm.
DEFAULT_SD_ALG: Final = "sha-256"
