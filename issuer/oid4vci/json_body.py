"""Strict parsing of the JSON request bodies of §8, §9 and §11.

§8.3.1.2 counts a request that "repeats the same parameter" as malformed, so duplicate
member names are refused instead of silently keeping the last one.
"""

from __future__ import annotations

import json
from typing import Any, Final

from issuer.oid4vci.errors import Oid4vciError

MAX_BODY_BYTES: Final = 256 * 1024


class _Duplicate(ValueError):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in pairs:
        if name in out:
            raise _Duplicate(name)
        out[name] = value
    return out


def parse_object(raw: bytes, error: type[Oid4vciError]) -> dict[str, Any]:
    """The body as a JSON object, or ``error`` describing why not."""
    if len(raw) > MAX_BODY_BYTES:
        raise error("the request body is too large")
    try:
        value = json.loads(raw, object_pairs_hook=_pairs)
    except _Duplicate as exc:
        raise error(f"parameter {str(exc)[:80]!r} is repeated") from None
    except (ValueError, RecursionError, UnicodeDecodeError):
        raise error("the request body is not JSON") from None
    if not isinstance(value, dict):
        raise error("the request body must be a JSON object")
    return value
