"""``attestia revalidate`` and ``attestia credential show|revoke|suspend|reinstate``."""

from __future__ import annotations

import getpass
import json
from datetime import date
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from attestia import issuer_wiring
from attestia.app import create_app
from attestia.cli import app
from attestia.services import build_services
from attestia.settings import Settings, load_settings
from issuer.company import CompanyRegistry
from tests.issuer.portal.conftest import DownRegistry, browser_for
from tests.issuer.portal.registries import CeasedRegistry
from tests.issuer.portal.test_credentials import receive

runner = CliRunner()


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ATTESTIA_DATA_DIR", str(tmp_path / "var"))
    return load_settings()


@pytest.fixture
def issued(settings: Settings) -> list[str]:
    """Two credentials of the gérante's SARL, issued through the portal."""
    services = build_services(settings)
    application = create_app(settings, services=services)
    browser = browser_for(application, settings)
    browser.login("gerant-sarl", "52718463400014", certification=True)
    receive(browser, "company_registration_sd_jwt")
    receive(browser, "legal_representative_jwt_vc")
    with services.sessions() as session:
        from issuer.status import credentials_of_person

        rows = credentials_of_person(session, browser_sub(browser))
        ids = [row.id for row in rows]
    services.engine.dispose()
    return ids


def browser_sub(browser: object) -> str:
    me = browser.client.get("/auth/me").json()  # type: ignore[attr-defined]
    return str(me["identity"]["sub"])


def use_registry(monkeypatch: pytest.MonkeyPatch, registry: CompanyRegistry) -> None:
    def build(_settings: Settings, _http: httpx.AsyncClient | None = None) -> CompanyRegistry:
        return registry

    monkeypatch.setattr(issuer_wiring, "build_company_registry", build)


@pytest.mark.parametrize(
    "command",
    [
        ["revalidate"],
        ["credential"],
        *(["credential", c] for c in ("show", "revoke", "suspend", "reinstate")),
    ],
)
def test_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_revalidate_with_unchanged_registers(issued: list[str]) -> None:
    result = runner.invoke(app, ["revalidate"])
    assert result.exit_code == 0, result.output
    assert "checked 2 live credential(s)" in result.output
    assert "still valid:  2" in result.output


def test_revalidate_revokes_a_ceased_company(
    issued: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    use_registry(monkeypatch, CeasedRegistry("527184634", date(2026, 3, 1)))
    dry = runner.invoke(app, ["revalidate", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "dry run" in dry.output
    assert "to revoke:    2" in dry.output
    result = runner.invoke(app, ["revalidate", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["revoked"] == 2
    assert {o["code"] for o in report["outcomes"]} == {"company_ceased"}
    shown = json.loads(runner.invoke(app, ["credential", "show", issued[0], "--json"]).output)
    assert shown["state"] == "revoked"
    assert shown["history"][0]["actor"] == "system:revalidate"
    again = runner.invoke(app, ["revalidate"])
    assert "checked 0 live credential(s)" in again.output


def test_revalidate_during_an_outage_revokes_nothing(
    issued: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    use_registry(monkeypatch, DownRegistry())
    result = runner.invoke(app, ["revalidate"])
    assert result.exit_code == 1
    assert "errors:       2 (nothing revoked for these)" in result.output
    assert "revoked:      0" in result.output
    for credential_id in issued:
        shown = json.loads(
            runner.invoke(app, ["credential", "show", credential_id, "--json"]).output
        )
        assert shown["state"] == "valid"


def test_admin_suspend_reinstate_revoke(issued: list[str]) -> None:
    target = issued[0]
    actor = f"cli:{getpass.getuser()}"
    suspended = runner.invoke(app, ["credential", "suspend", target, "--reason", "audit"])
    assert suspended.exit_code == 0, suspended.output
    assert f"valid → suspended by {actor}" in suspended.output
    assert runner.invoke(app, ["credential", "reinstate", target, "--reason", "ok"]).exit_code == 0
    assert runner.invoke(app, ["credential", "revoke", target, "--reason", "fraud"]).exit_code == 0
    refused = runner.invoke(app, ["credential", "reinstate", target, "--reason", "undo"])
    assert refused.exit_code == 1
    assert "cannot reinstate a revoked credential" in refused.output
    shown = runner.invoke(app, ["credential", "show", f"urn:uuid:{target}"])
    assert shown.exit_code == 0
    assert "state              revoked" in shown.output
    assert f"by administrator:{actor}: fraud" in shown.output
    assert "given_name" not in shown.output


def test_admin_commands_refuse_bad_input(issued: list[str]) -> None:
    missing = runner.invoke(app, ["credential", "revoke", "no-such-id", "--reason", "x"])
    assert missing.exit_code == 1
    assert "no credential" in missing.output
    blank = runner.invoke(app, ["credential", "revoke", issued[0], "--reason", "  "])
    assert blank.exit_code == 1
    assert "reason" in blank.output
    assert runner.invoke(app, ["credential", "revoke", issued[0]]).exit_code == 2
    assert runner.invoke(app, ["credential", "show", "no-such-id"]).exit_code == 1
