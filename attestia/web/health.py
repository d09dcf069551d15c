"""Liveness (``/healthz``: the process answers) and readiness (``/readyz``: database up)."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from attestia import db
from attestia.web.deps import ServicesDep

router = APIRouter(tags=["operations"])
logger = logging.getLogger("attestia.health")


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="The database answers",
    responses={503: {"description": "database unreachable"}},
)
def readyz(services: ServicesDep) -> JSONResponse:
    try:
        db.ping(services.engine)
    except SQLAlchemyError as exc:
        logger.warning("readiness check failed: %s", type(exc).__name__)
        return JSONResponse(
            {"status": "unavailable", "database": "unreachable"},
            status_code=503,
            headers={"Cache-Control": "no-store"},
        )
    return JSONResponse({"status": "ok", "database": "ok"}, headers={"Cache-Control": "no-store"})
