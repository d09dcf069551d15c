"""HTTP verification API for data-space connectors, shaped like the W3C VC API.

``POST /verifier/credentials/verify`` and ``POST /verifier/presentations/verify`` take
``{"verifiableCredential" | "verifiablePresentation": …, "options": {"challenge",
"domain", "policy"}}`` as in the VC API (https://w3c-ccg.github.io/vc-api/ §3.3
"Verifying"), where the value is a JSON-LD object, an ``EnvelopedVerifiableCredential``,
or a compact ``vc+jwt`` / ``vp+jwt`` / SD-JWT string. Answers:

- 200 with ``verified`` and every check (a valid input that fails is still a 200);
- 400 ``invalid_request`` with ``problems`` when the body or the value cannot be parsed,
  or the policy is unknown;
- 401 ``invalid_token`` when connector API keys are configured and the bearer key is
  missing or unknown (RFC 6750 §3.1).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field

from credentials.errors import CredentialError
from verifier.pipeline import (
    CheckCode,
    ParsedInput,
    VerificationReport,
    VerifyOptions,
    parse_as,
)
from verifier.policies import PolicyError
from verifier.services import VerifierServices

MAX_OPTION_CHARS = 1024


class VerifyRequestOptions(BaseModel):
    """The VC API ``options`` this verifier understands (others are ignored)."""

    model_config = ConfigDict(extra="ignore")

    challenge: Annotated[str | None, Field(max_length=MAX_OPTION_CHARS)] = None
    domain: Annotated[str | None, Field(max_length=MAX_OPTION_CHARS)] = None
    policy: Annotated[str | None, Field(max_length=64)] = None


class VerifyCredentialRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    verifiableCredential: dict[str, Any] | str  # noqa: N815 - VC API member name
    options: VerifyRequestOptions = Field(default_factory=VerifyRequestOptions)


class VerifyPresentationRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    verifiablePresentation: dict[str, Any] | str  # noqa: N815 - VC API member name
    options: VerifyRequestOptions = Field(default_factory=VerifyRequestOptions)


class CheckResult(BaseModel):
    code: CheckCode
    passed: bool
    detail: str
    target: str


class CredentialSummary(BaseModel):
    target: str
    format: str
    verified: bool
    issuer: str | None
    types: list[str]
    issued_at: str | None
    claims: dict[str, Any]
    trust: dict[str, Any] | None


class VerifyResponse(BaseModel):
    """The verdict; ``problems`` and ``errors`` both list the failed checks as text."""

    verified: bool
    kind: Literal["credential", "presentation"]
    format: str | None
    policy: str | None
    holder: str | None
    checks: list[CheckResult]
    problems: list[str]
    errors: list[str]
    claims: dict[str, Any] | None
    issuer: str | None
    trust: dict[str, Any] | None
    trust_checked: bool
    credentials: list[CredentialSummary]


class ErrorResponse(BaseModel):
    error: str
    error_description: str
    problems: list[str] = Field(default_factory=list)


class _ConnectorError(Exception):
    def __init__(
        self, status: int, error: str, description: str, problems: list[str] | None = None
    ) -> None:
        super().__init__(description)
        self.status, self.error, self.description = status, error, description
        self.problems = problems or []

    def response(self) -> JSONResponse:
        headers = {"Cache-Control": "no-store"}
        if self.status == 401:
            headers["WWW-Authenticate"] = f'Bearer error="{self.error}"'
        body = {"error": self.error, "error_description": self.description}
        if self.status == 400:
            body["problems"] = self.problems  # type: ignore[assignment]
        return JSONResponse(body, status_code=self.status, headers=headers)


def _problems(exc: RequestValidationError) -> list[str]:
    out = []
    for item in exc.errors()[:20]:
        where = ".".join(str(p) for p in item.get("loc", ()) if p != "body") or "body"
        out.append(f"{where}: {item.get('msg', 'invalid')}")
    return out or ["malformed request body"]


class _ConnectorRoute(APIRoute):
    """Renders this API's errors (body validation included) with ``problems``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                problems = _problems(exc)
                return _ConnectorError(400, "invalid_request", problems[0], problems).response()
            except _ConnectorError as exc:
                return exc.response()

        return route


