"""Rebuilding the disclosed payload from digests and disclosures (RFC 9901 §7.1 step 3).

The verifier walks the issuer-signed payload once. Every digest it meets in an ``_sd``
array or an array element ``{"...": digest}`` is recorded; a digest met twice fails
("If any digest is found more than once ... the SD-JWT MUST be rejected", §7.1 step 4).
Matching disclosures are substituted, recursively processed, and counted: every
presented disclosure must be referenced exactly once (§7.1 step 5: "If any Disclosure was
not referenced by digest value ... the SD-JWT MUST be rejected"). Unmatched digests are
decoys and vanish, as do the ``_sd`` and ``_sd_alg`` keys (§7.1 step 3.5).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any, Final

from credentials.sd_jwt.constants import (
    ARRAY_DIGEST_KEY,
    DEFAULT_SD_ALG,
    SD_ALG_KEY,
    SD_DIGESTS_KEY,
)
from credentials.sd_jwt.digest import DEFAULT_ACCEPTED_SD_ALGS
from credentials.sd_jwt.disclosure import Disclosure, decode_disclosure
from credentials.sd_jwt.errors import DisclosureError

#: Nesting depth beyond which a payload is refused rather than walked.
DEFAULT_MAX_DEPTH: Final = 64


@dataclass(frozen=True, slots=True)
class ProcessedPayload:
    """The payload with disclosures applied, and the disclosures in the order received."""

    claims: dict[str, Any]
    disclosures: tuple[Disclosure, ...]
    sd_alg: str


def sd_alg_of(payload: dict[str, Any], accepted: Collection[str]) -> str:
    """The payload's ``_sd_alg`` (default ``sha-256``), if it is one the verifier accepts."""
    sd_alg = payload.get(SD_ALG_KEY, DEFAULT_SD_ALG)
    if not isinstance(sd_alg, str) or sd_alg not in accepted:
        raise DisclosureError(f"_sd_alg {sd_alg!r} is not accepted")
    return sd_alg


class _Walker:
    __slots__ = ("by_digest", "max_depth", "seen", "used")

    def __init__(self, by_digest: dict[str, Disclosure], max_depth: int) -> None:
        self.by_digest = by_digest
        self.max_depth = max_depth
        self.seen: set[str] = set()
        self.used = 0

    def value(self, node: Any, depth: int) -> Any:
        if isinstance(node, dict):
            return self.object(node, depth + 1, top=False)
        if isinstance(node, list):
            return self.array(node, depth + 1)
        return node

    def _claim(self, digest: object) -> Disclosure | None:
        if not isinstance(digest, str):
            raise DisclosureError("a digest must be a string")
        if digest in self.seen:
            raise DisclosureError("a digest appears more than once in the SD-JWT")
        self.seen.add(digest)
        disclosure = self.by_digest.get(digest)
        if disclosure is not None:
            self.used += 1
        return disclosure

    def object(self, node: dict[str, Any], depth: int, *, top: bool) -> dict[str, Any]:
        if depth > self.max_depth:
            raise DisclosureError("payload nesting is too deep")
        out: dict[str, Any] = {}
        for name, child in node.items():
            if name == SD_DIGESTS_KEY or (top and name == SD_ALG_KEY):
                continue
            if name == ARRAY_DIGEST_KEY:
                raise DisclosureError("'...' is only allowed as the key of an array element")
            out[name] = self.value(child, depth)
        if SD_DIGESTS_KEY not in node:
            return out
        digests = node[SD_DIGESTS_KEY]
        if not isinstance(digests, list):
            raise DisclosureError("_sd must be an array of digests")
        for digest in digests:
            disclosure = self._claim(digest)
            if disclosure is None:
                continue
            claim = disclosure.name
            if claim is None:
                raise DisclosureError("an array-element disclosure is referenced from _sd")
            if claim in out:
                raise DisclosureError(f"disclosed claim {claim!r} already exists")
            out[claim] = self.value(disclosure.value, depth)
        return out

    def array(self, node: list[Any], depth: int) -> list[Any]:
        if depth > self.max_depth:
            raise DisclosureError("payload nesting is too deep")
        out: list[Any] = []
        for element in node:
            if isinstance(element, dict) and ARRAY_DIGEST_KEY in element:
                if len(element) != 1:
                    raise DisclosureError("an array element with '...' must have no other key")
                disclosure = self._claim(element[ARRAY_DIGEST_KEY])
                if disclosure is None:
                    continue
                if disclosure.name is not None:
                    raise DisclosureError("an object-property disclosure is referenced by '...'")
                out.append(self.value(disclosure.value, depth))
            else:
                out.append(self.value(element, depth))
        return out


def decode_disclosures(encoded: Iterable[str], sd_alg: str) -> dict[str, Disclosure]:
    """Decode received disclosures, keyed by digest; the same one twice is refused."""
    by_digest: dict[str, Disclosure] = {}
    for text in encoded:
        disclosure = decode_disclosure(text, sd_alg)
        if disclosure.digest in by_digest:
            raise DisclosureError("the same disclosure is presented more than once")
        by_digest[disclosure.digest] = disclosure
    return by_digest


def process_disclosures(
    payload: dict[str, Any],
    disclosures: Iterable[str],
    *,
    accepted_sd_algs: Collection[str] = DEFAULT_ACCEPTED_SD_ALGS,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> ProcessedPayload:
    """Apply RFC 9901 §7.1 steps 3–5 to a verified issuer payload."""
    sd_alg = sd_alg_of(payload, accepted_sd_algs)
    by_digest = decode_disclosures(disclosures, sd_alg)
    walker = _Walker(by_digest, max_depth)
    claims = walker.object(payload, 1, top=True)
    if walker.used != len(by_digest):
        raise DisclosureError("a disclosure is not referenced by any digest")
    return ProcessedPayload(claims, tuple(by_digest.values()), sd_alg)
