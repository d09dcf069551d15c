"""What the verifier tells an observer (metrics): verdicts and OpenID4VP outcomes.

Framework-free: the pipeline and the OpenID4VP service call a :class:`VerificationObserver`
that the composition layer injects (``attestia.metrics.Metrics`` exports to Prometheus).
Observers receive the verdict, the stable check codes that failed
(:data:`verifier.pipeline.report.CheckCode`) and transaction outcomes: never the presented
data, and they must not raise.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Final, Literal, Protocol

#: What became of an OpenID4VP transaction: started; answered with a presentation that
#: verified; answered with one that did not (or with an unusable response).
TransactionOutcome = Literal["created", "verified", "rejected"]


class VerificationObserver(Protocol):
    """Receives one call per verification and per OpenID4VP transaction step."""

    def verification_finished(
        self, *, kind: str, verified: bool, failed_checks: Collection[str]
    ) -> None:
        """A pipeline run ended: ``kind`` is ``credential`` or ``presentation``;
        ``failed_checks`` holds each failed check code once."""

    def oid4vp_transaction(self, outcome: TransactionOutcome) -> None:
        """An OpenID4VP transaction was created or reached its final state."""


class _Silent:
    def verification_finished(
        self, *, kind: str, verified: bool, failed_checks: Collection[str]
    ) -> None:
        return None

    def oid4vp_transaction(self, outcome: TransactionOutcome) -> None:
        return None


#: The observer used when none is injected (tests, the CLI).
SILENT: Final[VerificationObserver] = _Silent()
