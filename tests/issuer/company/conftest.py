"""Recorded, real-shaped register responses (fictitious data) and a fake clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

RECORDINGS = Path(__file__).parent / "recordings"


def recording(name: str) -> Any:
    return json.loads((RECORDINGS / name).read_text("utf-8"))


class FakeClock:
    """Wall clock, monotonic clock and sleep that only move when told to."""

    def __init__(self, start: datetime = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)) -> None:
        self.now = start
        self.mono = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.mono

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        self.mono += seconds
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
