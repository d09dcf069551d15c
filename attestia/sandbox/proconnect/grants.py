"""Single-use and expiring values of the sandbox provider, kept in process memory.

The sandbox runs in one process (the dev default); a lock makes each authorization code
usable once even under concurrent token requests, like ProConnect's 60-second codes
(reference §1.4). Values vanish when the process restarts.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")

CODE_LIFETIME = 60
ACCESS_TOKEN_LIFETIME = 3600
INTERACTION_LIFETIME = 600


@dataclass(frozen=True, slots=True)
class AuthorizationParams:
    """A validated authorization request (OIDC Core §3.1.2.1)."""

    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    state: str
    nonce: str
    code_challenge: str | None
    claims: dict[str, Any]
    certification_essential: bool
    siret_hint: str | None


@dataclass(frozen=True, slots=True)
class Grant:
    """What a code (then an access token) stands for."""

    request: AuthorizationParams
    persona_id: str
    siret: str
    acr: str
    auth_time: int
    sid: str


class ExpiringStore(Generic[T]):
    """``key → value`` with an expiry; :meth:`take` removes atomically."""

    def __init__(self) -> None:
        self._items: dict[str, tuple[float, T]] = {}
        self._lock = threading.Lock()

    def put(self, key: str, value: T, expires_at: float) -> None:
        with self._lock:
            self._items[key] = (expires_at, value)

    def take(self, key: str, now: float) -> T | None:
        """Remove and return the value if present and not expired (else None)."""
        with self._lock:
            self._purge(now)
            item = self._items.pop(key, None)
        if item is None or item[0] <= now:
            return None
        return item[1]

    def peek(self, key: str, now: float) -> T | None:
        with self._lock:
            item = self._items.get(key)
        if item is None or item[0] <= now:
            return None
        return item[1]

    def discard(self, key: str) -> None:
        with self._lock:
            self._items.pop(key, None)

    def _purge(self, now: float) -> None:
        expired = [key for key, (expires, _) in self._items.items() if expires <= now - 3600]
        for key in expired:
            del self._items[key]