# The two dependencies below do no I/O: ``async def`` keeps them on the event loop, where
# a plain ``def`` would cost each request two extra worker-thread hand-offs (FastAPI runs
# sync dependencies in the thread pool). The endpoints stay sync: a cold cache fetches
# over HTTP with a blocking client, which must not block the loop.
async def get_verifier(request: Request) -> VerifierServices:
    services: VerifierServices = request.app.state.verifier
    return services


async def require_connector(
    request: Request, verifier: Annotated[VerifierServices, Depends(get_verifier)]
) -> str | None:
    """The calling connector's name when API keys are configured (else None)."""
    if not verifier.api_keys.required:
        return None
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise _ConnectorError(401, "invalid_token", "a connector API key is required")
    name = verifier.api_keys.connector(key.strip())
    if name is None:
        raise _ConnectorError(401, "invalid_token", "the API key is not valid")
    return name


VerifierDep = Annotated[VerifierServices, Depends(get_verifier)]
ConnectorDep = Annotated[str | None, Depends(require_connector)]

router = APIRouter(prefix="/verifier", tags=["verifier"], route_class=_ConnectorRoute)
_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "unparseable input or unknown policy"},
    401: {"model": ErrorResponse, "description": "missing or invalid connector API key"},
}


def _options(verifier: VerifierServices, options: VerifyRequestOptions) -> VerifyOptions:
    try:
        policy = verifier.pipeline.resolve_policy(options.policy)
    except PolicyError as exc:
        raise _ConnectorError(
            400, "invalid_request", str(exc), [f"options.policy: {exc}"]
        ) from None
    return VerifyOptions(challenge=options.challenge, domain=options.domain, policy=policy)


def _parse(value: object, field_name: str) -> ParsedInput:
    try:
        return parse_as(value, None)
    except CredentialError as exc:
        raise _ConnectorError(
            400, "invalid_request", f"{field_name}: {exc.detail}", [f"{field_name}: {exc.detail}"]
        ) from None


def _response(report: VerificationReport) -> Response:
    """The verdict validated once against :class:`VerifyResponse` and serialised by it;
    returning a ``Response`` spares FastAPI validating the model a second time (the
    declared ``response_model`` still documents the shape)."""
    document = report.to_json()
    document["errors"] = document["problems"]
    body = VerifyResponse.model_validate(document).model_dump_json()
    return Response(content=body, media_type="application/json")


@router.post(
    "/credentials/verify",
    response_model=VerifyResponse,
    responses=_RESPONSES,
    summary="Verify a credential (JSON-LD, vc+jwt or SD-JWT VC)",
)
def verify_credential(
    body: VerifyCredentialRequest, verifier: VerifierDep, _connector: ConnectorDep
) -> Response:
    options = _options(verifier, body.options)
    parsed = _parse(body.verifiableCredential, "verifiableCredential")
    if parsed.format not in ("dc+sd-jwt", "vc+jwt", "ldp_vc"):
        problem = f"verifiableCredential: {parsed.format} is a presentation"
        raise _ConnectorError(400, "invalid_request", problem, [problem])
    return _response(verifier.pipeline.verify_credential(parsed, options))


@router.post(
    "/presentations/verify",
    response_model=VerifyResponse,
    responses=_RESPONSES,
    summary="Verify a presentation (JSON-LD, vp+jwt or SD-JWT VC with KB-JWT)",
)
def verify_presentation(
    body: VerifyPresentationRequest, verifier: VerifierDep, _connector: ConnectorDep
) -> Response:
    options = _options(verifier, body.options)
    parsed = _parse(body.verifiablePresentation, "verifiablePresentation")
    if parsed.format not in ("dc+sd-jwt", "vp+jwt", "ldp_vp"):
        problem = f"verifiablePresentation: {parsed.format} is not a presentation"
        raise _ConnectorError(400, "invalid_request", problem, [problem])
    return _response(verifier.pipeline.verify_presentation(parsed, options))
