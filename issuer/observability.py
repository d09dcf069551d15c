"""What the issuer tells an observer (metrics): credentials issued, after their commit.

Framework-free on purpose: the protocol code calls :class:`IssuanceObserver` and the
composition layer injects an implementation (``attestia.metrics.Metrics`` exports them to
Prometheus). Observers receive identifiers only (configuration id, format, counts), never
claims, keys or tokens, and must not raise.
"""

from __future__ import annotations

from typing import Final, Protocol


class IssuanceObserver(Protocol):
    """Receives one call per successful Credential Response (immediate or deferred)."""

    def credentials_issued(self, *, configuration_id: str, format: str, count: int) -> None:
        """``count`` credentials of ``configuration_id`` in ``format`` were committed and
        are about to be returned to the Wallet."""


class _Silent:
    def credentials_issued(self, *, configuration_id: str, format: str, count: int) -> None:
        return None


#: The observer used when none is injected (tests, the CLI).
SILENT: Final[IssuanceObserver] = _Silent()
