"""The trust registry admin UI in a real browser (Playwright driving Debian's chromium).

Against a real server process: log in as the sandbox trust-registry administrator, register
an issuer, suspend it (with a reason and the confirmation step), and read its history.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server_process import attestia_server

pytestmark = [pytest.mark.browser, pytest.mark.server]

CHROMIUM = os.environ.get("ATTESTIA_CHROMIUM") or shutil.which("chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ADMIN_PERSONA = "administrateur-registre"
DID = "did:web:navigateur.example.fr"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with attestia_server(tmp_path) as running:
        yield running.base


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="no chromium binary: apt-get install chromium, or set ATTESTIA_CHROMIUM",
)
def test_admin_logs_in_registers_and_suspends_an_issuer(server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
            page.goto(f"{server}/registry/admin/")
            expect(page).to_have_url(re.compile(r"/sandbox/proconnect/api/v2/authorize"))
            persona = page.locator(f'form:has(input[name="persona"][value="{ADMIN_PERSONA}"])')
            persona.get_by_role("button", name="Se connecter").click()
            expect(page.get_by_role("heading", name="Émetteurs habilités")).to_be_visible()

            page.get_by_role("link", name="Nouvel émetteur").click()
            page.get_by_label("DID de l'émetteur").fill(DID)
            page.get_by_label("Raison sociale").fill("Navigateur Exemple SAS")
            page.get_by_label("SIREN").fill("130025265")
            page.get_by_label("Motif").fill("test navigateur")
            page.get_by_label("Je confirme").check()
            page.get_by_role("button", name="Enregistrer").click()
            expect(page.locator(".notice")).to_contain_text("Émetteur enregistré")
            expect(page.locator("#issuer-did")).to_have_text(DID)

            page.get_by_role("link", name="Suspendre").click()
            page.get_by_label("Motif").fill("contrôle de conformité")
            page.get_by_role("button", name="Suspendre").click()
            # Unconfirmed: the browser keeps the form (the box is required), nothing is sent.
            expect(page).to_have_url(re.compile(r"/suspend$"))
            expect(page.get_by_label("Je confirme")).not_to_be_checked()
            page.get_by_label("Je confirme").check()
            page.get_by_role("button", name="Suspendre").click()
            expect(page.locator("#issuer-status")).to_have_text("suspended")

            history = page.locator("#history-table")
            expect(history.locator('tr[data-event="suspended"]')).to_contain_text(
                "contrôle de conformité"
            )
            expect(history.locator('tr[data-event="suspended"]')).to_contain_text(
                "admin@dinum.example.gouv.fr"
            )
            expect(history.locator('tr[data-event="created"]')).to_contain_text("test navigateur")
        finally:
            browser.close()
