"""The trust port: the pipeline asks a :class:`TrustChecker`, whatever answers it.

The question (trust registry design, :mod:`trust_registry.trust_checker`): was the issuer
authorised to issue this credential type at the time of issuance, and is it not cancelled
now? Suspension is not retroactive; cancellation is. The protocol and its
:class:`TrustDecision` are the registry's query interface, which the verifier shares
(design: "they share only credentials and the trust registry's query interface").

Adapters, chosen by the composition layer:

- :func:`local_trust_checker` — the deployment's own registry database (imported lazily:
  the verifier never touches the registry's tables itself);
- :class:`TrustedListChecker` — a signed trusted list (ETSI TS 119 602 LoTE as a JWS,
  :mod:`trust_registry.trusted_list`) read from a URL through the SSRF-safe fetcher or
  from a file, verified against a configured anchor key only, and re-read when past its
  ``NextUpdate`` or after ``refresh`` seconds;
- :class:`StaticTrustChecker` — fixed answers, for tests and demos.

:class:`CachedTrustChecker` puts a short decision cache in front of any of them (the
composition layer wraps the local registry with it): see its docstring for the staleness
bound this accepts.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from credentials.errors import CredentialError, MalformedError
from credentials.keys import PublicKey
from credentials.net.fetcher import Fetcher, FetchError
from trust_registry.trust_checker import TrustChecker, TrustDecision

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

TRUSTED_LIST_MEDIA_TYPE: Final = "application/trustlist+jwt"
MAX_LIST_BYTES: Final = 6 * 1024 * 1024
#: How long a cached trust decision may be reused (seconds).
DEFAULT_DECISION_TTL: Final = 30.0

__all__ = [
    "CachedTrustChecker",
    "StaticTrustChecker",
    "TrustChecker",
    "TrustDecision",
    "TrustedListChecker",
    "local_trust_checker",
]


def local_trust_checker(
    sessions: Callable[[], Session], *, ttl: float = DEFAULT_DECISION_TTL
) -> TrustChecker:
    """The registry database's checker (``sessions`` is the deployment's sessionmaker),
    behind a :class:`CachedTrustChecker` of ``ttl`` seconds (0: ask every time)."""
    from trust_registry.query import LocalTrustChecker

    return CachedTrustChecker(LocalTrustChecker(sessions), ttl=ttl)


_DecisionKey = tuple[str, str, int, int]


class CachedTrustChecker:
    """A :class:`TrustChecker` that remembers decisions for ``ttl`` seconds.

    The key is (issuer, type, issuance time to the second, the ``ttl``-wide bucket of the
    evaluation time). Issuance times are kept to the second, the resolution of a JWT
    ``iat``: credentials issued at different moments are never given each other's answer,
    even when a registry change falls between them. The bucket of the evaluation time
    keeps an answer about a past instant (the CLI's ``--at``) apart from one about now.

    Staleness bound: a registry change (an issuer registered, a type granted, a
    suspension or cancellation) reaches verifications at most ``ttl`` seconds (by the
    process's monotonic clock) after a decision was cached, per process; positive and
    negative answers alike. Errors of the wrapped checker are not cached. ``ttl=0``
    turns the cache off.
    """

    def __init__(
        self,
        checker: TrustChecker,
        *,
        ttl: float = DEFAULT_DECISION_TTL,
        max_entries: int = 4096,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl < 0:
            raise ValueError("ttl must not be negative")
        self._checker = checker
        self._ttl = ttl
        self._max_entries = max_entries
        self._monotonic = monotonic
        self._entries: OrderedDict[_DecisionKey, tuple[float, TrustDecision]] = OrderedDict()
        self._lock = threading.Lock()

    def _key(
        self, issuer_id: str, credential_type: str, issued_at: datetime, now: datetime
    ) -> _DecisionKey:
        bucket = int(now.timestamp() // self._ttl) if self._ttl else 0
        return (issuer_id, credential_type, int(issued_at.timestamp()), bucket)

    def is_authorized(
        self, issuer_id: str, credential_type: str, issued_at: datetime, now: datetime
    ) -> TrustDecision:
        if not self._ttl:
            return self._checker.is_authorized(issuer_id, credential_type, issued_at, now)
        key = self._key(issuer_id, credential_type, issued_at, now)
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None and hit[0] > self._monotonic():
                self._entries.move_to_end(key)
                return hit[1]
        decision = self._checker.is_authorized(issuer_id, credential_type, issued_at, now)
        with self._lock:
            self._entries[key] = (self._monotonic() + self._ttl, decision)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        return decision

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class StaticTrustChecker:
    """Answers from a table ``{issuer: {type: entry}}``: listed pairs are authorised."""

    def __init__(self, authorised: Mapping[str, Mapping[str, dict[str, Any]]]) -> None:
        self._authorised = {k: dict(v) for k, v in authorised.items()}

    def is_authorized(
        self, issuer_id: str, credential_type: str, issued_at: datetime, now: datetime
    ) -> TrustDecision:
        types = self._authorised.get(issuer_id)
        if types is None:
            return TrustDecision(False, f"issuer {issuer_id!r} is not in the trust list")
        if credential_type not in types:
            return TrustDecision(False, f"not authorised for {credential_type!r}")
        return TrustDecision(True, "authorised", types[credential_type])


class TrustedListChecker:
    """A :class:`TrustChecker` over a signed trusted list, fetched and verified lazily.

    ``source`` is an ``https`` URL (fetched with ``fetcher``) or a file path. A list that
    cannot be obtained or does not verify makes every answer "not authorised" with the
    reason, never an exception.
    """

    def __init__(
        self,
        source: str,
        anchor: PublicKey,
        *,
        fetcher: Fetcher | None = None,
        refresh: timedelta = timedelta(minutes=15),
        grace: timedelta | None = None,
    ) -> None:
        if source.startswith(("https://", "http://")) and fetcher is None:
            raise ValueError("a trusted list URL needs a fetcher")
        self._source = source
        self._anchor = anchor
        self._fetcher = fetcher
        self._refresh = refresh
        self._grace = grace
        self._lock = threading.Lock()
        self._checker: TrustChecker | None = None
        self._loaded_at: datetime | None = None
        self._error: str | None = None

    def _read(self) -> str:
        if self._source.startswith(("https://", "http://")):
            assert self._fetcher is not None
            document = self._fetcher.fetch(
                self._source, accept=TRUSTED_LIST_MEDIA_TYPE, max_bytes=MAX_LIST_BYTES
            )
            if document.status != 200:
                raise FetchError(f"the trusted list answered HTTP {document.status}")
            body = document.body
        else:
            body = Path(self._source).read_bytes()
        try:
            return body.decode("ascii").strip()
        except UnicodeDecodeError:
            raise MalformedError("the trusted list is not a compact JWS") from None

    def _load(self, now: datetime) -> None:
        from trust_registry.trusted_list import DEFAULT_GRACE, verify_trusted_list

        try:
            token = self._read()
            self._checker = verify_trusted_list(
                token, self._anchor, now, self._grace or DEFAULT_GRACE
            )
            self._error = None
        except (CredentialError, OSError) as exc:
            self._checker = None
            self._error = f"the trusted list is unusable: {exc}"
        self._loaded_at = now

    def _current(self, now: datetime) -> TrustChecker | None:
        with self._lock:
            stale = self._loaded_at is None or now - self._loaded_at >= self._refresh
            checker = self._checker
            is_stale = getattr(checker, "is_stale", None)
            if stale or (callable(is_stale) and is_stale(now)):
                self._load(now)
            return self._checker

    def is_authorized(
        self, issuer_id: str, credential_type: str, issued_at: datetime, now: datetime
    ) -> TrustDecision:
        checker = self._current(now)
        if checker is None:
            return TrustDecision(False, self._error or "no trusted list")
        return checker.is_authorized(issuer_id, credential_type, issued_at, now)
