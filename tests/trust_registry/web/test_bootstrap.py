"""The dev default registration: the local issuer and the sandbox administrator, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from attestia.registry_bootstrap import (
    bootstrap_dev_registry,
    classify_type,
    local_credential_types,
)
from attestia.services import Services
from attestia.settings import load_settings
from issuer.catalogue import load_catalogue
from tests.trust_registry.web.conftest import audit_count
from trust_registry import query, registry
from trust_registry.admins import find_administrator

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def test_dev_start_registers_the_local_issuer_for_its_catalogue(services: Services) -> None:
    outcome = bootstrap_dev_registry(services, now=NOW)
    assert outcome == {"issuer_registered": True, "administrators_added": 1}
    expected = load_catalogue(services.settings.base_url).trust_registry_types()
    with services.sessions() as db:
        issuer = query.get_issuer(db, did=services.did)
        assert issuer["status"] == "active"
        assert {grant["type"] for grant in issuer["types"]} == set(expected)
        kinds = {grant["type"]: grant["kind"] for grant in issuer["types"]}
        assert kinds[f"{services.settings.base_url}/issuer/vct/company_registration"] == "vct"
        assert kinds["CompanyRegistrationCredential"] == "vc_type"
        admin = find_administrator(db, email="admin@dinum.example.gouv.fr")
        assert admin is not None
        assert admin.role == "admin"
        decision = query.is_authorized(
            db,
            issuer_id=services.did,
            credential_type="CompanyRegistrationCredential",
            issued_at=NOW + timedelta(minutes=1),
            now=NOW + timedelta(minutes=2),
        )
        assert decision.authorized


def test_second_start_changes_nothing(services: Services) -> None:
    bootstrap_dev_registry(services, now=NOW)
    entries = audit_count(services)
    again = bootstrap_dev_registry(services, now=NOW + timedelta(days=1))
    assert again == {"issuer_registered": False, "administrators_added": 0}
    assert audit_count(services) == entries


def test_an_administrators_changes_survive_a_restart(services: Services) -> None:
    bootstrap_dev_registry(services, now=NOW)
    with services.sessions() as db:
        registry.suspend_entity(
            db, did=services.did, actor="admin", reason="test", now=NOW + timedelta(hours=1)
        )
        db.commit()
    bootstrap_dev_registry(services, now=NOW + timedelta(days=1))
    with services.sessions() as db:
        assert query.get_issuer(db, did=services.did)["status"] == "suspended"


def test_production_trusts_nothing_by_default(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings(data_dir=tmp_path / "var", database_url=database_url)
    production = settings.model_copy(update={"mode": "production"})
    from attestia.services import build_services

    built = build_services(settings)
    try:
        service = Services(
            settings=production,
            engine=built.engine,
            sessions=built.sessions,
            keys=built.keys,
            did=built.did,
        )
        outcome = bootstrap_dev_registry(service, now=NOW)
        assert outcome == {"issuer_registered": False, "administrators_added": 0}
        assert audit_count(service) == 0
    finally:
        built.engine.dispose()


@pytest.mark.parametrize(
    ("value", "is_vct", "kind"),
    [
        ("https://x.example/issuer/vct/a", True, "vct"),
        ("CompanyRegistrationCredential", False, "vc_type"),
        ("gx:LegalPerson", False, "gaiax_type"),
        ("https://w3id.org/gaia-x/development#LegalPerson", False, "gaiax_type"),
    ],
)
def test_catalogue_types_are_classified(value: str, is_vct: bool, kind: str) -> None:
    assert classify_type(value, is_vct=is_vct) == kind


def test_local_credential_types_follow_the_base_url() -> None:
    types = local_credential_types("https://attestia.example")
    assert ("vct", "https://attestia.example/issuer/vct/company_registration") in types
    assert len(types) == len(set(types))
