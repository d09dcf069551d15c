"""did:web resolution through the SSRF-guarded fetcher (did:web §3.2 Read)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from credentials.did.web import resolve_did_web
from credentials.errors import KeyResolutionError, MalformedError
from credentials.net import (
    FetchPolicy,
    ForbiddenDestinationError,
    ResponseTooLargeError,
    SafeFetcher,
)
from tests.credentials.net.conftest import FakeNet, respond

DID = "did:web:issuer.example"


@pytest.fixture
def net() -> FakeNet:
    return FakeNet(
        {
            "issuer.example": ["93.184.216.34"],
            "private.example": ["192.168.10.20"],
            "localhost": ["127.0.0.1"],
        }
    )


def _document(did: str = DID) -> dict[str, Any]:
    return {"@context": ["https://www.w3.org/ns/did/v1"], "id": did, "verificationMethod": []}


def _serve(net: FakeNet, document: object, status: int = 200) -> None:
    net.handler = lambda _r: respond(status, body=json.dumps(document).encode())


def test_resolves_well_known_and_path_dids(net: FakeNet) -> None:
    _serve(net, _document())
    assert resolve_did_web(DID, net.fetcher())["id"] == DID
    _serve(net, _document(f"{DID}:users:alice"))
    resolve_did_web(f"{DID}:users:alice", net.fetcher())
    assert [r.url.path for r in net.requests] == ["/.well-known/did.json", "/users/alice/did.json"]
    assert net.requests[0].headers["host"] == "issuer.example"


@pytest.mark.parametrize(
    "did",
    [
        "did:web:127.0.0.1",
        "did:web:10.0.0.1",
        "did:web:169.254.169.254",
        "did:web:%5B%3A%3A1%5D",
        "did:web:private.example",
        "did:web:localhost%3A8000",
    ],
)
def test_private_destinations_are_refused(net: FakeNet, did: str) -> None:
    with pytest.raises(KeyResolutionError) as caught:
        resolve_did_web(did, net.fetcher())
    assert isinstance(caught.value.__cause__, ForbiddenDestinationError)
    assert net.requests == []


def test_redirect_to_a_private_address_is_refused(net: FakeNet) -> None:
    net.handler = lambda _r: respond(302, headers={"location": "https://192.168.0.1/did.json"})
    with pytest.raises(KeyResolutionError) as caught:
        resolve_did_web(DID, net.fetcher())
    assert isinstance(caught.value.__cause__, ForbiddenDestinationError)


def test_plain_http_only_for_dev_hosts(net: FakeNet) -> None:
    fetcher = net.fetcher()
    with pytest.raises(KeyResolutionError):
        resolve_did_web(DID, fetcher, http_hosts=frozenset({"issuer.example"}))
    dev = net.fetcher(FetchPolicy(dev_hosts=frozenset({"localhost:8000"})))
    _serve(net, _document("did:web:localhost%3A8000"))
    resolve_did_web("did:web:localhost%3A8000", dev, http_hosts=frozenset({"localhost:8000"}))
    assert str(net.requests[-1].url) == "http://127.0.0.1:8000/.well-known/did.json"


def test_oversized_document_is_refused(net: FakeNet) -> None:
    big = {**_document(), "service": ["x" * 200_000]}
    _serve(net, big)
    with pytest.raises(KeyResolutionError) as caught:
        resolve_did_web(DID, net.fetcher())
    assert isinstance(caught.value.__cause__, ResponseTooLargeError)


def test_document_with_another_id_is_refused(net: FakeNet) -> None:
    _serve(net, _document("did:web:attacker.example"))
    with pytest.raises(KeyResolutionError, match="not the DID document"):
        resolve_did_web(DID, net.fetcher())


@pytest.mark.parametrize("body", [b"not json", b"[]", b'"did"'])
def test_non_object_documents_are_malformed(net: FakeNet, body: bytes) -> None:
    net.handler = lambda _r: respond(body=body)
    with pytest.raises(MalformedError):
        resolve_did_web(DID, net.fetcher())


def test_http_errors(net: FakeNet) -> None:
    _serve(net, _document(), status=404)
    with pytest.raises(KeyResolutionError, match="404"):
        resolve_did_web(DID, net.fetcher())


def test_network_failure_is_key_resolution_error(net: FakeNet) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    net.handler = fail
    with pytest.raises(KeyResolutionError):
        resolve_did_web(DID, SafeFetcher(resolver=net.resolve, transport_factory=net.transport))
