"""The composed app serves status lists and lets only registry admins revoke credentials."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from attestia.app import create_app
from attestia.services import Services
from issuer.minting import HolderBinding, SubjectIdentifiers
from issuer.minting.services import IssuerServices
from tests.issuer.minting.samples import claims_for
from tests.issuer.minting.test_mint import HOLDER_DID, HOLDER_JWK
from trust_registry.tokens import create_token


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services.settings, services=services)) as test_client:
        yield test_client


def _mint(client: TestClient) -> tuple[str, str]:
    issuer: IssuerServices = client.app.state.issuer  # type: ignore[attr-defined]
    claims = claims_for("legal_representative")
    with issuer.sessions() as session, session.begin():
        minted = issuer.minter.mint(
            session,
            configuration_id="legal_representative_sd_jwt",
            claims=claims,
            holder=HolderBinding(jwk=HOLDER_JWK, did=HOLDER_DID),
            subject=SubjectIdentifiers.from_claims(claims, person_sub="someone"),
        )
    return minted.credential_id, minted.status_list_id


def _token(services: Services, scopes: list[str]) -> str:
    with services.sessions() as session, session.begin():
        _info, secret = create_token(
            session,
            owner="ops@example.gouv.fr",
            label="test",
            scopes=scopes,
            lifetime=timedelta(hours=1),
            actor="test",
            now=datetime.now(UTC),
        )
    return secret


def test_status_list_served_by_the_app(client: TestClient) -> None:
    _credential, list_id = _mint(client)
    response = client.get(f"/issuer/status/{list_id}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/statuslist+jwt"
    assert client.get("/issuer/status/no-such-list").status_code == 404


def test_revocation_api_requires_a_registry_admin(client: TestClient, services: Services) -> None:
    credential, _list_id = _mint(client)
    url = f"/issuer/credentials/{credential}/revoke"
    anonymous = client.post(url, json={"reason": "x"})
    assert anonymous.status_code == 401
    assert anonymous.json()["error"] == "unauthorized"
    reader = client.post(
        url,
        json={"reason": "x"},
        headers={"Authorization": f"Bearer {_token(services, ['registry:read'])}"},
    )
    assert reader.status_code == 403
    writer = client.post(
        url,
        json={"reason": "mandate ended"},
        headers={"Authorization": f"Bearer {_token(services, ['registry:write'])}"},
    )
    assert writer.status_code == 200, writer.text
    assert writer.json()["status"] == "revoked"
