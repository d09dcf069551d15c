"""``GET /metrics``: the counters move with the right labels after an issuance and a
verification, latency is labelled by route template, the fill gauges follow allocations,
and production needs the metrics token (or an allowed network)."""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from attestia.app import create_app
from attestia.metrics import Metrics
from attestia.settings import Settings
from attestia.web.home import route_paths
from issuer.status import LIST_SIZE
from tests.observability import scenario
from tests.observability.conftest import Deployment
from tests.verifier.oid4vp.conftest import issue_identity_sd_jwt, make_party

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(client: TestClient, **headers: str) -> Samples:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def series(samples: Samples, name: str) -> list[dict[str, str]]:
    return [dict(labels) for (sample, labels) in samples if sample == name]


def test_issuance_and_verification_move_the_counters(deployed: Deployment) -> None:
    _, result = scenario.run(deployed.http, deployed.settings.base_url, deployed.data_dir)
    assert result["verified"] is True
    samples = scrape(deployed.client)

    issued = "attestia_credentials_issued_total"
    assert value(samples, issued, configuration=scenario.CONFIGURATION, format="dc+sd-jwt") == 1
    assert sum(v for (name, _), v in samples.items() if name == issued) == 1
    verifications = "attestia_verifications_total"
    assert value(samples, verifications, kind="presentation", result="verified") == 1
    assert value(samples, verifications, kind="presentation", result="rejected") == 0
    assert series(samples, "attestia_verification_failed_checks_total") == []
    transactions = "attestia_oid4vp_transactions_total"
    assert value(samples, transactions, outcome="created") == 1
    assert value(samples, transactions, outcome="verified") == 1
    assert value(samples, transactions, outcome="rejected") == 0


def test_latency_is_labelled_by_route_template(deployed: Deployment) -> None:
    scenario.run(deployed.http, deployed.settings.base_url, deployed.data_dir)
    missing = f"/no/such/{secrets.token_hex(8)}"
    assert deployed.client.get(missing).status_code == 404
    response = deployed.client.get("/metrics")
    samples = scrape(deployed.client)

    count = "attestia_http_request_duration_seconds_count"
    routes = {(s["method"], s["route"], s["status"]) for s in series(samples, count)}
    assert ("POST", "/issuer/token", "2xx") in routes
    assert ("POST", "/issuer/credential", "2xx") in routes
    assert ("GET", "/verifier/transactions/{transaction_id}", "2xx") in routes
    assert ("POST", "/verifier/response/{request_id}", "2xx") in routes
    assert ("GET", "/issuer/offers/{offer_id}", "2xx") in routes
    assert ("GET", "<unmatched>", "4xx") in routes
    templates = route_paths(deployed.app.routes)
    assert {route for _, route, _ in routes} <= templates | {"<unmatched>"}
    assert missing not in response.text
    buckets = series(samples, "attestia_http_request_duration_seconds_bucket")
    assert {"method": "POST", "route": "/issuer/token", "status": "2xx", "le": "+Inf"} in buckets


def test_a_rejected_verification_counts_each_failed_check(deployed: Deployment) -> None:
    unknown_issuer = issue_identity_sd_jwt(make_party(), make_party())
    answer = deployed.client.post(
        "/verifier/credentials/verify", json={"verifiableCredential": unknown_issuer}
    )
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["verified"] is False
    failed = {check["code"] for check in report["checks"] if not check["passed"]}
    assert "trust" in failed
    samples = scrape(deployed.client)

    assert value(samples, "attestia_verifications_total", kind="credential", result="rejected") == 1
    counted = {
        labels["check"]
        for labels in series(samples, "attestia_verification_failed_checks_total")
        if labels["kind"] == "credential"
    }
    assert counted == failed
    for check in failed:
        assert (
            value(
                samples, "attestia_verification_failed_checks_total", kind="credential", check=check
            )
            == 1
        )


def _fill(samples: Samples, kind: str) -> list[tuple[float, float, float]]:
    out = []
    for labels in series(samples, "attestia_status_list_allocated"):
        if labels["kind"] == kind:
            key = {"list_id": labels["list_id"], "kind": kind}
            out.append(
                (
                    value(samples, "attestia_status_list_allocated", **labels),
                    value(samples, "attestia_status_list_size", **key),
                    value(samples, "attestia_status_list_fill_ratio", **key),
                )
            )
    return out


