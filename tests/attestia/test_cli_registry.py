"""``attestia registry …``: administrators, issuers, audit log, trusted list."""

from __future__ import annotations

import getpass
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, update
from typer.testing import CliRunner

from attestia.cli import app
from attestia.settings import load_settings
from trust_registry.models import AuditEntry

runner = CliRunner()
DID = "did:web:emetteur.example.fr"
VCT = "https://emetteur.example.fr/vct/kbis"


@pytest.fixture(autouse=True)
def _data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ATTESTIA_DATA_DIR", str(tmp_path / "var"))


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["registry", *args])
    return result.exit_code, result.output


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["admin"],
        ["admin", "add"],
        ["admin", "list"],
        ["issuer"],
        ["issuer", "add"],
        ["issuer", "suspend"],
        ["issuer", "reactivate"],
        ["issuer", "cancel"],
        ["issuer", "show"],
        ["audit"],
        ["audit", "verify"],
        ["audit", "export"],
        ["trusted-list"],
    ],
    ids=lambda c: " ".join(c) or "registry",
)
def test_every_registry_command_has_help(command: list[str]) -> None:
    code, output = _run(*command, "--help")
    assert code == 0, output
    assert "Usage" in output


def test_admin_add_and_list() -> None:
    code, output = _run("admin", "add", "Agent@DINUM.example.gouv.fr", "--role", "auditor")
    assert code == 0, output
    assert "agent@dinum.example.gouv.fr" in output
    code, output = _run("admin", "list", "--json")
    rows = json.loads(output)
    assert [(r["email"], r["role"], r["added_by"]) for r in rows] == [
        ("agent@dinum.example.gouv.fr", "auditor", _actor())
    ]
    duplicate, output = _run("admin", "add", "agent@dinum.example.gouv.fr", "--role", "admin")
    assert duplicate == 1
    assert "conflict" in output
    bad_role, output = _run("admin", "add", "x@example.fr", "--role", "owner")
    assert bad_role == 1
    assert "role" in output


def test_issuer_life_cycle_is_audited_with_the_os_user() -> None:
    code, output = _run(
        "issuer",
        "add",
        "--did",
        DID,
        "--name",
        "Émetteur Exemple",
        "--siren",
        "130025265",
        "--type",
        f"vct:{VCT}",
        "--type",
        "vc_type:KbisCredential",
        "--reason",
        "onboarding",
    )
    assert code == 0, output
    assert "2 type(s)" in output
    assert _run("issuer", "suspend", DID, "--reason", "contrôle")[0] == 0
    twice, output = _run("issuer", "suspend", DID, "--reason", "again")
    assert twice == 1
    assert "invalid_transition" in output
    assert _run("issuer", "reactivate", DID, "--reason", "fin du contrôle")[0] == 0
    assert _run("issuer", "cancel", DID, "--reason", "fraude")[0] == 0
    after, output = _run("issuer", "reactivate", DID, "--reason", "undo")
    assert after == 1
    assert "entity_cancelled" in output
    code, output = _run("issuer", "show", DID)
    assert code == 0
    assert "cancelled" in output
    assert "fraude" in output
    assert VCT in output
    code, output = _run("issuer", "show", DID, "--json")
    shown = json.loads(output)
    assert [e["event"] for e in shown["history"]] == [
        "created",
        "type_added",
        "type_added",
        "suspended",
        "reactivated",
        "cancelled",
    ]
    assert {e["actor"] for e in shown["history"]} == {_actor()}


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--did", "nope", "--name", "X"], "not a DID"),
        (["--did", DID, "--name", "X", "--siren", "123"], "SIREN"),
        (["--did", DID, "--name", "X", "--type", "nokind"], "KIND:VALUE"),
        (["--did", DID, "--name", "X", "--type", "badkind:Value"], "kind"),
    ],
    ids=["did", "siren", "type-syntax", "type-kind"],
)
def test_issuer_add_refuses_bad_input_and_changes_nothing(args: list[str], fragment: str) -> None:
    code, output = _run("issuer", "add", *args)
    assert code != 0
    assert fragment in output
    missing, _ = _run("issuer", "show", DID)
    assert missing == 1


def test_show_unknown_issuer_exits_1() -> None:
    code, output = _run("issuer", "show", "did:web:nobody.example")
    assert code == 1
    assert "not_found" in output


def test_audit_verify_export_and_tampering(tmp_path: Path) -> None:
    _run("admin", "add", "a@example.fr", "--role", "admin")
    _run("issuer", "add", "--did", DID, "--name", "Émetteur", "--type", f"vct:{VCT}")
    code, output = _run("audit", "verify")
    assert code == 0, output
    assert "intact" in output
    target = tmp_path / "audit.jsonl"
    code, output = _run("audit", "export", "--output", str(target))
    assert code == 0, output
    lines = [json.loads(line) for line in target.read_text().splitlines()]
    assert [line["seq"] for line in lines] == list(range(1, len(lines) + 1))
    assert all(line["actor"] == _actor() for line in lines)
    settings = load_settings()
    engine = create_engine(settings.resolved_database_url)
    with engine.begin() as connection:
        connection.execute(
            update(AuditEntry).where(AuditEntry.seq == 2).values(reason="rewritten history")
        )
    engine.dispose()
    code, output = _run("audit", "verify")
    assert code == 1
    assert "seq 2" in output


def test_trusted_list_verifies_against_the_registry_key(tmp_path: Path) -> None:
    from attestia.services import build_services
    from trust_registry.trusted_list import verify_trusted_list

    _run("issuer", "add", "--did", DID, "--name", "Émetteur", "--type", f"vct:{VCT}")
    target = tmp_path / "list.jwt"
    code, output = _run("trusted-list", "--output", str(target))
    assert code == 0, output
    services = build_services(load_settings())
    try:
        anchor = services.keys.signer("registry", "P-256").public_key()
        checker = verify_trusted_list(target.read_text().strip(), anchor, datetime.now(UTC))
    finally:
        services.engine.dispose()
    assert checker.issuer == services.did
    assert DID in checker.entities
