"""The portal's Gaia-X panel: presentation downloads, compliance submission, the stored result.

Shown under the ``gaia_x_participant`` kind when the company is eligible:

- the Loire VP-JWT and the Tagus 22.10 presentation downloads, for the routes the deployment
  serves (``/issuer/gaia-x/participant.vp.jwt``, ``/issuer/gaia-x/participant.tagus.json``);
- a form posting to ``/issuer/gaia-x/compliance`` (CSRF) when a GXDCH compliance service is
  configured (``ATTESTIA_GAIA_X_COMPLIANCE_URL``);
- the latest compliance credential stored for the company: who issued it, when it was
  obtained, and the SHA-256 of the text the service returned.

The issuer shown is what the stored credential states (``issuer``, else ``iss``), read
without re-verifying it: the credential was checked when the service returned it over TLS,
and the digest ties what is shown to what was stored. Reference gaia-x.md §5.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC
from typing import Any, Final

from sqlalchemy.orm import Session

from issuer.gaia_x.models import StoredCompliance, latest_compliance

LOIRE_PATH: Final = "/issuer/gaia-x/participant.vp.jwt"
TAGUS_PATH: Final = "/issuer/gaia-x/participant.tagus.json"
COMPLIANCE_PATH: Final = "/issuer/gaia-x/compliance"
#: Longest issuer text shown (a compliance service's DID or URL).
MAX_ISSUER_CHARS: Final = 200


@dataclass(frozen=True, slots=True)
class ComplianceView:
    """A stored compliance credential as the portal lists it."""

    issuer: str
    obtained_at: str
    sha256: str
    service: str
    flavour: str


@dataclass(frozen=True, slots=True)
class GaiaXPanel:
    """What the Gaia-X panel offers; a None URL hides its control."""

    loire_url: str | None
    tagus_url: str | None
    compliance_form_url: str | None
    compliance: ComplianceView | None


def _jwt_payload(token: str) -> dict[str, Any] | None:
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        raw = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        payload = json.loads(raw)
    except (binascii.Error, ValueError):
        return None
    return payload if isinstance(payload, dict) else None


def _document(text: str) -> dict[str, Any] | None:
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            parsed = json.loads(stripped)
        except ValueError:
            return None
        return parsed if isinstance(parsed, dict) else None
    return _jwt_payload(stripped)


def stated_issuer(text: str) -> str | None:
    """The issuer a stored compliance credential states (VC-JWT or JSON-LD), if any.

    VCDM: ``issuer`` is a URL or an object with an ``id``; a VC-JWT may carry ``iss``.
    """
    document = _document(text)
    if document is None:
        return None
    for container in (document, document.get("vc")):
        if not isinstance(container, dict):
            continue
        issuer = container.get("issuer")
        if isinstance(issuer, dict):
            issuer = issuer.get("id")
        if isinstance(issuer, str) and issuer:
            return issuer[:MAX_ISSUER_CHARS]
    iss = document.get("iss")
    return iss[:MAX_ISSUER_CHARS] if isinstance(iss, str) and iss else None


def compliance_view(stored: StoredCompliance) -> ComplianceView:
    """``stored`` for display; the issuer falls back to the service that answered."""
    moment = stored.submitted_at
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return ComplianceView(
        issuer=stated_issuer(stored.credential) or stored.service,
        obtained_at=moment.strftime("%Y-%m-%d %H:%M UTC"),
        sha256=stored.credential_sha256,
        service=stored.service,
        flavour=stored.flavour,
    )


def gaia_x_panel(
    paths: Collection[str],
    *,
    compliance_configured: bool,
    stored: StoredCompliance | None,
) -> GaiaXPanel | None:
    """The panel for the routes served; None when the deployment serves no Gaia-X route."""
    loire = LOIRE_PATH if LOIRE_PATH in paths else None
    tagus = TAGUS_PATH if TAGUS_PATH in paths else None
    form = COMPLIANCE_PATH if compliance_configured and COMPLIANCE_PATH in paths else None
    if loire is None and tagus is None and form is None and stored is None:
        return None
    return GaiaXPanel(
        loire_url=loire,
        tagus_url=tagus,
        compliance_form_url=form,
        compliance=compliance_view(stored) if stored is not None else None,
    )


def panel_for(
    settings: object,
    sessions: Callable[[], Session],
    siren: str | None,
    paths: Collection[str],
) -> GaiaXPanel | None:
    """The panel for the company ``siren``: ``settings`` says whether a compliance service
    is configured (``gaia_x_compliance_url``); the stored credential is read from
    ``sessions`` (sync: run it in a worker thread)."""
    configured = bool(getattr(settings, "gaia_x_compliance_url", None))
    stored = None
    if siren:
        with sessions() as session:
            stored = latest_compliance(session, siren)
    return gaia_x_panel(paths, compliance_configured=configured, stored=stored)
