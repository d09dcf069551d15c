"""``authorization_details`` of type ``openid_credential`` (RFC 9396, OpenID4VCI §5.1.1).

§5.1.1: "``type``: REQUIRED. String that determines the authorization details type. It MUST
be set to ``openid_credential`` for the purpose of this specification";
"``credential_configuration_id``: REQUIRED. String specifying a unique identifier of the
Credential being described in the ``credential_configurations_supported`` map". RFC 9396
§5: an unknown type, or an object the AS cannot honour, is ``invalid_authorization_details``.
"""

from __future__ import annotations

import json
from typing import Any, Final

from issuer.oid4vci.context import Oid4vciContext
from issuer.oid4vci.errors import InvalidAuthorizationDetails
from issuer.oid4vci.metadata import AUTHORIZATION_DETAILS_TYPE

MAX_ENTRIES: Final = 16


def parse_authorization_details(ctx: Oid4vciContext, raw: str | list[Any]) -> list[dict[str, Any]]:
    """Parse and check the parameter; returns the objects in order (duplicates removed)."""
    if isinstance(raw, str):
        try:
            value: Any = json.loads(raw)
        except ValueError:
            raise InvalidAuthorizationDetails("authorization_details is not JSON") from None
    else:
        value = raw
    if not isinstance(value, list) or not value or len(value) > MAX_ENTRIES:
        raise InvalidAuthorizationDetails(
            f"authorization_details must be a non-empty JSON array of at most {MAX_ENTRIES}"
        )
    seen: dict[str, dict[str, Any]] = {}
    for entry in value:
        if not isinstance(entry, dict):
            raise InvalidAuthorizationDetails("each authorization_details entry is an object")
        if entry.get("type") != AUTHORIZATION_DETAILS_TYPE:
            raise InvalidAuthorizationDetails(
                f"authorization details type {entry.get('type')!r} is not supported"
            )
        configuration_id = entry.get("credential_configuration_id")
        if not isinstance(configuration_id, str):
            raise InvalidAuthorizationDetails("credential_configuration_id is required")
        if ctx.configuration(configuration_id) is None:
            raise InvalidAuthorizationDetails(
                f"unknown credential_configuration_id {configuration_id[:80]!r}"
            )
        locations = entry.get("locations")
        if locations is not None and (
            not isinstance(locations, list) or ctx.config.credential_issuer not in locations
        ):
            raise InvalidAuthorizationDetails("locations does not name this Credential Issuer")
        seen.setdefault(configuration_id, {"type": AUTHORIZATION_DETAILS_TYPE, **entry})
    return list(seen.values())


def configuration_ids_for_scope(ctx: Oid4vciContext, scope: str) -> list[str]:
    """§5.1.2: "Credential Issuers MUST ignore unknown scope values in a request"."""
    requested = scope.split()
    return [
        cid
        for cid, configuration in sorted(ctx.catalogue.configurations().items())
        if configuration.scope in requested
    ]
