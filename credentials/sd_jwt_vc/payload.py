"""The SD-JWT VC payload (draft-ietf-oauth-sd-jwt-vc §3.2.2) and its issuance.

Registered claims: ``vct`` (required), ``iss``, ``iat``, ``nbf``, ``exp``, ``cnf``
(RFC 7800, the holder's key for key binding), ``status`` (Token Status List
``{"status_list": {"idx", "uri"}}``), ``sub``. The draft says ``iss``, ``nbf``, ``exp``,
``cnf``, ``vct``, ``vct#integrity`` and ``status`` "MUST NOT be selectively disclosed";
this issuer also keeps ``iat`` plain. The verifier enforces the draft's list only, since
``iat`` and ``sub`` "MAY be selectively disclosed" by other issuers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from credentials.errors import DataModelError
from credentials.keys import Signer
from credentials.sd_jwt import SD, SD_JWT_VC_TYP, IssuedSdJwt, issue_sd_jwt
from credentials.sd_jwt.disclosure import SaltSource
from credentials.sd_jwt.issuer import default_salt

#: Claims the draft forbids to be selectively disclosed (§3.2.2.2).
NEVER_DISCLOSED: Final = frozenset({"iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status"})
#: Claims this issuer builds itself and never blinds.
REGISTERED: Final = NEVER_DISCLOSED | {"iat"}


@dataclass(frozen=True, slots=True)
class StatusListReference:
    """A Token Status List entry (draft-ietf-oauth-status-list §6.2)."""

    idx: int
    uri: str

    def to_claim(self) -> dict[str, Any]:
        return {"status_list": {"idx": self.idx, "uri": self.uri}}


def _contains_marker(value: Any) -> bool:
    if isinstance(value, SD):
        return True
    if isinstance(value, Mapping):
        return any(_contains_marker(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_contains_marker(v) for v in value)
    return False


def build_payload(
    *,
    vct: str,
    iss: str,
    iat: int,
    claims: Mapping[str, Any],
    exp: int | None = None,
    nbf: int | None = None,
    holder_jwk: Mapping[str, Any] | None = None,
    status: StatusListReference | None = None,
    vct_integrity: str | None = None,
) -> dict[str, Any]:
    """Assemble the claims to sign; subject claims may carry :class:`SD` markers."""
    clash = REGISTERED & claims.keys()
    if clash:
        raise DataModelError(f"registered claims {sorted(clash)} are set by parameter")
    if not vct:
        raise DataModelError("vct is required")
    if holder_jwk is not None and ("d" in holder_jwk or _contains_marker(holder_jwk)):
        raise DataModelError("cnf.jwk must be a plain public JWK")
    payload: dict[str, Any] = {"iss": iss, "iat": iat, "vct": vct}
    if vct_integrity is not None:
        payload["vct#integrity"] = vct_integrity
    if nbf is not None:
        payload["nbf"] = nbf
    if exp is not None:
        payload["exp"] = exp
    if holder_jwk is not None:
        payload["cnf"] = {"jwk": dict(holder_jwk)}
    if status is not None:
        payload["status"] = status.to_claim()
    payload.update(claims)
    return payload


def issue_sd_jwt_vc(
    payload: Mapping[str, Any],
    signer: Signer,
    *,
    header: Mapping[str, Any] | None = None,
    salt: SaltSource = default_salt,
    decoys: int = 0,
    include_kid: bool = True,
) -> IssuedSdJwt:
    """Sign an SD-JWT VC with ``typ: dc+sd-jwt`` (§3.2.1)."""
    for name in REGISTERED & payload.keys():
        if _contains_marker(payload[name]):
            raise DataModelError(f"{name} must not be selectively disclosable")
    if not isinstance(payload.get("vct"), str):
        raise DataModelError("vct is required")
    return issue_sd_jwt(
        payload,
        signer,
        typ=SD_JWT_VC_TYP,
        header=header,
        salt=salt,
        decoys=decoys,
        include_kid=include_kid,
    )


def check_payload(issuer_payload: Mapping[str, Any], claims: Mapping[str, Any]) -> None:
    """The data-model rules of §3.2.2 on a verified, processed payload."""
    vct = claims.get("vct")
    if not isinstance(vct, str) or not vct:
        raise DataModelError("vct must be a non-empty string")
    for name in NEVER_DISCLOSED & claims.keys():
        if name not in issuer_payload:
            raise DataModelError(f"{name} must not be selectively disclosed")
    for name in ("iss", "vct#integrity", "sub"):
        if name in claims and not isinstance(claims[name], str):
            raise DataModelError(f"{name} must be a string")
    if "cnf" in claims:
        cnf = claims["cnf"]
        if not isinstance(cnf, Mapping) or not isinstance(cnf.get("jwk"), Mapping):
            raise DataModelError("cnf must be an object holding a jwk")
    if "status" in claims:
        _check_status(claims["status"])


def _check_status(status: object) -> None:
    if not isinstance(status, Mapping):
        raise DataModelError("status must be an object")
    entry = status.get("status_list")
    if entry is None:
        return
    if not isinstance(entry, Mapping):
        raise DataModelError("status.status_list must be an object")
    idx, uri = entry.get("idx"), entry.get("uri")
    if isinstance(idx, bool) or not isinstance(idx, int) or idx < 0:
        raise DataModelError("status.status_list.idx must be a non-negative integer")
    if not isinstance(uri, str) or not uri:
        raise DataModelError("status.status_list.uri must be a URI")
