"""The signed trusted list, signed once per sequence number and refreshed periodically.

Signing walks the whole registry, so the compact JWS is kept in memory with the
``LoTESequenceNumber`` it carries and re-signed when the sequence moves (any change) or the
copy is older than ``refresh`` (so that ``NextUpdate`` stays well ahead of readers).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from credentials import multiformats as mf
from credentials.keys import Signer
from trust_registry.trusted_list import DEFAULT_VALIDITY, list_sequence, sign_trusted_list


@dataclass(frozen=True, slots=True)
class SignedList:
    """One signed trusted list."""

    sequence: int
    token: str
    signed_at: datetime

    def claims(self) -> dict[str, Any]:
        """The JWT claims (``iss``, ``iat``, ``LoTE``) as JSON, unverified (it is ours)."""
        payload = self.token.split(".")[1]
        value: dict[str, Any] = json.loads(mf.b64url_decode(payload))
        return value


class TrustedListCache:
    """Thread-safe cache of the last signed list."""

    def __init__(
        self,
        *,
        validity: timedelta = DEFAULT_VALIDITY,
        refresh: timedelta = timedelta(hours=1),
    ) -> None:
        self.validity = validity
        self.refresh = refresh
        self._current: SignedList | None = None
        self._lock = threading.Lock()

    def current(
        self, session: Session, *, signer: Callable[[], Signer], registry_did: str, now: datetime
    ) -> SignedList:
        """The list for the registry's current sequence number, signed if needed."""
        sequence = list_sequence(session)
        with self._lock:
            cached = self._current
            if (
                cached is not None
                and cached.sequence == sequence
                and timedelta(0) <= now - cached.signed_at < self.refresh
            ):
                return cached
            token = sign_trusted_list(
                session, signer=signer(), registry_did=registry_did, now=now, validity=self.validity
            )
            signed = SignedList(sequence, token, now)
            lote_sequence = signed.claims()["LoTE"]["ListAndSchemeInformation"][
                "LoTESequenceNumber"
            ]
            signed = SignedList(int(lote_sequence), token, now)
            self._current = signed
            return signed
