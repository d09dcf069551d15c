"""The CLI: help for every command, keys, DID export, configuration errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from attestia.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ATTESTIA_DATA_DIR", str(tmp_path / "var"))


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["serve"],
        ["db"],
        ["db", "upgrade"],
        ["keys"],
        ["keys", "list"],
        ["keys", "rotate"],
        ["did"],
        ["did", "show"],
        ["did", "export"],
    ],
)
def test_every_command_has_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_db_upgrade_then_keys_and_did(tmp_path: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    listed = runner.invoke(app, ["keys", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    keys = json.loads(listed.output)
    assert {k["purpose"] for k in keys} == {"issuer", "verifier", "registry"}

    rotated = runner.invoke(app, ["keys", "rotate", "--purpose", "verifier"])
    assert rotated.exit_code == 0, rotated.output
    assert "new active verifier P-256 key" in rotated.output

    exported = runner.invoke(app, ["did", "export", "--dir", str(tmp_path / "did_docs")])
    assert exported.exit_code == 0, exported.output
    document = json.loads((tmp_path / "did_docs" / ".well-known" / "did.json").read_text())
    assert document["id"] == "did:web:127.0.0.1%3A8000"
    assert len(document["verificationMethod"]) == len(keys) + 1


def test_rotate_with_bad_type(tmp_path: Path) -> None:
    result = runner.invoke(app, ["keys", "rotate", "--purpose", "issuer", "--type", "DSA"])
    assert result.exit_code == 2


def test_bad_setting_exits_2_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATTESTIA_BASE_URL", "gopher://x")
    result = runner.invoke(app, ["keys", "list"])
    assert result.exit_code == 2
    assert "ATTESTIA_BASE_URL" in result.output


def test_production_without_migration_refuses_to_start(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name, value in {
        "ATTESTIA_MODE": "production",
        "ATTESTIA_BASE_URL": "https://attestia.example.fr",
        "ATTESTIA_ALLOW_SQLITE_IN_PRODUCTION": "true",
        "ATTESTIA_MASTER_KEY": "A" * 43,
        "ATTESTIA_PROCONNECT_URL": "https://proconnect.example/api/v2",
        "ATTESTIA_PROCONNECT_CLIENT_ID": "id",
        "ATTESTIA_PROCONNECT_CLIENT_SECRET": "secret",
        "ATTESTIA_COMPANY_REGISTRY": "recherche-entreprises",
        "ATTESTIA_GAIA_X_CHAIN_FILE": "/run/secrets/gaia-x-chain.pem",
    }.items():
        monkeypatch.setenv(name, value)
    result = runner.invoke(app, ["keys", "list"])
    assert result.exit_code == 1
    assert "attestia db upgrade" in result.output
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(app, ["keys", "list"]).exit_code == 0
