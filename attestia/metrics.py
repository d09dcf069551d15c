"""Prometheus metrics of one application: what was issued, verified, served, allocated.

Each :func:`attestia.app.create_app` owns a :class:`Metrics` with its own
:class:`~prometheus_client.CollectorRegistry` (never the process-global one), so several
apps in a process, and the tests, do not share counters. The families, in the Prometheus
text exposition format at ``GET /metrics`` (:mod:`attestia.web.metrics`):

==============================================  =========================================
``attestia_credentials_issued_total``           counter; ``configuration``, ``format``
``attestia_verifications_total``                counter; ``kind``, ``result``
                                                (``verified`` / ``rejected``)
``attestia_verification_failed_checks_total``   counter; ``kind``, ``check`` (the stable
                                                check code; once per verification)
``attestia_oid4vp_transactions_total``          counter; ``outcome`` (``created``,
                                                ``verified``, ``rejected``)
``attestia_rate_limited_total``                 counter; ``endpoint``
``attestia_http_request_duration_seconds``      histogram; ``method``, ``route`` (the route
                                                template such as ``/issuer/status/{list_id}``,
                                                ``<unmatched>`` otherwise), ``status``
                                                (``2xx`` …)
``attestia_status_list_allocated``              gauge per list; ``list_id``, ``kind``,
                                                ``state``
``attestia_status_list_size``                   gauge per list (entries)
``attestia_status_list_fill_ratio``             gauge per list: allocated / size
==============================================  =========================================

Labels carry identifiers only: no subject, claim, token or raw path (a raw path would
both grow the series without bound and leak the identifiers some paths carry).

Status-list gauges are read from the database at scrape time: one grouped count over the
allocations of the *open* lists (the primary key index answers it); a list that is full
no longer takes allocations, so its count is read once per process and kept.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection, Iterable
from typing import Final

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from issuer.status.models import StatusAllocation, StatusList
from verifier.observability import TransactionOutcome

logger = logging.getLogger("attestia.metrics")

CONTENT_TYPE: Final = "text/plain; version=0.0.4; charset=utf-8"
UNMATCHED: Final = "<unmatched>"
_METHODS: Final = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

#: Returns the deployment's session factory once the services exist (None before).
SessionSource = Callable[[], "sessionmaker[Session] | None"]


class Metrics:
    """The collectors of one app; also the issuer's and the verifier's observer.

    Implements :class:`issuer.observability.IssuanceObserver` and
    :class:`verifier.observability.VerificationObserver` structurally.
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._issued = Counter(
            "attestia_credentials_issued",
            "Credentials delivered to wallets (committed), by configuration and format.",
            ["configuration", "format"],
            registry=self.registry,
        )
        self._verifications = Counter(
            "attestia_verifications",
            "Verification pipeline runs, by kind and result.",
            ["kind", "result"],
            registry=self.registry,
        )
        self._failed_checks = Counter(
            "attestia_verification_failed_checks",
            "Failed checks of verifications, by stable check code (once per run).",
            ["kind", "check"],
            registry=self.registry,
        )
        self._transactions = Counter(
            "attestia_oid4vp_transactions",
            "OpenID4VP transactions created and finished, by outcome.",
            ["outcome"],
            registry=self.registry,
        )
        self._rate_limited = Counter(
            "attestia_rate_limited",
            "Requests refused with 429 by a rate limit, by endpoint.",
            ["endpoint"],
            registry=self.registry,
        )
        self._latency = Histogram(
            "attestia_http_request_duration_seconds",
            "Time to answer HTTP requests, by method, route template and status class.",
            ["method", "route", "status"],
            registry=self.registry,
        )

    # -- observers ----------------------------------------------------------------

    def credentials_issued(self, *, configuration_id: str, format: str, count: int) -> None:
        self._issued.labels(configuration_id, format).inc(count)

    def verification_finished(
        self, *, kind: str, verified: bool, failed_checks: Collection[str]
    ) -> None:
        self._verifications.labels(kind, "verified" if verified else "rejected").inc()
        for check in sorted(set(failed_checks)):
            self._failed_checks.labels(kind, check).inc()

    def oid4vp_transaction(self, outcome: TransactionOutcome) -> None:
        self._transactions.labels(outcome).inc()

    def rate_limited(self, endpoint: str) -> None:
        self._rate_limited.labels(endpoint).inc()

    def request_served(self, *, method: str, route: str, status: int, seconds: float) -> None:
        self._latency.labels(method, route, f"{status // 100}xx").observe(seconds)

    # -- exposition ---------------------------------------------------------------

    def watch_status_lists(self, sessions: SessionSource) -> None:
        """Report the status lists' fill levels at each scrape, read through ``sessions``."""
        self.registry.register(StatusListCollector(sessions))

    def render(self) -> bytes:
        """Every family in the Prometheus text format (:data:`CONTENT_TYPE`)."""
        return generate_latest(self.registry)


