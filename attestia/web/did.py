"""The deployment's did:web document (did:web Method Specification §3.2).

Served at ``/.well-known/did.json``; when the base URL has a path (path-based did:web), the
reverse proxy maps that path to this application, so the document is also served at
``/did.json``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from attestia.web.deps import ServicesDep
from credentials.did.document import build_did_document

router = APIRouter(tags=["did"])


def deployment_did_document(services: ServicesDep) -> dict[str, Any]:
    return build_did_document(services.did, services.keys.published_keys())


@router.get(
    "/.well-known/did.json",
    summary="The deployment's DID document",
    response_class=JSONResponse,
    responses={200: {"content": {"application/did+json": {"schema": {"type": "object"}}}}},
)
@router.get("/did.json", include_in_schema=False)
def did_document(services: ServicesDep) -> JSONResponse:
    return JSONResponse(
        deployment_did_document(services),
        media_type="application/did+json",
        headers={"Cache-Control": "public, max-age=300"},
    )
