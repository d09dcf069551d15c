"""``attestia offer create``: claims from a sandbox persona, offer URI, tx_code, QR, JSON."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from attestia.cli import app
from attestia.cli_offer import OfferCommandError, configuration_id_for, persona_claims
from attestia.sandbox.personas import load_personas
from issuer.catalogue import check_claims, load_catalogue
from issuer.company import OfflineRegistry
from issuer.web.portal_view import mandate_digest
from tests.wallet.offer import parse_offer_uri

CATALOGUE = load_catalogue("http://127.0.0.1:8000")


@pytest.mark.parametrize(
    ("persona", "kind"),
    [
        ("presidente-sas", "company_registration"),
        ("presidente-sas", "legal_representative"),
        ("presidente-sas", "executive_certification"),
        ("agent-territorial", "public_agent"),
        ("presidente-sas", "gaia_x_participant"),
    ],
)
def test_persona_claims_fit_the_kind(persona: str, kind: str) -> None:
    claims, subject = persona_claims(persona, kind)
    check_claims(CATALOGUE.kinds[kind], claims)
    assert subject["sub"]


@pytest.mark.parametrize("kind", ["legal_representative", "executive_certification"])
def test_mandate_kinds_carry_the_register_name_digest(kind: str) -> None:
    """As the portal does: the minter records ``subject["mandate_digest"]`` for revalidate."""
    persona = load_personas().get("presidente-sas")
    mandates = asyncio.run(OfflineRegistry().mandates(persona.default_siret[:9]))
    (mandate,) = [
        m for m in mandates.items if m.name is not None and m.name.birth_name == "DURAND-LEFÈVRE"
    ]
    claims, subject = persona_claims("presidente-sas", kind)
    assert subject["mandate_digest"] == mandate_digest(mandate)
    if kind == "executive_certification":
        assert claims["certification_method"] == "proconnect_certification_dirigeant"


def test_other_kinds_carry_no_mandate_digest() -> None:
    _, subject = persona_claims("presidente-sas", "company_registration")
    assert "mandate_digest" not in subject


def test_the_gerante_reaches_the_legal_representative_credential() -> None:
    claims, subject = persona_claims("gerant-sarl", "legal_representative")
    assert claims["siren"] == "527184634"
    assert subject["mandate_digest"]


def test_the_namesake_is_refused() -> None:
    with pytest.raises(OfferCommandError, match="close_match"):
        persona_claims("homonyme-dirigeant", "legal_representative")


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


@pytest.mark.parametrize(
    "configuration_id", ["gaia_x_participant_jwt_vc", "gaia_x_participant_ldp_vc"]
)
def test_offer_create_gaia_x(runner_env: dict[str, str], configuration_id: str) -> None:
    result = CliRunner().invoke(
        app,
        [
            "offer",
            "create",
            "--credential",
            configuration_id,
            "--persona",
            "presidente-sas",
            "--json",
        ],
        env=runner_env,
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["configuration_id"] == configuration_id
    assert payload["credential_offer"]["credential_configuration_ids"] == [configuration_id]
    assert payload["tx_code"].isdigit()


def test_gaia_x_claims_are_the_head_office_company() -> None:
    claims, subject = persona_claims("presidente-sas", "gaia_x_participant")
    assert claims["siren"] == subject["siren"] == "918453721"
    assert claims["vat_number"].startswith("FR")
    assert claims["vat_number"].endswith("918453721")
    assert "mandate_digest" not in subject


def test_gaia_x_refused_for_a_ceased_company() -> None:
    with pytest.raises(OfferCommandError, match="organisation_ceased"):
        persona_claims("membre-entreprise-cessee", "gaia_x_participant")


def test_gaia_x_has_no_sd_jwt_configuration() -> None:
    with pytest.raises(OfferCommandError, match="no configuration 'gaia_x_participant' in dc"):
        configuration_id_for(CATALOGUE, "gaia_x_participant", None)
    assert (
        configuration_id_for(CATALOGUE, "gaia_x_participant", "ldp_vc")
        == "gaia_x_participant_ldp_vc"
    )
