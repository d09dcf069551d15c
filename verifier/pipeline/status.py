"""Status checks: IETF Token Status List and W3C Bitstring Status List, cached.

- SD-JWT VC (``status.status_list``, draft-ietf-oauth-status-list §6.2, §8): the Status
  List Token is fetched from ``uri`` (``Accept: application/statuslist+jwt``), its
  signature verified with a key of the *credential's issuer* (the same resolution path:
  the list's ``kid`` must belong to the credential's ``iss``; §8.3 "the Status List
  Token … MUST be signed by the same entity"), its ``sub`` matched to ``uri``; 0 is
  VALID, 1 INVALID (revoked), 2 SUSPENDED (§7.1).
- VCDM (``credentialStatus`` ``BitstringStatusListEntry``, Bitstring Status List v1.0
  §3.2): the status list credential is fetched from ``statusListCredential``, verified
  (``vc+jwt``, or JSON-LD with a Data Integrity proof) and its ``issuer`` must be the
  credential's issuer; a set bit means revoked or suspended according to the entry's
  ``statusPurpose``.

Verified lists are cached for their ``ttl`` (Token Status List §5.1, seconds; Bitstring
§2.2, milliseconds), bounded by ``Cache-Control: max-age``, ``exp`` / ``validUntil`` and
:attr:`StatusChecker.max_ttl`; a Bitstring Status List's decoded bits (per
``statusSize``) are kept with its verified credential, so the GZIP expansion runs once per
fetch, not once per check. A list that cannot be fetched is reported as
:class:`StatusUnavailable`, which the pipeline turns into a failure unless the policy says
``fail_open``; a list that fetches but does not verify always fails.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from credentials.data_integrity import AssertionMethodPurpose
from credentials.data_integrity import verify as verify_data_integrity
from credentials.errors import CredentialError, MalformedError, StatusError
from credentials.jose import KeyResolver
from credentials.jsonld import ContextRegistry
from credentials.net.fetcher import Fetcher, FetchError, ForbiddenDestinationError
from credentials.status_list.bits import StatusBits
from credentials.status_list.bitstring import check_entry, decode_list
from credentials.status_list.token import (
    MEDIA_TYPE as STATUS_LIST_MEDIA_TYPE,
)
from credentials.status_list.token import (
    StatusListToken,
    TokenStatus,
    check_status,
    parse_status_reference,
    verify_status_list_token,
)
from credentials.vc_jose import verify_vc_jwt
from credentials.vcdm import issuer_id
from verifier.pipeline.keys import KeyDirectory

DEFAULT_TTL: Final = 300.0
MAX_TTL: Final = 24 * 3600.0
MAX_LIST_BYTES: Final = 2 * 1024 * 1024
_VC_ACCEPT: Final = "application/vc+jwt, application/vc+ld+json;q=0.9, application/json;q=0.8"
_MAX_AGE: Final = re.compile(r"(?:^|,)\s*max-age\s*=\s*(\d+)")


class StatusUnavailable(StatusError):
    """The status list could not be fetched (network, HTTP error, refused destination)."""

    code = "status"


@dataclass(frozen=True, slots=True)
class StatusOutcome:
    """One status entry's verdict: ``state`` is ``valid``, ``revoked``, ``suspended``
    or ``other``; ``detail`` says which list and index."""

    state: str
    detail: str

    @property
    def valid(self) -> bool:
        return self.state == "valid"


class _VerifiedList:
    """A verified status list credential and its bits, decoded once per ``statusSize``."""

    __slots__ = ("_bits", "_lock", "credential", "issuer")

    def __init__(self, issuer: str, credential: dict[str, Any]) -> None:
        self.issuer = issuer
        self.credential = credential
        self._bits: dict[int, StatusBits] = {}
        self._lock = threading.Lock()

    def decode(self, encoded_list: object, width: int) -> StatusBits:
        with self._lock:
            bits = self._bits.get(width)
            if bits is None:
                bits = decode_list(encoded_list, width)
                self._bits[width] = bits
            return bits


def _max_age(headers: Mapping[str, str]) -> float | None:
    match = _MAX_AGE.search(headers.get("cache-control", "").lower())
    return float(match.group(1)) if match else None


class StatusChecker:
    """Fetches, verifies and caches status lists; thread-safe."""

    def __init__(
        self,
        fetcher: Fetcher,
        keys: KeyDirectory,
        contexts: ContextRegistry,
        *,
        default_ttl: float = DEFAULT_TTL,
        max_ttl: float = MAX_TTL,
        leeway: float = 60,
        max_entries: int = 512,
    ) -> None:
        self._fetcher = fetcher
        self._keys = keys
        self._contexts = contexts
        self._default_ttl = default_ttl
        self.max_ttl = max_ttl
        self._leeway = leeway
        self._max_entries = max_entries
        self._cache: OrderedDict[tuple[str, str], tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    # -- cache ---------------------------------------------------------------------

    def _cached(self, key: tuple[str, str], now: float) -> Any:
        with self._lock:
            hit = self._cache.get(key)
            if hit is None or hit[0] <= now:
                return None
            self._cache.move_to_end(key)
            return hit[1]

    def _store(self, key: tuple[str, str], value: Any, now: float, lifetime: float) -> None:
        if lifetime <= 0:
            return
        with self._lock:
            self._cache[key] = (now + lifetime, value)
            self._cache.move_to_end(key)
            while len(self._cache) > self._max_entries:
                self._cache.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()

    def _lifetime(
        self, ttl: float | None, max_age: float | None, expires: float | None, now: float
    ) -> float:
        lifetime = min(ttl if ttl is not None else self._default_ttl, self.max_ttl)
        if max_age is not None:
            lifetime = min(lifetime, max_age)
        if expires is not None:
            lifetime = min(lifetime, expires - now)
        return lifetime

    def _fetch(self, url: str, accept: str) -> tuple[bytes, str | None, Mapping[str, str]]:
        if not url.startswith(("https://", "http://")):
            raise StatusUnavailable(f"status list URL {url[:100]!r} is not http(s)")
        try:
            document = self._fetcher.fetch(url, accept=accept, max_bytes=MAX_LIST_BYTES)
        except ForbiddenDestinationError as exc:
            raise StatusUnavailable(f"status list {url} refused: {exc.detail}") from None
        except FetchError as exc:
            raise StatusUnavailable(f"status list {url} unreachable: {exc.detail}") from None
        if document.status != 200:
            raise StatusUnavailable(f"status list {url} answered HTTP {document.status}")
        return document.body, document.media_type, document.headers

    # -- Token Status List -----------------------------------------------------------

    def _token_list(
        self, uri: str, issuer: str, key_resolver: KeyResolver, now: float
    ) -> StatusListToken:
        cache_key = ("token", uri)
        cached = self._cached(cache_key, now)
        if isinstance(cached, tuple) and cached[0] == issuer:
            return cached[1]  # type: ignore[no-any-return]
        body, _media, headers = self._fetch(uri, STATUS_LIST_MEDIA_TYPE)
        try:
            token = body.decode("ascii").strip()
        except UnicodeDecodeError:
            raise StatusError(f"status list {uri} is not a compact JWT") from None
        try:
            verified = verify_status_list_token(
                token, key_resolver=key_resolver, now=now, leeway=self._leeway
            )
        except CredentialError as exc:
            raise StatusError(f"status list {uri}: {exc.detail}") from None
        expires = float(verified.exp) if verified.exp is not None else None
        ttl = float(verified.ttl) if verified.ttl is not None else None
        self._store(
            cache_key, (issuer, verified), now, self._lifetime(ttl, _max_age(headers), expires, now)
        )
        return verified

    def token_status(
        self,
        claims: Mapping[str, Any],
        *,
        issuer: str,
        now: float,
    ) -> StatusOutcome:
        """The status of an SD-JWT VC whose (verified) claims carry ``status``."""
        reference = parse_status_reference(claims)
        resolver = self._keys.sd_jwt_issuer(now)

        def list_key(list_header: Mapping[str, Any]) -> Any:
            return resolver(list_header, {"iss": issuer})

        status_list = self._token_list(reference.uri, issuer, list_key, now)
        try:
            value = check_status(status_list, reference, referenced_iss=issuer)
        except CredentialError as exc:
            raise StatusError(exc.detail) from None
        where = f"{reference.uri} index {reference.idx}"
        if value == TokenStatus.VALID:
            return StatusOutcome("valid", f"valid ({where})")
        if value == TokenStatus.INVALID:
            return StatusOutcome("revoked", f"revoked: status INVALID at {where}")
        if value == TokenStatus.SUSPENDED:
            return StatusOutcome("suspended", f"suspended: status SUSPENDED at {where}")
        return StatusOutcome("other", f"status value 0x{value:02x} at {where}")

    # -- Bitstring Status List -------------------------------------------------------

    def _list_credential(self, url: str, issuer: str, now: float) -> _VerifiedList:
        cache_key = ("bitstring", url)
        cached = self._cached(cache_key, now)
        if isinstance(cached, _VerifiedList) and cached.issuer == issuer:
            return cached
        body, media, headers = self._fetch(url, _VC_ACCEPT)
        credential = self._verify_list_credential(url, body, media, issuer, now)
        ttl_ms = credential.get("credentialSubject", {}).get("ttl")
        ttl = (
            ttl_ms / 1000
            if isinstance(ttl_ms, int | float) and not isinstance(ttl_ms, bool)
            else None
        )
        until = credential.get("validUntil")
        expires = None
        if isinstance(until, str):
            try:
                expires = datetime.fromisoformat(until.replace("Z", "+00:00")).timestamp()
            except ValueError:
                expires = None
        verified = _VerifiedList(issuer, credential)
        self._store(cache_key, verified, now, self._lifetime(ttl, _max_age(headers), expires, now))
        return verified

    def _verify_list_credential(
        self, url: str, body: bytes, media: str | None, issuer: str, now: float
    ) -> dict[str, Any]:
        text = body.decode("utf-8", errors="replace").strip()
        if text.startswith("{"):
            import json

            try:
                document = json.loads(text)
            except (ValueError, RecursionError):
                raise StatusError(f"status list credential {url} is not JSON") from None
            if not isinstance(document, dict):
                raise StatusError(f"status list credential {url} is not a JSON object")
            result = verify_data_integrity(
                document,
                purpose=AssertionMethodPurpose(),
                resolver=self._keys.method,
                registry=self._contexts,
                now=datetime.fromtimestamp(now, UTC),
            )
            list_issuer = issuer_id(document)
        else:
            result = verify_vc_jwt(
                text,
                key_resolver=self._keys.jose_resolver("assertionMethod"),
                now=now,
                leeway=self._leeway,
            )
            document = dict(result.claims)
            list_issuer = result.issuer
        if not result.verified:
            reasons = "; ".join(f"{c.code}: {c.detail}" for c in result.failed)
            raise StatusError(f"status list credential {url} does not verify: {reasons}")
        if list_issuer != issuer:
            raise StatusError(
                f"status list credential {url} is issued by {list_issuer!r}, not by the "
                f"credential's issuer {issuer!r}"
            )
        del media
        return dict(document)

    def bitstring_status(self, entry: object, *, issuer: str, now: float) -> StatusOutcome:
        """The status of one ``credentialStatus`` entry of a verified VCDM credential."""
        if not isinstance(entry, Mapping):
            raise MalformedError("credentialStatus entries must be JSON objects")
        url = entry.get("statusListCredential")
        if not isinstance(url, str):
            raise StatusError("statusListCredential MUST be a URL")
        verified = self._list_credential(url, issuer, now)
        try:
            outcome = check_entry(verified.credential, entry, decode=verified.decode)
        except CredentialError as exc:
            raise StatusError(exc.detail) from None
        where = f"{url} index {entry.get('statusListIndex')}"
        if outcome.valid:
            return StatusOutcome("valid", f"{outcome.purpose}: not set ({where})")
        if outcome.purpose == "revocation":
            return StatusOutcome("revoked", f"revoked at {where}")
        if outcome.purpose == "suspension":
            return StatusOutcome("suspended", f"suspended at {where}")
        if outcome.purpose == "message":
            return StatusOutcome("valid", f"status message {outcome.message!r} ({where})")
        return StatusOutcome("valid", f"{outcome.purpose} bit set ({where})")
