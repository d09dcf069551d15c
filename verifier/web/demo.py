"""The relying-party demo page: pick a policy, show the QR code, then the verdict.

French first (``?lang=en`` for English). Works without JavaScript (a refresh link);
``/static/verifier.js`` polls the transaction and updates the page by itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from verifier.oid4vp.errors import Oid4vpError
from verifier.web.oid4vp import Oid4vpDep

TEMPLATES = Jinja2Templates(directory=Path(__file__).parents[2] / "attestia" / "templates")
router = APIRouter(prefix="/verifier/demo", include_in_schema=False)

POLICIES: dict[str, dict[str, str]] = {
    "company-representative": {
        "fr": "Représentant légal d'une entreprise",
        "en": "Legal representative of a company",
    },
    "certified-executive": {"fr": "Dirigeant certifié", "en": "Certified executive"},
    "public-agent": {"fr": "Agent public", "en": "Public agent"},
    "gaia-x-participant": {"fr": "Participant Gaia-X", "en": "Gaia-X participant"},
}

TEXT: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Démo vérificateur",
        "intro": "Choisissez ce que vous voulez vérifier, puis présentez l'attestation "
        "depuis votre portefeuille (OpenID4VP).",
        "policy": "Politique de vérification",
        "start": "Demander une présentation",
        "scan": "Scannez ce QR code avec votre portefeuille",
        "qr_alt": "QR code de la demande de présentation OpenID4VP",
        "same_device": "Ouvrir le portefeuille sur cet appareil",
        "status": "État",
        "pending": "En attente du portefeuille…",
        "fetched": "Le portefeuille a lu la demande…",
        "completed": "Présentation vérifiée",
        "failed": "Vérification échouée",
        "expired": "La demande a expiré",
        "claims": "Données vérifiées",
        "checks": "Contrôles en échec",
        "refresh": "Actualiser",
        "again": "Nouvelle demande",
        "switch": "English",
        "claim": "Donnée",
        "value": "Valeur",
    },
    "en": {
        "title": "Verifier demo",
        "intro": "Choose what to verify, then present the credential from your wallet (OpenID4VP).",
        "policy": "Verification policy",
        "start": "Request a presentation",
        "scan": "Scan this QR code with your wallet",
        "qr_alt": "QR code of the OpenID4VP presentation request",
        "same_device": "Open the wallet on this device",
        "status": "Status",
        "pending": "Waiting for the wallet…",
        "fetched": "The wallet has read the request…",
        "completed": "Presentation verified",
        "failed": "Verification failed",
        "expired": "The request has expired",
        "claims": "Verified data",
        "checks": "Failed checks",
        "refresh": "Refresh",
        "again": "New request",
        "switch": "Français",
        "claim": "Claim",
        "value": "Value",
    },
}


def _lang(value: str | None) -> str:
    return "en" if value == "en" else "fr"


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Claims as (dotted name, text) rows, skipping JWT plumbing."""
    if isinstance(value, dict):
        rows = []
        for key, item in value.items():
            if not prefix and key in {"cnf", "_sd_alg", "iat", "exp", "nbf", "status", "@context"}:
                continue
            rows.extend(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return rows
    if isinstance(value, list):
        return [row for i, item in enumerate(value) for row in _flatten(item, f"{prefix}[{i}]")]
    return [(prefix, str(value))]


@router.get("", response_class=HTMLResponse)
def demo_home(request: Request, lang: str | None = None) -> HTMLResponse:
    language = _lang(lang)
    return TEMPLATES.TemplateResponse(
        request,
        "verifier/demo.html",
        {"lang": language, "t": TEXT[language], "policies": POLICIES, "mode": _mode(request)},
    )


@router.post("")
def demo_start(
    request: Request,
    service: Oid4vpDep,
    policy: Annotated[str, Form()],
    lang: Annotated[str | None, Form()] = None,
) -> RedirectResponse:
    if policy not in POLICIES:
        policy = next(iter(POLICIES))
    created = service.create_transaction(policy=policy)
    target = request.url_for("demo_transaction", transaction_id=created.transaction_id)
    return RedirectResponse(f"{target}?lang={_lang(lang)}", status_code=303)


@router.get("/{transaction_id}", response_class=HTMLResponse, name="demo_transaction")
def demo_transaction(
    request: Request, transaction_id: str, service: Oid4vpDep, lang: str | None = None
) -> HTMLResponse:
    language = _lang(lang)
    try:
        status = service.status(transaction_id)
        link = service.authorization_link(transaction_id)
    except Oid4vpError as exc:
        return HTMLResponse(exc.description, status_code=exc.status_code)
    claims = [
        (query_id, _flatten(item))
        for query_id, items in (status.get("claims") or {}).items()
        for item in items
    ]
    failed = [check for check in status.get("checks", []) if not check.get("passed")]
    return TEMPLATES.TemplateResponse(
        request,
        "verifier/transaction.html",
        {
            "lang": language,
            "t": TEXT[language],
            "mode": _mode(request),
            "transaction_id": transaction_id,
            "policy_label": POLICIES.get(status.get("policy") or "", {}).get(language, ""),
            "status": status["status"],
            "link": link,
            "claims": claims,
            "failed": failed,
        },
    )


def _mode(request: Request) -> str:
    services = getattr(request.app.state, "services", None)
    return str(services.settings.mode) if services is not None else "dev"
