"""``issuer.revalidation``: credentials issued through the portal, re-checked against
registers that changed since (ceased company, ended or vanished mandate) or are down.

The gérante logs in with the certification dirigeant: a names-only login could not get
the legal-representative credential (:mod:`issuer.eligibility.rules`)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest
from fastapi import FastAPI

from credentials.status_list.token import TokenStatus
from issuer.company import CompanyRegistry, Mandate, OfflineRegistry
from issuer.revalidation import Summary, revalidate
from issuer.status import get_credential, person_digest
from issuer.web.portal_view import mandate_digest
from tests.issuer.portal.conftest import Browser, DownRegistry
from tests.issuer.portal.registries import CeasedRegistry, MandatesChanged
from tests.issuer.portal.test_credentials import receive, status_of

GERANTE_SIREN = "527184634"
PRESIDENTE_SIREN = "918453721"


@pytest.fixture
def issued(app: FastAPI, browser: Browser) -> dict[str, str]:
    """configuration id → credential id, for the gérante (SARL) and the présidente (SAS)."""
    browser.login("gerant-sarl", "52718463400014", certification=True)
    receive(browser, "company_registration_sd_jwt")
    receive(browser, "legal_representative_sd_jwt")
    browser.client.cookies.clear()
    browser.login("presidente-sas", "91845372100014", certification=True)
    receive(browser, "executive_certification_sd_jwt")
    receive(browser, "legal_representative_ldp_vc")
    issuer = app.state.issuer
    with issuer.sessions() as session:
        from issuer.status import live_credentials

        rows = live_credentials(session, datetime.now(UTC))
        return {row.configuration_id + ":" + (row.subject_siren or ""): row.id for row in rows}


def run(app: FastAPI, registry: CompanyRegistry, *, dry_run: bool = False) -> Summary:
    issuer = app.state.issuer
    return asyncio.run(
        revalidate(
            issuer.sessions, registry, issuer.revocation, now=datetime.now(UTC), dry_run=dry_run
        )
    )


def state(app: FastAPI, credential_id: str) -> str:
    with app.state.issuer.sessions() as session:
        row = get_credential(session, credential_id)
        assert row is not None
        return row.state


def test_unchanged_registers_keep_everything(app: FastAPI, issued: dict[str, str]) -> None:
    summary = run(app, OfflineRegistry())
    assert summary.checked == 4
    assert len(summary.still_valid) == 4, summary.outcomes
    assert summary.revoked == []


def test_a_ceased_company_revokes_its_credentials(app: FastAPI, issued: dict[str, str]) -> None:
    seen: list[str] = []
    registry = CeasedRegistry(GERANTE_SIREN, date(2026, 1, 31))
    issuer = app.state.issuer
    summary = asyncio.run(
        revalidate(
            issuer.sessions,
            registry,
            issuer.revocation,
            now=datetime.now(UTC),
            on_outcome=lambda o: seen.append(o.verdict),
        )
    )
    assert len(seen) == 4
    revoked = {o.credential.configuration_id: o for o in summary.revoked}
    assert set(revoked) == {"company_registration_sd_jwt", "legal_representative_sd_jwt"}
    assert {o.code for o in revoked.values()} == {"company_ceased"}
    assert "ceased on 2026-01-31" in revoked["company_registration_sd_jwt"].reason
    assert len(summary.still_valid) == 2
    gerante = issued[f"company_registration_sd_jwt:{GERANTE_SIREN}"]
    assert state(app, gerante) == "revoked"
    assert status_of(app, gerante) == TokenStatus.INVALID
    with issuer.sessions() as session:
        (change,) = issuer.revocation.history(session, gerante)
    assert (change.actor_kind, change.actor_id) == ("system", "revalidate")
    assert change.reason.startswith("revalidate: company_ceased")
    assert run(app, registry).checked == 2  # revoked credentials are no longer live


def test_dry_run_reports_and_changes_nothing(app: FastAPI, issued: dict[str, str]) -> None:
    summary = run(app, CeasedRegistry(GERANTE_SIREN, date(2026, 1, 31)), dry_run=True)
    assert len(summary.to_revoke) == 2
    assert summary.revoked == []
    assert all(state(app, cid) == "valid" for cid in issued.values())


def test_an_ended_mandate_revokes_only_the_mandate_credentials(
    app: FastAPI, issued: dict[str, str]
) -> None:
    registry = MandatesChanged(
        PRESIDENTE_SIREN, "DURAND-LEFÈVRE", remove=False, until=date(2026, 2, 1)
    )
    summary = run(app, registry)
    revoked = {o.credential.configuration_id: o for o in summary.revoked}
    assert set(revoked) == {"executive_certification_sd_jwt", "legal_representative_ldp_vc"}
    assert {o.code for o in revoked.values()} == {"mandate_ended"}
    assert "ended on 2026-02-01" in revoked["legal_representative_ldp_vc"].reason
    assert state(app, issued[f"legal_representative_sd_jwt:{GERANTE_SIREN}"]) == "valid"


def test_a_vanished_mandate_revokes_the_representative_and_the_executive(
    app: FastAPI, issued: dict[str, str]
) -> None:
    registry = MandatesChanged(
        PRESIDENTE_SIREN, "DURAND-LEFÈVRE", remove=True, until=date(2026, 2, 1)
    )
    summary = run(app, registry)
    revoked = {o.credential.configuration_id: o for o in summary.revoked}
    assert set(revoked) == {"executive_certification_sd_jwt", "legal_representative_ldp_vc"}
    assert {o.code for o in revoked.values()} == {"mandate_not_found"}
    assert summary.unverifiable == []
    executive = issued[f"executive_certification_sd_jwt:{PRESIDENTE_SIREN}"]
    assert state(app, executive) == "revoked"
    assert status_of(app, executive) == TokenStatus.INVALID


async def _presidente_mandate() -> Mandate:
    mandates = await OfflineRegistry().mandates(PRESIDENTE_SIREN)
    (mandate,) = [
        m for m in mandates.items if m.name is not None and m.name.birth_name == "DURAND-LEFÈVRE"
    ]
    return mandate


def test_mandate_credentials_record_the_register_name_digest(
    app: FastAPI, issued: dict[str, str]
) -> None:
    """The row keeps the digest of the mandate as the register spells it (what revalidate
    recomputes), for the executive certification too, whose claims hold ProConnect names."""
    expected = mandate_digest(asyncio.run(_presidente_mandate()))
    for configuration_id in ("executive_certification_sd_jwt", "legal_representative_ldp_vc"):
        with app.state.issuer.sessions() as session:
            row = get_credential(session, issued[f"{configuration_id}:{PRESIDENTE_SIREN}"])
            assert row is not None
            assert row.person_digest == expected, configuration_id
    # the register's spelling, not the ProConnect claims' (which carry no birth date)
    assert expected != person_digest("Camille Hélène", "DURAND-LEFÈVRE")


def test_an_outage_revokes_nothing(app: FastAPI, issued: dict[str, str]) -> None:
    summary = run(app, DownRegistry())
    assert summary.checked == 4
    assert summary.revoked == []
    assert len(summary.errors) == 4
    assert {o.code for o in summary.errors} == {"source_unavailable"}
    assert all(state(app, cid) == "valid" for cid in issued.values())


def test_stale_answers_revoke_nothing(app: FastAPI, issued: dict[str, str]) -> None:
    from tests.issuer.portal.conftest import FrozenRegistry

    summary = run(app, FrozenRegistry(datetime(2020, 1, 1, tzinfo=UTC)))
    assert summary.revoked == []
    assert {o.code for o in summary.errors} == {"stale_data"}
