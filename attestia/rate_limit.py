"""Per-client rate limits on chosen endpoints, in front of the application.

The limiter is the trust registry's :class:`~trust_registry.web.rate_limit.
TokenBucketLimiter` (generic: a token bucket per key, thread-safe, bounded memory),
re-exported here rather than written twice. :class:`RateLimitMiddleware` applies one
bucket set per :class:`RateLimitRule` (method + exact path), keyed by the client address
that the ASGI server reports — behind a reverse proxy, run uvicorn with
``--forwarded-allow-ips`` set to the proxy so that this is the wallet's address, not the
proxy's. Buckets live in process memory: with N processes a client gets up to N budgets.

The OpenID4VCI Token Endpoint (:func:`token_endpoint_rule`) answers an exhausted budget
with HTTP 429 (RFC 6585 §4: "The user has sent too many requests in a given amount of
time"), ``Retry-After`` in seconds (RFC 9110 §10.2.3; RFC 6585 §4 "MAY include a
Retry-After header"), and the body ``{"error": "slow_down", "error_description": …}``.
Why ``slow_down``: RFC 6749 §5.2 lets a Token Endpoint answer only its own codes or
registered extensions (§8.5), and none of its own fits — ``invalid_request`` tells the
client its request is malformed, so it would not retry. ``slow_down`` is registered for
Token Endpoint responses (RFC 8628 §3.5, registered by its §7.4 in the OAuth Extensions
Error Registry) and means
exactly "send requests less often"; a wallet that does not know it still has the 429 status
and ``Retry-After``. OpenID4VCI 1.0 §6.3 defines no code of its own for this.
Brute force of a Transaction Code is bounded separately, per offer, by
``tx_code_max_attempts`` (:mod:`issuer.oid4vci.token`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from trust_registry.web.rate_limit import TokenBucketLimiter

__all__ = ["RateLimitMiddleware", "RateLimitRule", "TokenBucketLimiter", "token_endpoint_rule"]

TOKEN_ENDPOINT_PATH = "/issuer/token"  # noqa: S105 - a URL path, not a secret


@dataclass(frozen=True, slots=True)
class RateLimitRule:
    """Requests of ``method`` on exactly ``path`` take a token from ``limiter``."""

    name: str
    method: str
    path: str
    limiter: TokenBucketLimiter
    error: str = "too_many_requests"
    description: str = "too many requests from this address"


def token_endpoint_rule(*, rate: float, burst: int) -> RateLimitRule | None:
    """The Token Endpoint's rule: ``burst`` requests at once, then ``rate`` per second
    per client address; None (no limit) when ``rate`` is 0."""
    if rate <= 0:
        return None
    return RateLimitRule(
        name="oid4vci_token",
        method="POST",
        path=TOKEN_ENDPOINT_PATH,
        limiter=TokenBucketLimiter(capacity=burst, rate=rate),
        error="slow_down",
        description="too many token requests from this address",
    )


class RateLimitMiddleware:
    """Refuses a request with 429 when its rule's bucket for the client is empty.

    ``on_limited(rule_name)`` is called for each refusal (metrics).
    """

    def __init__(
        self,
        app: ASGIApp,
        rules: Sequence[RateLimitRule],
        on_limited: Callable[[str], None] | None = None,
    ) -> None:
        self.app = app
        self._rules = {(rule.method, rule.path): rule for rule in rules}
        self._on_limited = on_limited

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        rule = (
            self._rules.get((scope.get("method", ""), scope.get("path", "")))
            if scope["type"] == "http"
            else None
        )
        if rule is not None:
            client = scope.get("client")
            wait = rule.limiter.take(str(client[0]) if client else "unknown")
            if wait is not None:
                if self._on_limited is not None:
                    self._on_limited(rule.name)
                await _refuse(send, rule, wait)
                return
        await self.app(scope, receive, send)


async def _refuse(send: Send, rule: RateLimitRule, wait: int) -> None:
    body = json.dumps(
        {"error": rule.error, "error_description": f"{rule.description}; retry in {wait} s"}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 429,
            "headers": [
                (b"content-type", b"application/json"),
                (b"cache-control", b"no-store"),
                (b"retry-after", str(wait).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
