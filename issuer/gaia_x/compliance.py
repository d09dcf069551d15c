"""Client for a GXDCH compliance service (gx-compliance; reference gaia-x.md §5).

- Loire (v2 line): ``POST {service}/api/credential-offers/{level}?vcid=<id>`` with
  ``Content-Type: application/vp+jwt`` and the VP-JWT as body; **201** returns the label
  credential as a VC-JWT.
- Tagus (v1 line): ``POST {service}/api/credential-offers?vcid=<id>`` with the JSON-LD
  presentation; **201** returns the compliance credential (JSON-LD, ``gx:compliance``
  subjects with ``gx:integrity``).

``service`` is the instance base including its version segment, e.g.
``https://compliance.lab.gaia-x.eu/v2``. Both answer **400** for a bad body and **409**
with ``{statusCode, message: {conforms, results}, error}`` when validation fails; those
raise :class:`ComplianceRejected` carrying the body. Timeouts, transport errors and other
statuses raise :class:`ComplianceError`. The ``httpx.Client`` is injected (tests use respx);
every call has a timeout.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Final, Literal

import httpx

from issuer.gaia_x.errors import ComplianceError, ComplianceRejected

Level = Literal["standard-compliance", "label-level-1", "label-level-2", "label-level-3"]
MEDIA_TYPE_VP_JWT: Final = "application/vp+jwt"
MAX_RESPONSE_BYTES: Final = 512 * 1024
DEFAULT_TIMEOUT: Final = 30.0

logger = logging.getLogger("issuer.gaia_x.compliance")


@dataclass(frozen=True, slots=True)
class ComplianceCredential:
    """What the service returned: a VC-JWT (Loire) or a JSON-LD credential (Tagus)."""

    flavour: Literal["loire", "tagus"]
    credential: str | dict[str, Any]
    service: str

    @property
    def serialized(self) -> str:
        if isinstance(self.credential, str):
            return self.credential
        return json.dumps(self.credential, separators=(",", ":"), ensure_ascii=False)


def _rejected_detail(body: object) -> str:
    if isinstance(body, dict):
        message = body.get("message")
        if isinstance(message, dict) and isinstance(message.get("results"), list):
            return "; ".join(str(r) for r in message["results"][:10])
        if message is not None:
            return str(message)[:1000]
    return str(body)[:1000]


class ComplianceClient:
    """Submit participant presentations to one compliance service."""

    def __init__(
        self, service: str, http: httpx.Client, *, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        if not service.startswith(("https://", "http://")):
            raise ValueError("the compliance service must be an http(s) URL")
        self._service = service.rstrip("/")
        self._http = http
        self._timeout = timeout

    @property
    def service(self) -> str:
        return self._service

    def _post(
        self, url: str, *, vcid: str | None, content: bytes, media_type: str
    ) -> httpx.Response:
        params = {"vcid": vcid} if vcid else None
        try:
            response = self._http.post(
                url,
                params=params,
                content=content,
                headers={"Content-Type": media_type, "Accept": "application/json, */*"},
                timeout=self._timeout,
            )
        except httpx.TimeoutException:
            raise ComplianceError(f"compliance service {self._service} timed out") from None
        except httpx.HTTPError as exc:
            raise ComplianceError(f"compliance service unreachable: {type(exc).__name__}") from None
        if len(response.content) > MAX_RESPONSE_BYTES:
            raise ComplianceError("compliance response is too large")
        logger.info("compliance %s answered %s", self._service, response.status_code)
        if response.status_code in (400, 409, 422):
            try:
                body: object = response.json()
            except ValueError:
                body = response.text[:1000]
            raise ComplianceRejected(
                _rejected_detail(body), status_code=response.status_code, body=body
            )
        if response.status_code not in (200, 201):
            raise ComplianceError(f"compliance service answered HTTP {response.status_code}")
        return response

    def submit_loire(
        self, vp_jwt: str, *, vcid: str | None = None, level: Level = "standard-compliance"
    ) -> ComplianceCredential:
        """POST the VP-JWT; returns the compliance (label) credential VC-JWT."""
        url = f"{self._service}/api/credential-offers/{level}"
        response = self._post(
            url, vcid=vcid, content=vp_jwt.encode("ascii"), media_type=MEDIA_TYPE_VP_JWT
        )
        text = response.text.strip()
        if text.startswith("{"):
            try:
                body = response.json()
            except ValueError:
                raise ComplianceError("compliance response is not JSON nor a JWT") from None
            if isinstance(body, dict) and isinstance(body.get("id"), str):
                text = body["id"].split(",", 1)[-1] if body["id"].startswith("data:") else ""
        if text.count(".") != 2:
            raise ComplianceError("compliance response is not a compact VC-JWT")
        return ComplianceCredential("loire", text, self._service)

    def submit_tagus(
        self, presentation: dict[str, Any], *, vcid: str | None = None
    ) -> ComplianceCredential:
        """POST the JSON-LD presentation; returns the ``gx:compliance`` credential."""
        url = f"{self._service}/api/credential-offers"
        content = json.dumps(presentation, separators=(",", ":"), ensure_ascii=False).encode()
        response = self._post(url, vcid=vcid, content=content, media_type="application/json")
        try:
            body = response.json()
        except ValueError:
            raise ComplianceError("compliance response is not JSON") from None
        if not isinstance(body, dict) or "credentialSubject" not in body:
            raise ComplianceError("compliance response is not a verifiable credential")
        return ComplianceCredential("tagus", body, self._service)
