"""Enveloped credentials and presentations (VCDM 2.0 §4.13).

"The id value of the object MUST be a data: URL [RFC2397] that expresses a secured
verifiable credential using an enveloping security scheme". VC-JOSE-COSE §3.1.2 uses
``data:application/vc+jwt,<compact JWS>``; the compact form is already URL-safe, so no
``;base64`` and no percent-encoding is produced, while both are understood on input.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import unquote

from credentials.vcdm.model import (
    CREDENTIALS_V2_CONTEXT,
    ENVELOPED_CREDENTIAL,
    ENVELOPED_PRESENTATION,
)


def parse_data_url(value: object) -> tuple[str, str]:
    """Split an RFC 2397 ``data:`` URL into (lower-cased media type, decoded text).

    Raises :class:`ValueError` when ``value`` is not a data: URL or its data is not text.
    """
    if not isinstance(value, str) or not value[:5].lower() == "data:":
        raise ValueError("the id must be a data: URL")
    header, sep, data = value[5:].partition(",")
    if not sep:
        raise ValueError("a data: URL needs a ',' before its data")
    params = header.split(";")
    media_type = params[0].strip().lower() or "text/plain"
    try:
        if params[-1].strip().lower() == "base64" and len(params) > 1:
            text = base64.b64decode(unquote(data), validate=True).decode("utf-8")
        else:
            text = unquote(data, errors="strict")
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"the data: URL's data cannot be decoded: {exc}") from None
    return media_type, text


def data_url(media_type: str, text: str) -> str:
    """``data:<media_type>,<text>`` for text that needs no escaping (compact JWS, SD-JWT)."""
    return f"data:{media_type},{text}"


def envelope_credential(secured: str, media_type: str = "application/vc+jwt") -> dict[str, Any]:
    """The ``EnvelopedVerifiableCredential`` object carrying ``secured`` (VCDM 2.0 §4.13.1)."""
    return {
        "@context": CREDENTIALS_V2_CONTEXT,
        "id": data_url(media_type, secured),
        "type": ENVELOPED_CREDENTIAL,
    }


def envelope_presentation(secured: str, media_type: str = "application/vp+jwt") -> dict[str, Any]:
    """The ``EnvelopedVerifiablePresentation`` object carrying ``secured`` (§4.13.2)."""
    return {
        "@context": CREDENTIALS_V2_CONTEXT,
        "id": data_url(media_type, secured),
        "type": ENVELOPED_PRESENTATION,
    }
