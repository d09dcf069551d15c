"""Expired single-use records are removed by every server process (:mod:`attestia.housekeeping`)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from attestia import housekeeping
from issuer.oid4vci.dpop import remember_jti
from issuer.oid4vci.models import CNonceRow, DpopJtiRow
from issuer.oid4vci.nonce import consume_nonces, issue_nonce
from issuer.web.oid4vci import context_for
from tests.issuer.oid4vci.conftest import Issuer, make_issuer


@pytest.fixture
def issuer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.chdir(tmp_path)
    yield from make_issuer(tmp_path)


def _rows(issuer: Issuer) -> tuple[int, int]:
    with issuer.ctx.sessions() as session:
        nonces = session.scalar(select(func.count()).select_from(CNonceRow))
        jtis = session.scalar(select(func.count()).select_from(DpopJtiRow))
    return int(nonces or 0), int(jtis or 0)


def _use_one_of_each(issuer: Issuer) -> None:
    ctx = issuer.ctx
    with ctx.transaction() as session:
        consume_nonces(ctx, session, [issue_nonce(ctx)])
    remember_jti(ctx, "jti-1", "jkt", ctx.now())
    issuer.offer([issuer.configuration_ids()[0]])


def test_purge_removes_only_what_expired(issuer: Issuer) -> None:
    _use_one_of_each(issuer)
    assert housekeeping.purge_expired(issuer.app) == {
        "c_nonce": 0,
        "dpop_jti": 0,
        "offer_claims": 0,
        "oid4vp_results": 0,
    }
    assert _rows(issuer) == (1, 1)
    ctx = issuer.ctx
    later = replace(ctx, clock=lambda: ctx.now() + 3600)
    issuer.app.state.oid4vci = later
    assert context_for(issuer.app) is later
    assert housekeeping.purge_expired(issuer.app) == {
        "c_nonce": 1,
        "dpop_jti": 1,
        "offer_claims": 1,
        "oid4vp_results": 0,
    }
    issuer.app.state.oid4vci = ctx
    assert _rows(issuer) == (0, 0)


def test_periodic_task_runs_and_stops(issuer: Issuer, caplog: pytest.LogCaptureFixture) -> None:
    _use_one_of_each(issuer)
    ctx = issuer.ctx
    issuer.app.state.oid4vci = replace(ctx, clock=lambda: ctx.now() + 3600)

    async def run() -> None:
        async with housekeeping.periodic_purge(issuer.app, interval=0.01):
            for _ in range(500):
                await asyncio.sleep(0.01)
                if _rows(issuer) == (0, 0):
                    break

    with caplog.at_level(logging.INFO, logger="attestia.housekeeping"):
        asyncio.run(run())
    assert _rows(issuer) == (0, 0)
    assert "expired records removed" in caplog.text


def test_a_failing_purge_is_logged_and_retried(
    issuer: Issuer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[int] = []

    def failing(app: Any) -> dict[str, int]:
        calls.append(1)
        raise OSError("database unreachable")

    monkeypatch.setattr(housekeeping, "purge_expired", failing)

    async def run() -> None:
        async with housekeeping.periodic_purge(issuer.app, interval=0.01):
            while len(calls) < 2:
                await asyncio.sleep(0.01)

    with caplog.at_level(logging.WARNING, logger="attestia.housekeeping"):
        asyncio.run(run())
    assert "purge of expired records failed: OSError" in caplog.text
