"""The trust registry admin UI in a real browser (Playwright driving Debian's chromium).

Against a real server process: log in as the sandbox trust-registry administrator, register
an issuer, suspend it (with a reason and the confirmation step), and read its history.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.attestia.test_server import free_port

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
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {key: value for key, value in os.environ.items() if not key.startswith("ATTESTIA_")} | {
        "ATTESTIA_DATA_DIR": str(tmp_path / "var"),
        "ATTESTIA_BASE_URL": base,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "attestia.cli", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                output = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"server exited early:\n{output}")
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            pytest.fail("server did not start within 60 s")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


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
