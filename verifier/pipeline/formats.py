"""Which format an input is in, read without trusting it.

Entry points that accept "any credential or presentation" (the connector API, the CLI)
let :func:`detect_format` pick the verifier. Only the shape is read here — never a key,
never the network:

- a string containing ``~`` is an SD-JWT (RFC 9901 §4: the compact form always ends with
  ``~`` or a KB-JWT), verified as ``dc+sd-jwt`` (SD-JWT VC §3.2.1);
- a string with three ``.``-separated parts is a compact JWS whose protected header
  ``typ`` says ``vc+jwt`` or ``vp+jwt`` (VC-JOSE-COSE §3.1.1, §3.1.2);
- a JSON object (or a string holding one) is a VCDM document: a presentation when its
  ``type`` names ``VerifiablePresentation`` (``ldp_vp``), else a credential (``ldp_vc``);
  an ``EnvelopedVerifiableCredential`` / ``EnvelopedVerifiablePresentation`` (VCDM 2.0
  §4.13) is unwrapped to the JWT its ``data:`` URL carries.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal, get_args

from credentials import multiformats as mf
from credentials.errors import MalformedError
from credentials.vcdm import (
    ENVELOPED_CREDENTIAL,
    ENVELOPED_PRESENTATION,
    VERIFIABLE_PRESENTATION,
    parse_data_url,
)

CredentialFormat = Literal["dc+sd-jwt", "vc+jwt", "vp+jwt", "ldp_vc", "ldp_vp"]
FORMATS: Final[tuple[CredentialFormat, ...]] = get_args(CredentialFormat)
PRESENTATION_FORMATS: Final = frozenset({"dc+sd-jwt", "vp+jwt", "ldp_vp"})
CREDENTIAL_FORMATS: Final = frozenset({"dc+sd-jwt", "vc+jwt", "ldp_vc"})

#: Largest input accepted by any entry point, before any parsing.
MAX_INPUT_CHARS: Final = 1024 * 1024
_SD_JWT_TYPS: Final = frozenset({"dc+sd-jwt", "vc+sd-jwt", "application/dc+sd-jwt"})
_TYP_FORMAT: Final[dict[str, CredentialFormat]] = {
    "vc+jwt": "vc+jwt",
    "application/vc+jwt": "vc+jwt",
    "vp+jwt": "vp+jwt",
    "application/vp+jwt": "vp+jwt",
}


@dataclass(frozen=True, slots=True)
class ParsedInput:
    """An input and the format it was found (or declared) to be in.

    ``value`` is a ``str`` for the JWT-based formats and a ``dict`` for ``ldp_*``.
    """

    format: CredentialFormat
    value: str | dict[str, Any]


def _jws_typ(token: str) -> object:
    header_b64 = token.split(".", 1)[0]
    try:
        header = json.loads(mf.b64url_decode(header_b64))
    except (ValueError, UnicodeDecodeError, RecursionError, MalformedError):
        raise MalformedError("the JWS protected header is not base64url JSON") from None
    if not isinstance(header, dict):
        raise MalformedError("the JWS protected header is not a JSON object")
    return header.get("typ")


def _from_text(text: str) -> ParsedInput:
    text = text.strip()
    if not text:
        raise MalformedError("the input is empty")
    if text.startswith("{"):
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            raise MalformedError("the input starts with '{' but is not JSON") from None
        return _from_object(value)
    if "~" in text:
        return ParsedInput("dc+sd-jwt", text)
    if text.count(".") == 2:
        typ = _jws_typ(text)
        if isinstance(typ, str) and typ.lower() in _TYP_FORMAT:
            return ParsedInput(_TYP_FORMAT[typ.lower()], text)
        if isinstance(typ, str) and typ.lower() in _SD_JWT_TYPS:
            raise MalformedError("an SD-JWT must end with '~' (RFC 9901 §4)")
        raise MalformedError(f"unsupported JWT typ {typ!r}: expected vc+jwt or vp+jwt")
    raise MalformedError("not a JSON object, a compact JWT or an SD-JWT")


def _types(value: Mapping[str, Any]) -> list[Any]:
    kinds = value.get("type")
    return kinds if isinstance(kinds, list) else [kinds]


def _from_object(value: object) -> ParsedInput:
    if not isinstance(value, dict):
        raise MalformedError("a JSON-LD credential or presentation must be a JSON object")
    kinds = _types(value)
    if ENVELOPED_CREDENTIAL in kinds or ENVELOPED_PRESENTATION in kinds:
        try:
            _media_type, inner = parse_data_url(value.get("id"))
        except ValueError as exc:
            raise MalformedError(f"enveloped value: {exc}") from None
        return _from_text(inner)
    if VERIFIABLE_PRESENTATION in kinds:
        return ParsedInput("ldp_vp", value)
    return ParsedInput("ldp_vc", value)


def detect_format(value: object) -> ParsedInput:
    """Classify ``value`` (a string or an already-parsed JSON object); raise if unusable."""
    if isinstance(value, str):
        if len(value) > MAX_INPUT_CHARS:
            raise MalformedError(f"the input exceeds {MAX_INPUT_CHARS} characters")
        return _from_text(value)
    return _from_object(value)


def parse_as(value: object, declared: CredentialFormat | None) -> ParsedInput:
    """Detect the format, and when the caller declared one, require it to match.

    ``vc+sd-jwt`` tokens are accepted under ``dc+sd-jwt`` (SD-JWT VC transition rule).
    """
    parsed = value if isinstance(value, ParsedInput) else detect_format(value)
    if declared is not None and parsed.format != declared:
        raise MalformedError(f"declared format {declared} but the input is {parsed.format}")
    return parsed
