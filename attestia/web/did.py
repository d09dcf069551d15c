"""The deployment's did:web document (did:web Method Specification §3.2).

Served at ``/.well-known/did.json``; when the base URL has a path (path-based did:web), the
reverse proxy maps that path to this application, so the document is also served at
``/did.json``.

The active issuer RSA key (the Gaia-X signing key, PS256) is published with ``x5u``
pointing at ``{base_url}/.well-known/x509-chain.pem`` (Gaia-X compliance requires it,
reference gaia-x.md §2.2); retired RSA keys keep a plain JWK, since the chain certifies the
active key only.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from attestia.gaia_x_wiring import x5u_extra
from attestia.web.deps import ServicesDep
from credentials.did.document import build_did_document

router = APIRouter(tags=["did"])


def deployment_did_document(services: ServicesDep) -> dict[str, Any]:
    keys = x5u_extra(services.keys.published_keys(), services.keys, services.settings.base_url)
    return build_did_document(services.did, keys)


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
