"""Client-side rate limiting for register APIs (e.g. Recherche d'entreprises: 7 requests/s).

The clock and the sleep function are injected so tests never wait.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

Monotonic = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class RateLimiter:
    """Allow at most ``rate`` acquisitions in any sliding window of ``period`` seconds."""

    def __init__(
        self,
        rate: int,
        period: float = 1.0,
        *,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if rate < 1 or period <= 0:
            raise ValueError("rate must be >= 1 and period > 0")
        self.rate = rate
        self.period = period
        self._monotonic = monotonic
        self._sleep = sleep
        self._stamps: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait (through the injected sleep) until one more call fits in the window."""
        async with self._lock:
            while True:
                now = self._monotonic()
                while self._stamps and now - self._stamps[0] >= self.period:
                    self._stamps.popleft()
                if len(self._stamps) < self.rate:
                    self._stamps.append(now)
                    return
                await self._sleep(self._stamps[0] + self.period - now)
