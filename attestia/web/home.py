"""The home page: what this deployment offers, and what is not built yet."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from attestia.web.deps import ServicesDep

TEMPLATES = Jinja2Templates(directory=Path(__file__).parents[1] / "templates")
router = APIRouter(include_in_schema=False)


def route_paths(routes: Iterable[Any], prefix: str = "") -> set[str]:
    """Every path served by ``routes``, including those of included routers (FastAPI ≥
    0.165 keeps an included router as one ``_IncludedRouter`` entry with no ``path``)."""
    paths: set[str] = set()
    for route in routes:
        if isinstance(getattr(route, "path", None), str):
            paths.add(prefix + route.path)
        included = getattr(route, "original_router", None)
        if included is not None:
            context = getattr(route, "include_context", None)
            paths |= route_paths(included.routes, prefix + getattr(context, "prefix", ""))
    return paths


def _sections(request: Request) -> list[dict[str, str | None]]:
    """Each part of the product, linked when its router is mounted."""
    paths = route_paths(request.app.routes)

    def link(path: str) -> str | None:
        return path if path in paths else None

    return [
        {
            "title": "Portail émetteur / Issuer portal",
            "text": "Connexion ProConnect, attestations de l'entreprise et du dirigeant.",
            "href": link("/issuer/"),
        },
        {
            "title": "Démo vérificateur / Verifier demo",
            "text": "Demander et vérifier une présentation (OpenID4VP).",
            "href": link("/verifier/demo"),
        },
        {
            "title": "Registre de confiance / Trust registry admin",
            "text": "Émetteurs habilités, types d'attestations, journal d'audit.",
            "href": link("/registry/admin/"),
        },
        {
            "title": "Documentation de l'API / API docs",
            "text": "OpenAPI, essayable dans le navigateur.",
            "href": "/docs",
        },
    ]


@router.get("/", response_class=HTMLResponse)
def home(request: Request, services: ServicesDep) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(
        request,
        "home.html",
        {
            "sections": _sections(request),
            "did": services.did,
            "mode": services.settings.mode,
        },
    )
