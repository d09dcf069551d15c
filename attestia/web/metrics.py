"""``GET /metrics``: the app's Prometheus metrics (:mod:`attestia.metrics`), and the
composition of observability into the app (:func:`install_observability`).

Who may scrape:

- dev mode: anyone (the service listens on loopback by default);
- production: a request carrying ``Authorization: Bearer <ATTESTIA_METRICS_TOKEN>``
  (compared in constant time), or coming from an address inside one of
  ``ATTESTIA_METRICS_ALLOWED_NETWORKS`` (CIDRs, e.g. the Prometheus server's subnet).
  With neither configured, nobody: 403. A missing or wrong token is 401 with
  ``WWW-Authenticate: Bearer`` (RFC 6750 §3).

The metrics carry no personal data, but their labels name credential configurations,
status lists and routes: a deployment's shape, not something to publish.
"""

from __future__ import annotations

import hmac
import ipaddress

from fastapi import APIRouter, FastAPI, Request, Response
from sqlalchemy.orm import Session, sessionmaker

from attestia.errors import error_response
from attestia.metrics import CONTENT_TYPE, Metrics, RequestMetricsMiddleware
from attestia.rate_limit import RateLimitMiddleware, token_endpoint_rule
from attestia.settings import Settings

router = APIRouter(tags=["operations"])


def _from_allowed_network(request: Request, settings: Settings) -> bool:
    if request.client is None or not settings.metrics_allowed_networks:
        return False
    try:
        address = ipaddress.ip_address(request.client.host)
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(network) for network in settings.metrics_allowed_networks
    )


def _bearer_matches(request: Request, settings: Settings) -> bool:
    if settings.metrics_token is None:
        return False
    scheme, _, presented = request.headers.get("authorization", "").partition(" ")
    expected = settings.metrics_token.get_secret_value()
    return scheme.lower() == "bearer" and hmac.compare_digest(
        presented.strip().encode(), expected.encode()
    )


@router.get(
    "/metrics",
    summary="Prometheus metrics (open in dev; bearer token or allowed network in production)",
    response_class=Response,
    responses={
        200: {"content": {"text/plain": {}}, "description": "Prometheus text format"},
        401: {"description": "missing or wrong metrics token"},
        403: {"description": "no metrics access configured for this client"},
    },
)
def metrics(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    if settings.is_production and not (
        _bearer_matches(request, settings) or _from_allowed_network(request, settings)
    ):
        if settings.metrics_token is not None:
            return error_response(
                401,
                "invalid_token",
                "a valid metrics bearer token is required",
                {"WWW-Authenticate": 'Bearer realm="metrics"'},
            )
        return error_response(
            403,
            "forbidden",
            "metrics need ATTESTIA_METRICS_TOKEN or ATTESTIA_METRICS_ALLOWED_NETWORKS",
        )
    collected: Metrics = request.app.state.metrics
    return Response(
        collected.render(), media_type=CONTENT_TYPE, headers={"Cache-Control": "no-store"}
    )


def install_observability(app: FastAPI, settings: Settings) -> Metrics:
    """Give ``app`` its metrics, ``GET /metrics`` and the Token Endpoint's rate limit.

    Call between the body-size and the request-id middleware: the request-id middleware
    stays outermost, so a 429 is in the access log; the latency middleware wraps the rate
    limiter, so a 429 is in the histogram. The issuer reads ``app.state.issuance_observer``
    and the OpenID4VP service ``app.state.verification_observer``; the verification
    pipeline, built at start, gets its observer from :func:`observe_verifier`.
    """
    collected = Metrics()
    app.state.metrics = collected
    app.state.issuance_observer = collected
    app.state.verification_observer = collected
    collected.watch_status_lists(lambda: _sessions(app))
    rule = token_endpoint_rule(
        rate=settings.oid4vci_token_rate_per_second, burst=settings.oid4vci_token_burst
    )
    if rule is not None:
        app.add_middleware(RateLimitMiddleware, rules=[rule], on_limited=collected.rate_limited)
    app.add_middleware(RequestMetricsMiddleware, metrics=collected)
    app.include_router(router)
    return collected


def observe_verifier(app: FastAPI) -> None:
    """Point the verification pipeline of ``app.state.verifier`` at the app's metrics."""
    verifier = getattr(app.state, "verifier", None)
    collected = getattr(app.state, "metrics", None)
    if verifier is not None and collected is not None:
        verifier.pipeline.observer = collected


def _sessions(app: FastAPI) -> sessionmaker[Session] | None:
    services = getattr(app.state, "services", None)
    return services.sessions if services is not None else None
