"""Media types, header values and key-identifier rules of VC-JOSE-COSE with JOSE.

§3.1.1: "The ``typ`` header parameter SHOULD be ``vc+jwt``. When present, the ``cty``
header parameter SHOULD be ``vc``"; §3.1.2 likewise ``vp+jwt`` / ``vp``. §6.1 registers
``application/vc+jwt`` and ``application/vp+jwt``. §4.1.1: "``kid`` MUST be present when
the key of the issuer or subject is expressed as a DID URL"; §4.2: without ``iss``, when
the issuer is identified by a URL, "the kid MUST be an absolute URL to a verification
method" of that issuer.
"""

from __future__ import annotations

import re
from typing import Final

from credentials.vcdm import is_url

TYP_VC: Final = "vc+jwt"
TYP_VP: Final = "vp+jwt"
CTY_VC: Final = "vc"
CTY_VP: Final = "vp"
MEDIA_TYPE_VC: Final = "application/vc+jwt"
MEDIA_TYPE_VP: Final = "application/vp+jwt"

#: VC-JOSE-COSE §3.1.3: "The JWT Claim Names vc and vp MUST NOT be present."
FORBIDDEN_CLAIMS: Final = frozenset({"vc", "vp"})

_DID_URL_TAIL = re.compile(r"[/?#]")


def key_controller(kid: object) -> str | None:
    """The identifier a ``kid`` belongs to: the DID of a DID URL, or a URL without fragment.

    ``did:web:example.com#key-1`` → ``did:web:example.com``; ``https://ex.org/i#k`` →
    ``https://ex.org/i``. None for anything that is not an absolute URL (a bare thumbprint
    or a relative ``#key-1`` cannot be tied to an issuer).
    """
    if not isinstance(kid, str) or not is_url(kid):
        return None
    if kid.startswith("did:"):
        return _DID_URL_TAIL.split(kid, maxsplit=1)[0]
    return kid.split("#", 1)[0]
