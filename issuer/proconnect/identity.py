"""The identity a ProConnect login establishes, as kept in a web session.

Userinfo claims (reference §1.5) plus what only the id_token carries: ``acr``, ``amr``,
``auth_time`` (reference §1.5: "Claims about the authentication itself live only in the
id_token"). ``acr`` is taken from the verified id_token, never from userinfo.

``roles`` (reference §1.5): ``agent_public``, ``agent_public_etat``,
``agent_public_territorial``, ``agent_public_hospitalier``, ``agent_public_L100-3`` mark a
public agent; ``dirigeant`` marks a certified executive (a possible successor of the
certification-dirigeant ``acr``, so both are accepted by :attr:`certified_executive`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from issuer.proconnect.constants import (
    CERTIFICATION_DIRIGEANT_ACR,
    DIRIGEANT_ROLE,
    PUBLIC_AGENT_ROLE_PREFIX,
)

_TEXT_CLAIMS = (
    "given_name",
    "usual_name",
    "email",
    "uid",
    "siret",
    "siren",
    "organization_label",
    "organizational_unit",
    "belonging_population",
    "phone_number",
    "idp_id",
    "idp_acr",
)


class IdentityError(ValueError):
    """A stored identity does not have the expected shape."""


@dataclass(frozen=True, slots=True)
class ProConnectIdentity:
    """A professional authenticated by ProConnect."""

    iss: str
    sub: str
    acr: str | None
    amr: tuple[str, ...] = ()
    auth_time: int | None = None
    given_name: str | None = None
    usual_name: str | None = None
    email: str | None = None
    uid: str | None = None
    siret: str | None = None
    siren: str | None = None
    organization_label: str | None = None
    organizational_unit: str | None = None
    belonging_population: str | None = None
    phone_number: str | None = None
    idp_id: str | None = None
    idp_acr: str | None = None
    roles: tuple[str, ...] = ()
    custom: dict[str, Any] = field(default_factory=dict)
    certification_requested: bool = False

    @classmethod
    def from_claims(
        cls,
        *,
        id_token: Mapping[str, Any],
        userinfo: Mapping[str, Any],
        certification_requested: bool,
    ) -> ProConnectIdentity:
        """Combine verified id_token and userinfo claims (both already validated)."""
        values: dict[str, Any] = {
            "iss": id_token["iss"],
            "sub": id_token["sub"],
            "acr": id_token.get("acr"),
            "amr": id_token.get("amr") or [],
            "auth_time": id_token.get("auth_time"),
            "roles": userinfo.get("roles") or [],
            "custom": userinfo.get("custom") or {},
            "certification_requested": certification_requested,
        }
        values.update({name: userinfo.get(name) for name in _TEXT_CLAIMS})
        if values["siren"] is None and isinstance(values["siret"], str):
            values["siren"] = values["siret"][:9]
        return cls.from_json(values)

    @classmethod
    def from_json(cls, data: Any) -> ProConnectIdentity:
        """Validate a stored identity (e.g. read back from a session row)."""
        if not isinstance(data, Mapping):
            raise IdentityError("identity must be an object")
        for name in ("iss", "sub"):
            if not isinstance(data.get(name), str) or not data[name]:
                raise IdentityError(f"identity lacks {name}")
        for name in (*_TEXT_CLAIMS, "acr"):
            if data.get(name) is not None and not isinstance(data[name], str):
                raise IdentityError(f"identity claim {name} must be a string")
        for name in ("amr", "roles"):
            value = data.get(name, [])
            if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
                raise IdentityError(f"identity claim {name} must be an array of strings")
        auth_time = data.get("auth_time")
        if auth_time is not None and (
            isinstance(auth_time, bool) or not isinstance(auth_time, int)
        ):
            raise IdentityError("auth_time must be an integer")
        custom = data.get("custom", {})
        if not isinstance(custom, dict):
            raise IdentityError("custom must be an object")
        return cls(
            iss=data["iss"],
            sub=data["sub"],
            acr=data.get("acr"),
            amr=tuple(data.get("amr", [])),
            auth_time=auth_time,
            roles=tuple(data.get("roles", [])),
            custom=dict(custom),
            certification_requested=bool(data.get("certification_requested", False)),
            **{name: data.get(name) for name in _TEXT_CLAIMS},
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["amr"] = list(self.amr)
        data["roles"] = list(self.roles)
        return data

    @property
    def is_public_agent(self) -> bool:
        return any(role.startswith(PUBLIC_AGENT_ROLE_PREFIX) for role in self.roles)

    @property
    def has_certification_acr(self) -> bool:
        return self.acr == CERTIFICATION_DIRIGEANT_ACR

    @property
    def certified_executive(self) -> bool:
        """Executive certification by ``acr`` or by the ``dirigeant`` role (reference §1.6)."""
        return self.has_certification_acr or DIRIGEANT_ROLE in self.roles
