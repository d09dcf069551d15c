"""schemathesis over the application's own OpenAPI document, in process.

Every operation the document lists is fuzzed twice: with schema-valid input (positive)
and, where the schema constrains something besides the path, with schema-violating input
(negative). Each response must

- not be a 5xx (``not_a_server_error``);
- have a status code, a ``Content-Type``, headers and a body the document declares for
  that operation (``status_code_conformance``, ``content_type_conformance``,
  ``response_headers_conformance``, ``response_schema_conformance``);
- be a 4xx when the input violated the schema (``negative_data_rejection``).

``positive_data_acceptance`` is left out on purpose: several bodies carry rules that JSON
Schema does not state (exactly one of ``dcql_query`` / ``policy``, a non-empty credential,
RFC 3339 instants, a DID that exists), so schema-valid input is rightly refused with 400.

The run is bounded for CI (``ATTESTIA_FUZZ_EXAMPLES`` examples per operation and mode,
default 6, derandomized so a failure reproduces); ``scripts/fuzz.py --examples N`` runs
the same test longer, optionally with ``--seed`` for new inputs.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, seed, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from attestia.app import create_app
from attestia.settings import Settings
from tests.fuzz.conftest import SEED
from trust_registry.web.rate_limit import TokenBucketLimiter

EXAMPLES = int(os.environ.get("ATTESTIA_FUZZ_EXAMPLES", "6"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


def _document() -> dict[str, Any]:
    """The OpenAPI document, from an app that is built but never started (no I/O)."""
    unstarted = Settings(_env_file=None, data_dir=Path("/nonexistent/attestia-openapi"))  # type: ignore[call-arg]
    return create_app(unstarted).openapi()


def _has_negative_space(operation: dict[str, Any]) -> bool:
    """Whether schema-violating input exists: a body, or a non-path parameter."""
    parameters = operation.get("parameters", [])
    return "requestBody" in operation or any(p.get("in") != "path" for p in parameters)


DOCUMENT = _document()
CASES = [
    pytest.param(f"{method.upper()} {path}", mode, id=f"{method.upper()} {path} {mode.value}")
    for path, operations in DOCUMENT["paths"].items()
    for method, operation in operations.items()
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode is GenerationMode.POSITIVE or _has_negative_space(operation)
]


@pytest.fixture(scope="module")
def api_schema(fuzz_app: FastAPI) -> Any:
    hooks = fuzz_app.state.registry_web
    # The public registry's per-client bucket would turn most examples into 429s (which are
    # declared, and tested by the registry's own tests); give the fuzzer a bottomless one.
    fuzz_app.state.registry_web = replace(
        hooks, rate_limiter=TokenBucketLimiter(capacity=1_000_000, rate=1_000_000.0)
    )
    return schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)


def test_every_documented_operation_is_fuzzed() -> None:
    operations = {case.values[0] for case in CASES}
    assert len(operations) == sum(len(ops) for ops in DOCUMENT["paths"].values())
    for expected in (
        "POST /issuer/token",
        "POST /issuer/credential",
        "POST /verifier/transactions",
    ):
        assert expected in operations


@pytest.mark.parametrize(("label", "mode"), CASES)
def test_operation_conforms(api_schema: Any, label: str, mode: GenerationMode) -> None:
    operation = api_schema.find_operation_by_label(label)
    assert operation is not None, label

    @settings(
        max_examples=EXAMPLES,
        derandomize=SEED is None,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: each call is a request
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        case.call_and_validate(checks=CHECKS, allow_redirects=False)

    if SEED is not None:
        run = seed(int(SEED))(run)
    run()
