"""``attestia offer create``: claims from a sandbox persona, offer URI, tx_code, QR, JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from attestia.cli import app
from attestia.cli_offer import OfferCommandError, configuration_id_for, persona_claims
from issuer.catalogue import check_claims, load_catalogue
from tests.wallet.offer import parse_offer_uri

CATALOGUE = load_catalogue("http://127.0.0.1:8000")


@pytest.mark.parametrize(
    ("persona", "kind"),
    [
        ("presidente-sas", "company_registration"),
        ("presidente-sas", "legal_representative"),
        ("presidente-sas", "executive_certification"),
        ("agent-territorial", "public_agent"),
    ],
)
def test_persona_claims_fit_the_kind(persona: str, kind: str) -> None:
    claims, subject = persona_claims(persona, kind)
    check_claims(CATALOGUE.kinds[kind], claims)
    assert subject["sub"]


def test_refusal_names_the_reason() -> None:
    with pytest.raises(OfferCommandError, match="not_public_agent"):
        persona_claims("presidente-sas", "public_agent")


def test_configuration_lookup() -> None:
    assert configuration_id_for(CATALOGUE, "public_agent", "ldp_vc") == "public_agent_ldp_vc"
    assert configuration_id_for(CATALOGUE, "public_agent", None) == "public_agent_sd_jwt"
    with pytest.raises(OfferCommandError):
        configuration_id_for(CATALOGUE, "public_agent_sd_jwt", "ldp_vc")


@pytest.fixture
def runner_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)
    for name in ("ATTESTIA_BASE_URL", "ATTESTIA_DATABASE_URL", "ATTESTIA_MODE"):
        monkeypatch.delenv(name, raising=False)
    return {"ATTESTIA_DATA_DIR": str(tmp_path / "var")}


def test_offer_create_json(runner_env: dict[str, str]) -> None:
    result = CliRunner().invoke(
        app,
        [
            "offer",
            "create",
            "--credential",
            "company_registration",
            "--format",
            "jwt_vc_json",
            "--persona",
            "presidente-sas",
            "--json",
        ],
        env=runner_env,
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["configuration_id"] == "company_registration_jwt_vc"
    assert payload["tx_code"].isdigit()
    assert len(payload["tx_code"]) == 6
    offer = parse_offer_uri(payload["offer_uri_by_value"])
    assert offer == payload["credential_offer"]
    assert payload["offer_uri"].startswith("openid-credential-offer://?credential_offer_uri=")


def test_offer_create_prints_qr(runner_env: dict[str, str]) -> None:
    result = CliRunner().invoke(
        app,
        [
            "offer",
            "create",
            "--credential",
            "public_agent_sd_jwt",
            "--persona",
            "agent-territorial",
        ],
        env=runner_env,
    )
    assert result.exit_code == 0, result.output
    assert "openid-credential-offer://?credential_offer_uri=" in result.output
    assert "Transaction code" in result.output
    assert "█" in result.output


def test_offer_create_refused(runner_env: dict[str, str]) -> None:
    result = CliRunner().invoke(
        app,
        ["offer", "create", "--credential", "public_agent", "--persona", "presidente-sas"],
        env=runner_env,
    )
    assert result.exit_code == 1
    assert "not_public_agent" in result.output
