"""Claims path pointers (OpenID4VP 1.0 §7.1) applied to JSON-based credentials.

https://openid.net/specs/openid-4-verifiable-presentations-1_0.html#section-7.1
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from verifier.oid4vp.dcql import PathComponent


class ClaimsPathError(ValueError):
    """§7.1.1: processing aborted ("abort processing and return an error")."""


def select(credential: Any, path: Sequence[PathComponent]) -> list[Any]:
    """The JSON elements ``path`` selects in ``credential`` (§7.1.1, left to right).

    A string selects a key of every selected object (objects without it drop out); ``None``
    selects every element of every selected array; an integer selects that index. A
    selected element of the wrong kind, or an empty selection at the end, is an error.
    """
    if not path:
        raise ClaimsPathError("a claims path pointer is a non-empty array")
    selection: list[Any] = [credential]
    for component in path:
        following: list[Any] = []
        if isinstance(component, str):
            for element in selection:
                if not isinstance(element, dict):
                    raise ClaimsPathError(f"{component!r} applied to a non-object")
                if component in element:
                    following.append(element[component])
        elif component is None:
            for element in selection:
                if not isinstance(element, list):
                    raise ClaimsPathError("null applied to a non-array")
                following.extend(element)
        elif isinstance(component, int) and not isinstance(component, bool) and component >= 0:
            for element in selection:
                if not isinstance(element, list):
                    raise ClaimsPathError(f"index {component} applied to a non-array")
                if component < len(element):
                    following.append(element[component])
        else:
            raise ClaimsPathError(f"invalid path component {component!r}")
        selection = following
    if not selection:
        raise ClaimsPathError("the path selects nothing")
    return selection


def same_value(left: Any, right: Any) -> bool:
    """§6.3 ``values``: "the type and value of the claim both match exactly" (``1 != True``)."""
    return type(left) is type(right) and left == right
