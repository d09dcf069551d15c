"""Production logs are JSON lines carrying the request id; the database layer keeps bound
values out of its error messages (they end up in ``logger.exception`` output)."""

from __future__ import annotations

import base64
import json
import secrets
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

import attestia.settings
from attestia import db
from attestia.app import create_app_from_env
from attestia.settings import Settings


def _production(tmp_path: Path) -> Settings:
    """Production settings over a migrated SQLite file (built directly: the requests of
    these tests reach neither ProConnect nor a company register, and the app is not
    started, so no production key material is needed)."""
    url = f"sqlite:///{tmp_path / 'attestia.db'}"
    db.upgrade(url)
    return Settings(
        mode="production",
        base_url="https://attestia.example",
        data_dir=tmp_path / "var",
        database_url=url,
        allow_sqlite_in_production=True,
        master_key=SecretStr(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()),
        proconnect_sandbox=False,
        company_registry="recherche-entreprises",
    )


def _json_lines(err: str) -> list[dict[str, Any]]:
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines, "nothing was logged"
    return [json.loads(line) for line in lines]  # every line is one JSON object


def test_production_request_logs_are_json_with_the_request_id(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    restore_logging: None,
) -> None:
    settings = _production(tmp_path)
    monkeypatch.setattr(attestia.settings, "load_settings", lambda: settings)
    app = create_app_from_env()  # configures logging as `uvicorn --factory` would
    client = TestClient(app, base_url=settings.base_url)  # not started: no lifespan needed
    capsys.readouterr()
    given = client.get("/healthz", headers={"X-Request-ID": "probe-42"})
    made = client.get("/no/such/page")
    bad = client.get("/healthz", headers={"X-Request-ID": "not a valid id!"})
    assert given.status_code == 200
    assert given.headers["x-request-id"] == "probe-42"
    entries = _json_lines(capsys.readouterr().err)
    access = [e for e in entries if e["logger"] == "attestia.access"]
    assert [e["request_id"] for e in access] == [
        "probe-42",
        made.headers["x-request-id"],
        bad.headers["x-request-id"],
    ]
    assert bad.headers["x-request-id"] != "not a valid id!"
    assert all(
        {"time", "level", "logger", "request_id", "message"} <= entry.keys() for entry in entries
    )
    assert access[0]["message"].startswith("GET /healthz 200")


def test_lines_logged_inside_a_request_carry_its_id(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    restore_logging: None,
) -> None:
    settings = _production(tmp_path)
    monkeypatch.setattr(attestia.settings, "load_settings", lambda: settings)
    app = create_app_from_env()

    def broken() -> None:
        raise RuntimeError("unexpected")

    app.add_api_route("/test-only/broken", broken)
    client = TestClient(app, base_url=settings.base_url, raise_server_exceptions=False)
    capsys.readouterr()
    answer = client.get("/test-only/broken", headers={"X-Request-ID": "boom-1"})
    assert answer.status_code == 500
    assert "Traceback" not in answer.text
    entries = _json_lines(capsys.readouterr().err)
    (error,) = [e for e in entries if e["logger"] == "attestia.errors"]
    assert error["request_id"] == "boom-1"
    assert error["level"] == "ERROR"
    assert "RuntimeError: unexpected" in error["exception"]


def test_database_errors_do_not_show_bound_values(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    secret = secrets.token_urlsafe(24)
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (v TEXT PRIMARY KEY)"))
            connection.execute(text("INSERT INTO t VALUES (:v)"), {"v": secret})
            with pytest.raises(SQLAlchemyError) as caught:
                connection.execute(text("INSERT INTO t VALUES (:v)"), {"v": secret})
        assert "UNIQUE" in str(caught.value)
        assert secret not in str(caught.value)
    finally:
        engine.dispose()