def test_fill_gauges_follow_allocations(deployed: Deployment) -> None:
    assert _fill(scrape(deployed.client), "bitstring") == []
    issuer = deployed.app.state.issuer
    for batch, expected in ((1, 1), (3, 4)):
        with issuer.sessions.begin() as session:
            for _ in range(batch):
                issuer.allocator.allocate(session, "bitstring", now=datetime.now(UTC))
        ((allocated, size, ratio),) = _fill(scrape(deployed.client), "bitstring")
        assert (allocated, size) == (expected, LIST_SIZE)
        assert ratio == pytest.approx(expected / LIST_SIZE)


def test_full_lists_are_counted_once(deployed: Deployment) -> None:
    from issuer.status.models import StatusList

    issuer = deployed.app.state.issuer
    with issuer.sessions.begin() as session:
        issuer.allocator.allocate(session, "token", now=datetime.now(UTC))
    assert [a for a, _, _ in _fill(scrape(deployed.client), "token")] == [1]
    with issuer.sessions.begin() as session:
        for row in session.query(StatusList).all():
            row.state = "full"
    assert [a for a, _, _ in _fill(scrape(deployed.client), "token")] == [1]
    with issuer.sessions.begin() as session:  # a late overshoot is not re-read
        issuer.allocator.allocate(session, "token", now=datetime.now(UTC))
    token_lists = [
        labels
        for labels in series(scrape(deployed.client), "attestia_status_list_allocated")
        if labels["kind"] == "token"
    ]
    assert {labels["state"] for labels in token_lists} == {"full", "open"}


# Access control ---------------------------------------------------------------------


def production(tmp_path: Path, **overrides: Any) -> Settings:
    """Production settings, built directly (the app is not started: no lifespan)."""
    values: dict[str, Any] = {
        "mode": "production",
        "base_url": "https://attestia.example",
        "data_dir": tmp_path / "var",
        "proconnect_sandbox": False,
        "company_registry": "recherche-entreprises",
    }
    return Settings(**(values | overrides))


METRICS_TOKEN = "m3trics-" + "x" * 32


def test_production_requires_the_metrics_token(tmp_path: Path) -> None:
    settings = production(tmp_path, metrics_token=SecretStr(METRICS_TOKEN))
    client = TestClient(create_app(settings))
    missing = client.get("/metrics")
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert missing.json()["error"] == "invalid_token"
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert (
        client.get("/metrics", headers={"Authorization": f"Basic {METRICS_TOKEN}"}).status_code
        == 401
    )
    scrape(client, Authorization=f"Bearer {METRICS_TOKEN}")


def test_production_without_access_configured_refuses_everyone(tmp_path: Path) -> None:
    client = TestClient(create_app(production(tmp_path)))
    refused = client.get("/metrics")
    assert refused.status_code == 403
    assert "ATTESTIA_METRICS_TOKEN" in refused.json()["error_description"]


def test_production_allowed_network_needs_no_token(tmp_path: Path) -> None:
    app = create_app(production(tmp_path, metrics_allowed_networks=["10.0.0.0/8"]))
    scrape(TestClient(app, client=("10.1.2.3", 40000)))
    assert TestClient(app, client=("192.0.2.7", 40000)).get("/metrics").status_code == 403


def test_allowed_networks_must_be_cidrs(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a CIDR"):
        production(tmp_path, metrics_allowed_networks=["10.0.0.0/8", "intranet"])


def test_dev_metrics_are_open(deployed: Deployment) -> None:
    scrape(deployed.client)


def test_each_app_has_its_own_registry() -> None:
    first, second = Metrics(), Metrics()
    first.credentials_issued(configuration_id="c", format="dc+sd-jwt", count=3)
    assert b'configuration="c"' in first.render()
    assert b'configuration="c"' not in second.render()


def test_unknown_methods_share_one_label(deployed: Deployment) -> None:
    deployed.client.request("BREW", f"/{time.time_ns()}")
    methods = {
        labels["method"]
        for labels in series(
            scrape(deployed.client), "attestia_http_request_duration_seconds_count"
        )
    }
    assert "BREW" not in methods
    assert "other" in methods


def test_a_short_metrics_token_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 16"):
        production(tmp_path, metrics_token=SecretStr("short"))
