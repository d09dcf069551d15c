"""Removal of expired single-use records, in every server process, every few minutes.

The records are used ``c_nonce`` values (kept only until the value's own expiry, after
which its tag check refuses it anyway) and DPoP ``jti`` values (kept for the proof's
``iat`` window). Without this, those tables gain a row per Credential Request and per
DPoP proof, forever. Spent offers lose their claims and document
(:func:`~issuer.oid4vci.credential_offer.erase_spent_offers`): the personal data is kept
only while a credential can still be minted from it. OpenID4VP transactions lose their
result (what the wallet disclosed) and unused response keys after
``ATTESTIA_VERIFIER_RESULT_RETENTION_SECONDS`` (1 hour by default). Every step is
idempotent, so several processes may run them at once; access tokens, offer rows and the
credential register are history and are kept.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any, Final

import anyio.to_thread
from sqlalchemy.exc import SQLAlchemyError

from issuer.oid4vci.credential_offer import erase_spent_offers
from issuer.oid4vci.dpop import purge_expired_jti
from issuer.oid4vci.nonce import purge_expired_nonces
from issuer.web.oid4vci import context_for
from verifier.oid4vp.setup import Oid4vpSettings
from verifier.oid4vp.transactions import TransactionStore

#: Seconds between two purges (the first runs one interval after start).
PURGE_INTERVAL: Final = 600.0

logger = logging.getLogger("attestia.housekeeping")


def purge_expired(app: Any) -> dict[str, int]:
    """Delete the expired records now; how many of each kind went."""
    ctx = context_for(app)
    return {
        "c_nonce": purge_expired_nonces(ctx),
        "dpop_jti": purge_expired_jti(ctx),
        "offer_claims": erase_spent_offers(ctx),
        "oid4vp_results": TransactionStore(app.state.services.sessions).erase_stale(
            now=time.time(), retention=Oid4vpSettings().result_retention_seconds
        ),
    }


async def _every(app: Any, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            removed = await anyio.to_thread.run_sync(purge_expired, app)
        except (SQLAlchemyError, OSError) as exc:  # the next round tries again
            logger.warning("purge of expired records failed: %s", type(exc).__name__)
            continue
        if any(removed.values()):
            logger.info("expired records removed: %s", removed)


@asynccontextmanager
async def periodic_purge(app: Any, interval: float = PURGE_INTERVAL) -> AsyncIterator[None]:
    """Run :func:`purge_expired` every ``interval`` seconds while the block runs."""
    task = asyncio.get_running_loop().create_task(_every(app, interval))
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