class StatusListCollector(Collector):
    """Status-list fill gauges computed at scrape time (see the module docstring)."""

    def __init__(self, sessions: SessionSource) -> None:
        self._sessions = sessions
        self._full: dict[str, int] = {}
        self._lock = threading.Lock()

    def describe(self) -> Iterable[Metric]:
        return []

    def collect(self) -> Iterable[Metric]:
        allocated = GaugeMetricFamily(
            "attestia_status_list_allocated",
            "Status indices allocated in each list.",
            labels=["list_id", "kind", "state"],
        )
        size = GaugeMetricFamily(
            "attestia_status_list_size",
            "Entries of each status list.",
            labels=["list_id", "kind"],
        )
        ratio = GaugeMetricFamily(
            "attestia_status_list_fill_ratio",
            "Allocated indices over entries, per status list.",
            labels=["list_id", "kind"],
        )
        for list_id, kind, state, entries, used in self._rows():
            allocated.add_metric([list_id, kind, state], used)
            size.add_metric([list_id, kind], entries)
            ratio.add_metric([list_id, kind], used / entries if entries else 0.0)
        return [allocated, size, ratio]

    def _rows(self) -> list[tuple[str, str, str, int, int]]:
        factory = self._sessions()
        if factory is None:
            return []
        try:
            with factory() as session:
                return self._read(session)
        except SQLAlchemyError as exc:
            logger.warning("status list metrics unavailable: %s", type(exc).__name__)
            return []

    def _read(self, session: Session) -> list[tuple[str, str, str, int, int]]:
        lists = session.execute(
            select(StatusList.id, StatusList.kind, StatusList.state, StatusList.size)
        ).all()
        with self._lock:
            known = dict(self._full)
        wanted = [row.id for row in lists if row.state != "full" or row.id not in known]
        counts: dict[str, int] = {}
        if wanted:
            counted = session.execute(
                select(StatusAllocation.list_id, func.count())
                .where(StatusAllocation.list_id.in_(wanted))
                .group_by(StatusAllocation.list_id)
            ).all()
            counts = {list_id: int(count) for list_id, count in counted}
        rows = []
        for row in lists:
            used = known[row.id] if row.id in known else counts.get(row.id, 0)
            if row.state == "full" and row.id not in known:
                with self._lock:
                    self._full[row.id] = used
            rows.append((row.id, row.kind, row.state, int(row.size), used))
        return rows


class RequestMetricsMiddleware:
    """Observes each HTTP request's duration under its route template.

    The router records the matched route in ``scope["route"]`` (Starlette); its ``path``
    is the template (``/issuer/status/{list_id}``). Requests no route matched share the
    ``<unmatched>`` label, so scanners cannot create series.
    """

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        finally:
            route = getattr(scope.get("route"), "path", None)
            method = str(scope.get("method", ""))
            self.metrics.request_served(
                method=method if method in _METHODS else "other",
                route=route if isinstance(route, str) and route else UNMATCHED,
                status=status,
                seconds=time.perf_counter() - started,
            )
