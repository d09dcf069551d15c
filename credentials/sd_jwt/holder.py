"""Building a presentation from an issued SD-JWT (RFC 9901 §6).

The holder picks claims by *claim path*: a tuple of object keys (``str``), array indices
(``int``) and ``None`` for "every element" (the same pointer syntax as OpenID4VP DCQL
§7). Selecting a claim discloses it and every selectively disclosable claim on its path
(§6: "the Holder MUST ... also include the Disclosures of its ancestors"). Array indices
count the elements the holder can see once every disclosure is applied; decoys are not
counted. With ``include_descendants`` the disclosures inside the selected value are sent
too.

A KB-JWT (§4.3) is added when a holder signer and the verifier's ``nonce``/``aud`` are
given.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from credentials import multiformats as mf
from credentials.errors import MalformedError
from credentials.keys import Signer
from credentials.sd_jwt.constants import ARRAY_DIGEST_KEY, SD_DIGESTS_KEY
from credentials.sd_jwt.disclosure import Disclosure
from credentials.sd_jwt.errors import SelectionError
from credentials.sd_jwt.key_binding import create_kb_jwt
from credentials.sd_jwt.processing import decode_disclosures, sd_alg_of
from credentials.sd_jwt.serialization import join_compact, split_compact

ClaimPath = Sequence[str | int | None]

_MAX_LENGTH = 1024 * 1024
_MAX_DISCLOSURES = 4096
_ANY_SD_ALG = frozenset({"sha-256", "sha-384", "sha-512"})


@dataclass(frozen=True, slots=True)
class KeyBindingRequest:
    """What the verifier asked the KB-JWT to carry (RFC 9901 §4.3)."""

    signer: Signer
    nonce: str
    aud: str
    iat: int


def _matches(component: str | int | None, key: str | int) -> bool:
    if component is None or isinstance(component, int):
        return isinstance(key, int) and (component is None or key == component)
    return isinstance(key, str) and key == component


class _Tree:
    """The issued payload with the holder's disclosures, for walking by path."""

    def __init__(self, payload: dict[str, Any], by_digest: dict[str, Disclosure]) -> None:
        self.payload = payload
        self.by_digest = by_digest

    def children(self, node: Any) -> Iterator[tuple[str | int, Disclosure | None, Any]]:
        """Each visible child of a raw node: (key or index, its disclosure if any, value)."""
        if isinstance(node, dict):
            for name, value in node.items():
                if name != SD_DIGESTS_KEY:
                    yield name, None, value
            for digest in node.get(SD_DIGESTS_KEY, ()):
                disclosure = self.by_digest.get(digest)
                if disclosure is not None and disclosure.name is not None:
                    yield disclosure.name, disclosure, disclosure.value
        elif isinstance(node, list):
            index = 0
            for element in node:
                if isinstance(element, dict) and set(element) == {ARRAY_DIGEST_KEY}:
                    disclosure = self.by_digest.get(element[ARRAY_DIGEST_KEY])
                    if disclosure is None:
                        continue
                    yield index, disclosure, disclosure.value
                else:
                    yield index, None, element
                index += 1

    def descendants(self, node: Any, out: set[str]) -> None:
        for _, disclosure, value in self.children(node):
            if disclosure is not None:
                out.add(disclosure.digest)
            self.descendants(value, out)

    def select(self, path: ClaimPath, out: set[str], include_descendants: bool) -> None:
        nodes: list[Any] = [self.payload]
        for component in path:
            matched: list[Any] = []
            for node in nodes:
                for key, disclosure, value in self.children(node):
                    if not _matches(component, key):
                        continue
                    if disclosure is not None:
                        out.add(disclosure.digest)
                    matched.append(value)
            if not matched:
                raise SelectionError(f"no claim at path {list(path)!r}")
            nodes = matched
        if include_descendants:
            for node in nodes:
                self.descendants(node, out)


def create_presentation(
    sd_jwt: str,
    disclose: Iterable[ClaimPath],
    *,
    key_binding: KeyBindingRequest | None = None,
    include_descendants: bool = False,
) -> str:
    """Select disclosures by claim path and, optionally, append a KB-JWT.

    The SD-JWT received at issuance must not already carry a KB-JWT (RFC 9901 §7.2).
    Disclosures keep their issuance order.
    """
    parts = split_compact(sd_jwt, max_length=_MAX_LENGTH, max_disclosures=_MAX_DISCLOSURES)
    if parts.kb_jwt is not None:
        raise MalformedError("an issued SD-JWT must not carry a KB-JWT")
    try:
        payload = json.loads(mf.b64url_decode(parts.issuer_jwt.split(".")[1]))
    except (MalformedError, ValueError, IndexError):
        raise MalformedError("issuer JWT payload is not base64url JSON") from None
    if not isinstance(payload, dict):
        raise MalformedError("issuer JWT payload must be a JSON object")
    sd_alg = sd_alg_of(payload, _ANY_SD_ALG)
    by_digest = decode_disclosures(parts.disclosures, sd_alg)
    tree = _Tree(payload, by_digest)
    chosen: set[str] = set()
    for path in disclose:
        tree.select(path, chosen, include_descendants)
    selected = [d.encoded for d in by_digest.values() if d.digest in chosen]
    hashed_part = join_compact(parts.issuer_jwt, selected)
    if key_binding is None:
        return hashed_part
    kb_jwt = create_kb_jwt(
        hashed_part,
        key_binding.signer,
        nonce=key_binding.nonce,
        aud=key_binding.aud,
        iat=key_binding.iat,
        sd_alg=sd_alg,
    )
    return hashed_part + kb_jwt
