"""The deployment's app mounts the connector API and builds ``app.state.verifier`` with
the local registry as its trust checker (the dev bootstrap registers the deployment)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from attestia.app import create_app
from attestia.settings import load_settings
from verifier.services import VerifierServices


def test_app_serves_the_connector_api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings(data_dir=tmp_path / "var")
    with TestClient(create_app(settings)) as client:
        assert isinstance(client.app.state.verifier, VerifierServices)  # type: ignore[attr-defined]
        assert set(client.app.state.verifier.policies) >= {  # type: ignore[attr-defined]
            "company-representative",
            "certified-executive",
            "public-agent",
            "gaia-x-participant",
        }
        response = client.post("/verifier/credentials/verify", json={"verifiableCredential": 1})
        assert response.status_code == 400
        assert response.json()["problems"]
        schema = client.get("/openapi.json").json()
        assert "/verifier/presentations/verify" in schema["paths"]
