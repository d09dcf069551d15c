"""The one place where register clients talk HTTP: timeouts, retries and error mapping.

* every call has a timeout (``httpx.Timeout``) and a descriptive ``User-Agent``;
* ``429 Too Many Requests`` is retried after ``Retry-After`` (seconds or HTTP-date, capped),
  a bounded number of times, then becomes :class:`RateLimited`;
* ``404`` → :class:`NotFound`; other ``4xx``/``5xx``, timeouts and network errors →
  :class:`RegistryUnavailable`; a body that is not JSON → :class:`MalformedResponse`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from issuer.company.errors import MalformedResponse, NotFound, RateLimited, RegistryUnavailable
from issuer.company.rate_limit import RateLimiter, Sleep

DEFAULT_USER_AGENT = (
    "Attestia/0.1 (verifiable credentials from ProConnect; contact: ops@attestia.example)"
)

Clock = Callable[[], datetime]
"""Wall-clock source, injected so freshness and ``Retry-After`` dates are testable."""


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How long and how often to honour ``429`` + ``Retry-After``."""

    max_retries: int = 2
    default_wait: float = 1.0
    max_wait: float = 10.0


def retry_after_seconds(header: str | None, *, now: datetime, policy: RetryPolicy) -> float:
    """Seconds to wait for a ``Retry-After`` value (RFC 9110 §10.2.3), capped by the policy."""
    if header is None:
        return policy.default_wait
    value = header.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return policy.default_wait
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - now).total_seconds()
    return min(max(seconds, 0.0), policy.max_wait)


class SourceClient:
    """A JSON-over-HTTP client for one register, sharing an injected ``httpx.AsyncClient``."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        source: str,
        base_url: str,
        timeout: float,
        user_agent: str = DEFAULT_USER_AGENT,
        limiter: RateLimiter | None = None,
        retry: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Clock = utc_now,
    ) -> None:
        self.http = http
        self.clock = clock
        self.source = source
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.user_agent = user_agent
        self.limiter = limiter
        self.retry = retry or RetryPolicy()
        self._sleep = sleep

    async def get_json(
        self,
        path: str,
        *,
        identifier: str,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """GET ``base_url + path`` and return the decoded JSON body."""
        return await self.request_json(
            "GET", path, identifier=identifier, params=params, headers=headers
        )

    async def request_json(
        self,
        method: str,
        path: str,
        *,
        identifier: str,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
    ) -> Any:
        """Send one request (with 429 retries) and map every failure to a typed error."""
        all_headers = {"User-Agent": self.user_agent, "Accept": "application/json"}
        all_headers.update(headers or {})
        attempt = 0
        while True:
            if self.limiter is not None:
                await self.limiter.acquire()
            try:
                response = await self.http.request(
                    method,
                    self.base_url + path,
                    params=params,
                    headers=all_headers,
                    json=json_body,
                    timeout=httpx.Timeout(self.timeout),
                )
            except httpx.TimeoutException as exc:
                raise RegistryUnavailable(source=self.source, detail="timeout") from exc
            except httpx.HTTPError as exc:
                raise RegistryUnavailable(source=self.source, detail=type(exc).__name__) from exc
            if response.status_code == httpx.codes.TOO_MANY_REQUESTS:
                wait = retry_after_seconds(
                    response.headers.get("Retry-After"),
                    now=self.clock(),
                    policy=self.retry,
                )
                if attempt >= self.retry.max_retries:
                    raise RateLimited(source=self.source, retry_after=wait)
                attempt += 1
                await self._sleep(wait)
                continue
            return self._decode(response, identifier)

    def _decode(self, response: httpx.Response, identifier: str) -> Any:
        if response.status_code == httpx.codes.NOT_FOUND:
            raise NotFound(identifier, source=self.source)
        if response.status_code >= 400:
            raise RegistryUnavailable(source=self.source, detail=f"HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError as exc:
            raise MalformedResponse(source=self.source, detail="body is not JSON") from exc
