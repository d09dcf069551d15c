"""SSRF refusals end to end: a credential that names an internal address is refused by the
verifier the app builds, and no request leaves for that address.

The app's own outbound fetcher (:func:`attestia.cli_verify.safe_fetcher`, the
:class:`~credentials.net.SafeFetcher` with the deployment's policy) is kept; only its DNS
resolver and its transport are swapped for a fake network that records every request. A
credential is posted to the connector API (``POST /verifier/credentials/verify``); its
issuer's did:web document is served by the fake network, its status list URI points at a
private, loopback, link-local (cloud metadata) or unique-local address, at a DNS name that
resolves to one, or at a public host that redirects to one. The verdict's ``status`` check
fails with the refusal, and the recorded requests show nothing reached the target.

``x5u`` (Gaia-X JSON Web Signature 2020 keys) is fetched by
:func:`verifier.gaia_x.x5u.fetch_chain` through the same fetcher, checked the same way.
The verifier does not dereference ``vct`` (type metadata is not fetched: the ``vct``
value is only compared with policies and the trust registry), which a last test pins.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi.testclient import TestClient

import attestia.cli_verify
from attestia.app import create_app
from attestia.settings import load_settings
from credentials.did.document import PublishedKey, build_did_document
from credentials.errors import CredentialError
from credentials.keys import SoftwareSigner
from credentials.net import SafeFetcher
from credentials.sd_jwt_vc import StatusListReference, build_payload, issue_sd_jwt_vc
from verifier.gaia_x.x5u import fetch_chain

ISSUER = "did:web:issuer.example"
PUBLIC = {
    "issuer.example": "93.184.216.34",
    "redirector.example": "93.184.216.35",
}
INTERNAL_NAMES = {
    "internal.example": ["10.0.0.7"],
    "metadata.example": ["169.254.169.254"],
    "loopback.example": ["127.0.0.1"],
    "v6-loopback.example": ["::1"],
    "ula.example": ["fd12:3456::1"],
    "mixed.example": ["93.184.216.36", "192.168.1.1"],
}
TARGETS = [
    "http://169.254.169.254/latest/meta-data/",
    "https://169.254.169.254/status/1",
    "https://10.0.0.7/status/1",
    "https://10.255.255.254/status/1",
    "https://172.16.5.4/status/1",
    "https://172.31.255.1/status/1",
    "https://192.168.1.1/status/1",
    "https://127.0.0.1/status/1",
    "https://127.8.9.10:8443/status/1",
    "https://[::1]/status/1",
    "https://[fc00::1]/status/1",
    "https://[fd00:ec2::254]/status/1",
    "https://[::ffff:169.254.169.254]/status/1",
    "https://0.0.0.0/status/1",
    *(f"https://{name}/status/1" for name in INTERNAL_NAMES),
    "https://redirector.example/to-metadata",
    "https://redirector.example/to-internal-name",
    "https://redirector.example/to-v6-loopback",
]
REDIRECTS = {
    "/to-metadata": "http://169.254.169.254/latest/meta-data/iam",
    "/to-internal-name": "https://internal.example/status/1",
    "/to-v6-loopback": "https://[::1]:8443/status/1",
}


class _Body(httpx.SyncByteStream):
    """A streamed body, as a real transport delivers it (the fetcher streams and caps)."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def __iter__(self) -> Iterator[bytes]:
        yield self._body


def _response(status: int, body: bytes = b"", **headers: str) -> httpx.Response:
    return httpx.Response(status, headers=headers, stream=_Body(body))


