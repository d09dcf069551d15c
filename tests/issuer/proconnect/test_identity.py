"""The stored identity: validation and the meaning of ``roles`` and ``acr``."""

from __future__ import annotations

import pytest

from issuer.proconnect import CERTIFICATION_DIRIGEANT_ACR, ProConnectIdentity
from issuer.proconnect.identity import IdentityError

BASE = {"iss": "https://fca.integ01.dev-agentconnect.fr/api/v2", "sub": "s", "acr": "eidas1"}


@pytest.mark.parametrize(
    ("roles", "acr", "public_agent", "executive"),
    [
        ([], "eidas1", False, False),
        (["agent_public"], "eidas1", True, False),
        (["agent_public", "agent_public_territorial"], "eidas1", True, False),
        (["agent_public_L100-3"], "eidas1", True, False),
        (["dirigeant"], "eidas1", False, True),
        ([], CERTIFICATION_DIRIGEANT_ACR, False, True),
    ],
)
def test_roles_and_acr(roles: list[str], acr: str, public_agent: bool, executive: bool) -> None:
    identity = ProConnectIdentity.from_json({**BASE, "roles": roles, "acr": acr})
    assert identity.is_public_agent is public_agent
    assert identity.certified_executive is executive
    assert ProConnectIdentity.from_json(identity.to_json()) == identity


def test_siren_derived_from_siret_when_absent() -> None:
    identity = ProConnectIdentity.from_claims(
        id_token=BASE,
        userinfo={"sub": "s", "siret": "52718463400014"},
        certification_requested=False,
    )
    assert identity.siren == "527184634"


@pytest.mark.parametrize(
    "bad",
    [
        {"sub": "s"},
        {**BASE, "sub": ""},
        {**BASE, "roles": "dirigeant"},
        {**BASE, "amr": [1]},
        {**BASE, "siret": 52718463400014},
        {**BASE, "custom": []},
        {**BASE, "auth_time": "now"},
        [],
    ],
)
def test_malformed_identity_refused(bad: object) -> None:
    with pytest.raises(IdentityError):
        ProConnectIdentity.from_json(bad)
