"""A per-client token bucket for the public query API.

Each client address has a bucket of ``capacity`` requests refilled at ``rate`` per second;
a request takes one token or is refused with HTTP 429 and ``Retry-After`` (RFC 6585 §4,
RFC 9110 §10.2.3) giving the seconds until a token is back. Buckets live in process
memory, so with several processes a client gets up to one budget per process; the least
recently seen clients are forgotten beyond ``max_clients``.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class TokenBucketLimiter:
    """Thread-safe token buckets keyed by client address."""

    def __init__(
        self,
        *,
        capacity: int = 120,
        rate: float = 2.0,
        max_clients: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if capacity < 1 or rate <= 0 or max_clients < 1:
            raise ValueError("capacity and max_clients must be >= 1 and rate > 0")
        self.capacity = capacity
        self.rate = rate
        self._max_clients = max_clients
        self._clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, client: str) -> int | None:
        """Take a token for ``client``: None if allowed, else the seconds to wait (>= 1)."""
        moment = self._clock()
        with self._lock:
            bucket = self._buckets.pop(client, None)
            if bucket is None:
                bucket = _Bucket(float(self.capacity), moment)
            else:
                elapsed = max(0.0, moment - bucket.updated)
                bucket.tokens = min(float(self.capacity), bucket.tokens + elapsed * self.rate)
                bucket.updated = moment
            self._buckets[client] = bucket
            while len(self._buckets) > self._max_clients:
                self._buckets.popitem(last=False)
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return None
            return max(1, math.ceil((1.0 - bucket.tokens) / self.rate))
