"""Publishing status lists, rebuilt from the register and signed with the issuer P-256 key.

- Token lists (IETF Token Status List draft -20 §5.1): ``GET {base}/issuer/status/{id}``
  answers a ``statuslist+jwt`` (``application/statuslist+jwt``) with ``sub`` = that URL,
  ``iss`` = the issuer DID, ``iat``, ``exp`` and ``ttl``; ``bits`` = 2 so that the §7
  values fit: 0x00 VALID, 0x01 INVALID (revoked), 0x02 SUSPENDED.
- Bitstring lists (W3C Bitstring Status List v1.0 §2.2): one index space published as two
  ``BitstringStatusListCredential``s, ``{base}/issuer/status/{id}/revocation`` and
  ``…/suspension`` (1 bit each), secured as ``vc+jwt`` (VC-JOSE-COSE §3.1.1,
  ``application/vc+jwt``) so that verifiers need no JSON-LD processing to read them.
  A revoked credential's suspension bit is cleared: revocation overrides suspension.

Signed lists are cached per (list, version, period): the token's ``iat`` is the start of the
current re-signing period (or the time of the last change, if later), so every process
signs the same claims for the same list version, and the weak ETag ``W/"{version}-{iat}"``
is stable across processes and changes whenever the content does.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from credentials.keys import KeyType, Signer
from credentials.status_list.bitstring import build_status_list_credential, new_bitstring
from credentials.status_list.token import (
    MEDIA_TYPE as TOKEN_MEDIA_TYPE,
)
from credentials.status_list.token import (
    TokenStatus,
    new_status_list,
    sign_status_list_token,
)
from credentials.vc_jose import MEDIA_TYPE_VC, sign_vc_jwt
from issuer.status.errors import UnknownStatusListError
from issuer.status.models import IssuedCredential, StatusList

BitstringPurpose = Literal["revocation", "suspension"]
BITSTRING_PURPOSES: Final[tuple[BitstringPurpose, ...]] = ("revocation", "suspension")
TOKEN_BITS: Final = 2

SignerSource = Callable[[KeyType], Signer]


def as_utc(moment: datetime) -> datetime:
    """SQLite returns naive datetimes for ``DateTime(timezone=True)``: they are UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _epoch(moment: datetime) -> int:
    return int(as_utc(moment).timestamp())


@dataclass(frozen=True, slots=True)
class StatusListUrls:
    """Where lists are published, under ``{base_url}/issuer/status/``."""

    base_url: str

    def token(self, list_id: str) -> str:
        return f"{self.base_url.rstrip('/')}/issuer/status/{list_id}"

    def bitstring(self, list_id: str, purpose: BitstringPurpose) -> str:
        return f"{self.base_url.rstrip('/')}/issuer/status/{list_id}/{purpose}"


@dataclass(frozen=True, slots=True)
class PublishedList:
    """A signed list ready to serve."""

    body: str
    media_type: str
    etag: str
    max_age: int
    version: int


class StatusListPublisher:
    """Builds and signs status lists from the register; caches them per list version."""

    def __init__(
        self,
        *,
        signers: SignerSource,
        urls: StatusListUrls,
        issuer_did: str,
        clock: Callable[[], datetime],
        ttl_seconds: int = 300,
        lifetime_seconds: int = 86_400,
        resign_period_seconds: int = 3_600,
    ) -> None:
        if not 0 < ttl_seconds <= resign_period_seconds < lifetime_seconds:
            raise ValueError("need 0 < ttl <= re-signing period < token lifetime")
        self._signers = signers
        self._urls = urls
        self._did = issuer_did
        self._clock = clock
        self._ttl = ttl_seconds
        self._lifetime = lifetime_seconds
        self._period = resign_period_seconds
        self._cache: dict[tuple[str, str], tuple[int, int, PublishedList]] = {}
        self._lock = threading.Lock()

    @property
    def urls(self) -> StatusListUrls:
        return self._urls

    def _iat(self, status_list: StatusList) -> int:
        now = _epoch(self._clock())
        period_start = now - now % self._period
        return max(period_start, min(now, _epoch(status_list.updated_at)))

    def publish(
        self, session: Session, list_id: str, purpose: BitstringPurpose | None = None
    ) -> PublishedList:
        """The signed list ``list_id`` (a token list, or one purpose of a bitstring list)."""
        status_list = session.get(StatusList, list_id)
        expected_kind = "token" if purpose is None else "bitstring"
        if status_list is None or status_list.kind != expected_kind:
            raise UnknownStatusListError(f"no status list {list_id!r} here")
        iat = self._iat(status_list)
        key = (list_id, purpose or "")
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None and cached[:2] == (status_list.version, iat):
            return cached[2]
        rows = [
            (int(index), str(state))
            for index, state in session.execute(
                select(IssuedCredential.status_index, IssuedCredential.state).where(
                    IssuedCredential.status_list_id == list_id,
                    IssuedCredential.state != "valid",
                )
            )
        ]
        if purpose is None:
            body = self._token(status_list, rows, iat)
            media_type = TOKEN_MEDIA_TYPE
        else:
            body = self._bitstring(status_list, rows, iat, purpose)
            media_type = MEDIA_TYPE_VC
        published = PublishedList(
            body=body,
            media_type=media_type,
            etag=f'W/"{status_list.version}-{iat}"',
            max_age=self._ttl,
            version=status_list.version,
        )
        with self._lock:
            self._cache[key] = (status_list.version, iat, published)
        return published

    def _token(self, status_list: StatusList, rows: list[tuple[int, str]], iat: int) -> str:
        statuses = new_status_list(status_list.size, TOKEN_BITS)
        for index, state in rows:
            value = TokenStatus.INVALID if state == "revoked" else TokenStatus.SUSPENDED
            statuses.set(index, int(value))
        return sign_status_list_token(
            statuses,
            self._signers("P-256"),
            uri=self._urls.token(status_list.id),
            iat=iat,
            exp=iat + self._lifetime,
            ttl=self._ttl,
            iss=self._did,
        )

    def _bitstring(
        self,
        status_list: StatusList,
        rows: list[tuple[int, str]],
        iat: int,
        purpose: BitstringPurpose,
    ) -> str:
        wanted = "revoked" if purpose == "revocation" else "suspended"
        statuses = new_bitstring(status_list.size, 1)
        for index, state in rows:
            if state == wanted:
                statuses.set(index, 1)
        valid_from = datetime.fromtimestamp(iat, UTC)
        valid_until = datetime.fromtimestamp(iat + self._lifetime, UTC)
        credential = build_status_list_credential(
            statuses,
            credential_id=self._urls.bitstring(status_list.id, purpose),
            issuer=self._did,
            purpose=purpose,
            valid_from=valid_from.strftime("%Y-%m-%dT%H:%M:%SZ"),
            valid_until=valid_until.strftime("%Y-%m-%dT%H:%M:%SZ"),
            ttl_ms=self._ttl * 1000,
        )
        return sign_vc_jwt(
            credential, self._signers("P-256"), issued_at=iat, expires_at=iat + self._lifetime
        )