class RecordingNet:
    """Fake DNS + an httpx transport that serves the issuer's DID document, answers the
    redirector's redirects and records every request that would have left the process."""

    def __init__(self, did_document: dict[str, Any]) -> None:
        self.did_document = did_document
        self.requests: list[httpx.Request] = []

    def resolve(self, host: str, port: int) -> list[str]:
        if host in PUBLIC:
            return [PUBLIC[host]]
        return list(INTERNAL_NAMES.get(host, []))

    def transport(self) -> httpx.BaseTransport:
        def handle(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            host = request.headers.get("host", "")
            if host == "issuer.example" and request.url.path == "/.well-known/did.json":
                body = json.dumps(self.did_document).encode()
                return _response(200, body, **{"content-type": "application/did+json"})
            if host == "redirector.example" and request.url.path in REDIRECTS:
                return _response(302, Location=REDIRECTS[request.url.path])
            return _response(404, b"not found", **{"content-type": "text/plain"})

        return httpx.MockTransport(handle)

    def reached(self) -> set[str]:
        """The addresses (the fetcher pins the IP into the URL) and Host names reached."""
        return {r.url.host for r in self.requests} | {
            r.headers.get("host", "") for r in self.requests
        }


@pytest.fixture(scope="module")
def issuer_key() -> SoftwareSigner:
    return SoftwareSigner(ec.generate_private_key(ec.SECP256R1()), f"{ISSUER}#es256")


@pytest.fixture(scope="module")
def shared_net(issuer_key: SoftwareSigner) -> RecordingNet:
    document = build_did_document(ISSUER, [PublishedKey("es256", issuer_key.public_key())])
    return RecordingNet(document)


@pytest.fixture
def net(shared_net: RecordingNet) -> RecordingNet:
    """The module's fake network, its record cleared for each test."""
    shared_net.requests.clear()
    return shared_net


def _client(tmp_path: Path, net: RecordingNet, **settings: Any) -> Iterator[TestClient]:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        patch.setattr(
            attestia.cli_verify,
            "SafeFetcher",
            functools.partial(SafeFetcher, resolver=net.resolve, transport_factory=net.transport),
        )
        config = load_settings(data_dir=tmp_path / "var", **settings)
        with TestClient(create_app(config), raise_server_exceptions=False) as client:
            yield client


@pytest.fixture(scope="module")
def client(
    tmp_path_factory: pytest.TempPathFactory, shared_net: RecordingNet
) -> Iterator[TestClient]:
    """The app with a production-like fetch policy: no dev host allowed over http."""
    yield from _client(tmp_path_factory.mktemp("ssrf"), shared_net, dev_allowed_hosts=[])


@pytest.fixture(scope="module")
def dev_client(
    tmp_path_factory: pytest.TempPathFactory, shared_net: RecordingNet
) -> Iterator[TestClient]:
    """The app with the default dev settings (127.0.0.1 and localhost allowed over http)."""
    yield from _client(tmp_path_factory.mktemp("ssrf-dev"), shared_net)


def _credential(signer: SoftwareSigner, status_uri: str, vct: str = "https://x.example/vct") -> str:
    now = datetime.now(UTC)
    holder = ec.generate_private_key(ec.SECP256R1())
    payload = build_payload(
        vct=vct,
        iss=ISSUER,
        iat=int((now - timedelta(days=1)).timestamp()),
        exp=int((now + timedelta(days=30)).timestamp()),
        claims={"given_name": "Marie"},
        holder_jwk=SoftwareSigner(holder, "h").public_jwk(),
        status=StatusListReference(3, status_uri),
    )
    return issue_sd_jwt_vc(payload, signer).compact


def _verify(client: TestClient, credential: str) -> dict[str, Any]:
    response = client.post(
        "/verifier/credentials/verify", json={"verifiableCredential": credential}
    )
    assert response.status_code == 200, response.text
    verdict: dict[str, Any] = response.json()
    return verdict


def _check(verdict: dict[str, Any], code: str) -> dict[str, Any]:
    matching = [c for c in verdict["checks"] if c["code"] == code]
    assert matching, verdict["checks"]
    return matching[0]


def test_the_fake_network_serves_the_issuer(
    client: TestClient, net: RecordingNet, issuer_key: SoftwareSigner
) -> None:
    """Control: the signature check passes through the app's fetcher, so the status check
    below is reached with a credential that is otherwise fine."""
    verdict = _verify(client, _credential(issuer_key, "https://issuer.example/status/1"))
    assert _check(verdict, "signature")["passed"], verdict["checks"]
    assert {"93.184.216.34", "issuer.example"} <= net.reached()


@pytest.mark.parametrize("target", TARGETS)
def test_status_list_uri_to_an_internal_address_is_refused_without_a_request(
    client: TestClient, net: RecordingNet, issuer_key: SoftwareSigner, target: str
) -> None:
    verdict = _verify(client, _credential(issuer_key, target))
    assert verdict["verified"] is False
    status = _check(verdict, "status")
    assert status["passed"] is False
    assert "refused" in status["detail"] or "not allowed" in status["detail"], status
    internal = {a for addresses in INTERNAL_NAMES.values() for a in addresses} - {"93.184.216.36"}
    reached = net.reached()
    assert not reached & internal, reached
    for host in ("169.254.169.254", "::1", "127.0.0.1", "10.0.0.7", "fc00::1", "0.0.0.0"):
        assert host not in reached, (host, reached)
    assert reached <= {*PUBLIC, *PUBLIC.values()}, reached


def test_dev_settings_still_refuse_metadata_and_private_ranges(
    dev_client: TestClient, net: RecordingNet, issuer_key: SoftwareSigner
) -> None:
    for target in (
        "http://169.254.169.254/latest/meta-data/",
        "https://10.0.0.7/status/1",
        "https://metadata.example/status/1",
        "https://redirector.example/to-metadata",
    ):
        status = _check(_verify(dev_client, _credential(issuer_key, target)), "status")
        assert status["passed"] is False, (target, status)
    assert net.reached() <= {*PUBLIC, *PUBLIC.values()}


@pytest.mark.parametrize(
    "url",
    [
        "https://169.254.169.254/chain.pem",
        "https://[::1]/chain.pem",
        "https://192.168.0.10/chain.pem",
        "https://metadata.example/chain.pem",
        "https://redirector.example/to-metadata",
        "http://169.254.169.254/chain.pem",
    ],
)
def test_x5u_to_an_internal_address_is_refused_without_a_request(
    net: RecordingNet, url: str
) -> None:
    fetcher = functools.partial(SafeFetcher, resolver=net.resolve, transport_factory=net.transport)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(attestia.cli_verify, "SafeFetcher", fetcher)
        configured = attestia.cli_verify.safe_fetcher(load_settings(dev_allowed_hosts=[]))
    with pytest.raises(CredentialError) as refused:
        fetch_chain(url, configured)
    assert "x5u" in str(refused.value)
    assert net.reached() <= {*PUBLIC, *PUBLIC.values()}


def test_vct_is_never_dereferenced(
    client: TestClient, net: RecordingNet, issuer_key: SoftwareSigner
) -> None:
    credential = _credential(
        issuer_key,
        "https://issuer.example/status/1",
        vct="http://169.254.169.254/latest/meta-data/vct",
    )
    _verify(client, credential)
    assert net.reached() <= {*PUBLIC, *PUBLIC.values()}
    assert all(r.url.path != "/latest/meta-data/vct" for r in net.requests)
