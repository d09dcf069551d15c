"""The admin pages over HTTP with real ProConnect sandbox logins and server-side sessions."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote, unquote

import pytest
from fastapi import FastAPI

from attestia.sandbox.personas import load_personas
from attestia.services import Services
from attestia.settings import Settings
from tests.trust_registry.web.conftest import (
    ADMIN_PERSONA,
    AUDITOR_PERSONA,
    ISSUER_DID,
    OUTSIDER_PERSONA,
    SIREN,
    audit_count,
    browser,
    csrf_of,
    login,
)
from trust_registry import query
from trust_registry.admins import add_administrator, deactivate_administrator, find_administrator

pytestmark = pytest.mark.anyio
ISSUER_PAGE = f"/registry/admin/issuers/{quote(ISSUER_DID, safe='')}"
NOW = datetime.now(UTC)


def _issuer(services: Services) -> dict[str, object] | None:
    with services.sessions() as db:
        found = query.list_issuers(db, text="emetteur.example.fr")
        return found[0] if found else None


def _new_issuer_form(csrf: str | None, **extra: str) -> dict[str, str]:
    form = {
        "did": ISSUER_DID,
        "legal_name": "Émetteur Exemple SAS",
        "siren": SIREN,
        "country": "FR",
        "reason": "onboarding",
        "confirm": "yes",
        **extra,
    }
    if csrf is not None:
        form["csrf_token"] = csrf
    return form


async def test_nobody_logged_in_is_sent_to_the_login(app: FastAPI, settings: Settings) -> None:
    async with browser(app, settings.base_url) as client:
        response = await client.get("/registry/admin/", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/auth/login?next=%2Fregistry%2Fadmin%2F")
        posted = await client.post("/registry/admin/issuers", data=_new_issuer_form("x"))
        assert posted.status_code == 403


async def test_admin_logs_in_and_sees_the_issuers(
    app: FastAPI, settings: Settings, services: Services
) -> None:
    async with browser(app, settings.base_url) as client:
        page = await login(client, ADMIN_PERSONA)
        assert page.status_code == 200
        assert page.url.path == "/registry/admin/"
        assert "Émetteurs habilités" in page.text
        assert services.did in page.text  # the dev default registration
        assert 'data-role="admin"' in page.text
        assert "Nouvel émetteur" in page.text


async def test_unknown_proconnect_identity_gets_403_not_the_ui(
    app: FastAPI, settings: Settings
) -> None:
    async with browser(app, settings.base_url) as client:
        page = await login(client, OUTSIDER_PERSONA)
        assert page.status_code == 403
        assert "Accès refusé" in page.text
        assert "Émetteurs habilités" not in page.text
        for path in ("/registry/admin/audit", "/registry/admin/tokens", "/registry/admin/"):
            assert (await client.get(path)).status_code == 403
        api = await client.get("/registry/admin/api/issuers")
        assert api.status_code == 403


async def test_admin_creates_an_issuer_with_confirmation(
    app: FastAPI, settings: Settings, services: Services
) -> None:
    async with browser(app, settings.base_url) as client:
        await login(client, ADMIN_PERSONA)
        form_page = await client.get("/registry/admin/issuers/new")
        csrf = csrf_of(form_page)
        before = audit_count(services)
        unconfirmed = await client.post(
            "/registry/admin/issuers", data=_new_issuer_form(csrf, confirm="")
        )
        assert unconfirmed.status_code == 400
        assert "confirmation" in unconfirmed.text
        assert _issuer(services) is None
        assert audit_count(services) == before
        created = await client.post("/registry/admin/issuers", data=_new_issuer_form(csrf))
        assert created.status_code == 200
        assert created.url.path == unquote(ISSUER_PAGE)
        assert "Émetteur enregistré" in created.text
        issuer = _issuer(services)
        assert issuer is not None
        assert issuer["accredited_by"] == "admin@dinum.example.gouv.fr"
        again = await client.post("/registry/admin/issuers", data=_new_issuer_form(csrf))
        assert again.status_code == 409


async def test_form_without_or_with_a_wrong_csrf_token_is_refused(
    app: FastAPI, settings: Settings, services: Services
) -> None:
    async with browser(app, settings.base_url) as client:
        await login(client, ADMIN_PERSONA)
        await client.get("/registry/admin/issuers/new")
        before = audit_count(services)
        missing = await client.post("/registry/admin/issuers", data=_new_issuer_form(None))
        wrong = await client.post("/registry/admin/issuers", data=_new_issuer_form("f" * 43))
        assert missing.status_code == 403
        assert wrong.status_code == 403
        assert "CSRF" in missing.text
        assert _issuer(services) is None
        assert audit_count(services) == before


async def test_csrf_token_of_another_session_is_refused(
    app: FastAPI, settings: Settings, services: Services
) -> None:
    async with browser(app, settings.base_url) as first, browser(app, settings.base_url) as other:
        await login(first, ADMIN_PERSONA)
        await login(other, ADMIN_PERSONA)
        foreign = csrf_of(await other.get("/registry/admin/issuers/new"))
        await first.get("/registry/admin/issuers/new")
        response = await first.post("/registry/admin/issuers", data=_new_issuer_form(foreign))
        assert response.status_code == 403
        assert _issuer(services) is None


async def test_auditor_reads_but_cannot_write(
    app: FastAPI, settings: Settings, services: Services
) -> None:
    async with browser(app, settings.base_url) as client:
        page = await login(client, AUDITOR_PERSONA)
        assert page.status_code == 200
        assert 'data-role="auditor"' in page.text
        assert "Nouvel émetteur" not in page.text
        local = await client.get(f"/registry/admin/issuers/{quote(services.did, safe='')}")
        assert local.status_code == 200
        assert "Historique" in local.text
        assert "Ajouter un type" not in local.text
        assert "/types/remove" not in local.text
        tokens = await client.get("/registry/admin/tokens")
        assert "Créer un jeton" not in tokens.text
        csrf = csrf_of(await client.get("/registry/admin/issuers/new"))
        before = audit_count(services)
        refused = await client.post("/registry/admin/issuers", data=_new_issuer_form(csrf))
        assert refused.status_code == 403
        suspend = await client.post(
            f"/registry/admin/issuers/{quote(services.did, safe='')}/suspend",
            data={"csrf_token": csrf, "reason": "test", "confirm": "yes"},
        )
        assert suspend.status_code == 403
        token = await client.post(
            "/registry/admin/tokens",
            data={"csrf_token": csrf, "label": "x", "scope_registry:read": "yes", "confirm": "yes"},
        )
        assert token.status_code == 403
        assert _issuer(services) is None
        assert audit_count(services) == before
        audit = await client.get("/registry/admin/audit?verify=1")
        assert audit.status_code == 200
        assert 'data-valid="true"' in audit.text


async def test_types_and_status_life_cycle_with_history(
    app: FastAPI, settings: Settings, services: Services
) -> None:
    async with browser(app, settings.base_url) as client:
        await login(client, ADMIN_PERSONA)
        csrf = csrf_of(await client.get("/registry/admin/issuers/new"))
        await client.post("/registry/admin/issuers", data=_new_issuer_form(csrf))
        vct = "https://emetteur.example.fr/vct/kbis"
        added = await client.post(
            f"{ISSUER_PAGE}/types",
            data={
                "csrf_token": csrf,
                "kind": "vct",
                "type": vct,
                "valid_until": "2099-01-01T00:00",
                "reason": "accréditation",
                "confirm": "yes",
            },
        )
        assert added.status_code == 200
        assert "Type ajouté" in added.text
        window = await client.post(
            f"{ISSUER_PAGE}/types/window",
            data={
                "csrf_token": csrf,
                "kind": "vct",
                "type": vct,
                "valid_from": "2025-01-01T00:00",
                "valid_until": "2030-01-01T00:00",
                "confirm": "yes",
            },
        )
        assert window.status_code == 200
        assert "Fenêtre de validité modifiée" in window.text
        bad_window = await client.post(
            f"{ISSUER_PAGE}/types/window",
            data={
                "csrf_token": csrf,
                "kind": "vct",
                "type": vct,
                "valid_from": "2031-01-01T00:00",
                "valid_until": "2030-01-01T00:00",
                "confirm": "yes",
            },
        )
        assert bad_window.status_code == 400
        assert "valid_until" in bad_window.text
        confirm_page = await client.get(f"{ISSUER_PAGE}/suspend")
        assert confirm_page.status_code == 200
        assert 'name="confirm"' in confirm_page.text
        no_reason = await client.post(
            f"{ISSUER_PAGE}/suspend", data={"csrf_token": csrf, "confirm": "yes"}
        )
        assert no_reason.status_code == 400
        suspended = await client.post(
            f"{ISSUER_PAGE}/suspend",
            data={"csrf_token": csrf, "reason": "contrôle en cours", "confirm": "yes"},
        )
        assert suspended.status_code == 200
        assert 'data-status="suspended"' in suspended.text
        twice = await client.post(
            f"{ISSUER_PAGE}/suspend",
            data={"csrf_token": csrf, "reason": "again", "confirm": "yes"},
        )
        assert twice.status_code == 409
        await client.post(
            f"{ISSUER_PAGE}/reactivate",
            data={"csrf_token": csrf, "reason": "contrôle terminé", "confirm": "yes"},
        )
        removed = await client.post(
            f"{ISSUER_PAGE}/types/remove",
            data={"csrf_token": csrf, "kind": "vct", "type": vct, "confirm": "yes"},
        )
        assert removed.status_code == 200
        assert "Type retiré" in removed.text
        cancelled = await client.post(
            f"{ISSUER_PAGE}/cancel",
            data={"csrf_token": csrf, "reason": "fraude", "confirm": "yes"},
        )
        assert 'data-status="cancelled"' in cancelled.text
        after_cancel = await client.post(
            f"{ISSUER_PAGE}/types",
            data={"csrf_token": csrf, "kind": "vct", "type": vct, "confirm": "yes"},
        )
        assert after_cancel.status_code == 409
        page = await client.get(ISSUER_PAGE)
        for event in (
            "created",
            "type_added",
            "type_window_changed",
            "suspended",
            "reactivated",
            "type_removed",
            "cancelled",
        ):
            assert f'data-event="{event}"' in page.text
        for why in ("contrôle en cours", "contrôle terminé", "fraude", "accréditation"):
            assert why in page.text
        search = await client.get("/registry/admin/", params={"q": SIREN})
        assert ISSUER_DID in search.text
        assert services.did not in search.text
        by_status = await client.get("/registry/admin/", params={"status": "cancelled"})
        assert ISSUER_DID in by_status.text
        by_type = await client.get(
            "/registry/admin/", params={"type": "CompanyRegistrationCredential"}
        )
        assert services.did in by_type.text
        assert ISSUER_DID not in by_type.text


async def test_tokens_page_shows_the_secret_once_and_revokes(
    app: FastAPI, settings: Settings
) -> None:
    async with browser(app, settings.base_url) as client:
        await login(client, ADMIN_PERSONA)
        page = await client.get("/registry/admin/tokens")
        csrf = csrf_of(page)
        created = await client.post(
            "/registry/admin/tokens",
            data={
                "csrf_token": csrf,
                "label": "ci",
                "scope_registry:read": "yes",
                "lifetime_days": "30",
                "confirm": "yes",
            },
        )
        assert created.status_code == 201
        secret = created.text.split('id="token-secret"', 1)[1].split(">", 1)[1].split("<", 1)[0]
        assert secret.startswith("atr_")
        assert created.headers["cache-control"] == "no-store"
        listing = await client.get("/registry/admin/tokens")
        assert secret not in listing.text
        assert "ci" in listing.text
        api = await client.get(
            "/registry/admin/api/issuers", headers={"Authorization": f"Bearer {secret}"}
        )
        assert api.status_code == 200
        revoked = await client.post(
            "/registry/admin/tokens/1/revoke",
            data={"csrf_token": csrf, "reason": "fin du test", "confirm": "yes"},
        )
        assert revoked.status_code == 200
        assert "Jeton révoqué" in revoked.text
        refused = await client.get(
            "/registry/admin/api/issuers", headers={"Authorization": f"Bearer {secret}"}
        )
        assert refused.status_code == 401


async def test_audit_page_lists_entries_and_exports(app: FastAPI, settings: Settings) -> None:
    async with browser(app, settings.base_url) as client:
        await login(client, ADMIN_PERSONA)
        page = await client.get("/registry/admin/audit?verify=1")
        assert page.status_code == 200
        assert "Chaîne intègre" in page.text
        assert "system:dev-bootstrap" in page.text
        export = await client.get("/registry/admin/audit/export")
        assert export.status_code == 200
        assert export.text.count("\n") >= 2


async def test_administrator_listed_by_proconnect_sub_only_gets_in(
    app: FastAPI, settings: Settings, services: Services
) -> None:
    persona = load_personas().get(OUTSIDER_PERSONA)
    with services.sessions() as db:
        add_administrator(
            db, proconnect_sub=persona.claims.sub, role="auditor", actor="test", now=NOW
        )
        db.commit()
    async with browser(app, settings.base_url) as client:
        page = await login(client, OUTSIDER_PERSONA)
        assert page.status_code == 200
        assert 'data-role="auditor"' in page.text


async def test_deactivated_administrator_is_refused(
    app: FastAPI, settings: Settings, services: Services
) -> None:
    with services.sessions() as db:
        admin = find_administrator(db, email="admin@dinum.example.gouv.fr")
        assert admin is not None
        deactivate_administrator(db, admin_id=admin.id, actor="test", now=NOW)
        db.commit()
    async with browser(app, settings.base_url) as client:
        page = await login(client, ADMIN_PERSONA)
        assert page.status_code == 403


async def test_unknown_issuer_or_action_is_404(
    app: FastAPI, settings: Settings, services: Services
) -> None:
    async with browser(app, settings.base_url) as client:
        await login(client, ADMIN_PERSONA)
        unknown = await client.get("/registry/admin/issuers/did%3Aweb%3Anobody.example")
        assert unknown.status_code == 404
        action = await client.get(f"/registry/admin/issuers/{quote(services.did, safe='')}/promote")
        assert action.status_code == 404
