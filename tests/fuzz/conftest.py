"""The whole application in process over a temporary SQLite database, for fuzzing.

One app per module: building it (migrations, keys, catalogue) takes a second or two, and
the fuzz tests only ever add rows that the next example may read, which is what a real
deployment sees too. Tests that count rows take their snapshot around each example.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from sqlalchemy import inspect, text

from attestia.app import create_app
from attestia.settings import load_settings

BASE_URL = "http://testserver"

#: ``scripts/fuzz.py`` scales the property tests with this; CI runs them at scale 1.
SCALE = max(1, int(os.environ.get("ATTESTIA_FUZZ_SCALE", "1")))
#: a seed for a randomised run (``scripts/fuzz.py --seed``); unset: derandomized
SEED = os.environ.get("ATTESTIA_FUZZ_SEED")


def fuzz_settings(max_examples: int) -> settings:
    """Hypothesis settings for the fuzz tests: ``max_examples`` × :data:`SCALE`, no
    deadline, no example database, derandomized unless a seed is given."""
    return settings(
        max_examples=max_examples * SCALE,
        deadline=None,
        derandomize=SEED is None,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
        ],
    )


@pytest.fixture(scope="module")
def fuzz_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A client of the real app, lifespan started, on a fresh SQLite file."""
    tmp = tmp_path_factory.mktemp("fuzz")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp)
        # No per-address limit on the Token Endpoint: every fuzzed request comes from the same
        # test client, and a 429 would hide what the endpoint itself answers.
        settings = load_settings(
            data_dir=tmp / "var", base_url=BASE_URL, oid4vci_token_rate_per_second=0
        )
        app = create_app(settings)
        with TestClient(
            app, base_url=BASE_URL, follow_redirects=False, raise_server_exceptions=False
        ) as client:
            yield client


@pytest.fixture(scope="module")
def fuzz_app(fuzz_client: TestClient) -> FastAPI:
    app: FastAPI = fuzz_client.app  # type: ignore[assignment]
    return app


def row_counts(app: FastAPI) -> dict[str, int]:
    """Rows per table: the "nothing stored" check around a refused request."""
    engine = app.state.services.engine
    with engine.connect() as connection:
        return {
            table: int(connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one())  # noqa: S608  (names from the schema)
            for table in inspect(connection).get_table_names()
        }
