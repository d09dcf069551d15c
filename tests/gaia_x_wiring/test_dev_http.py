"""Plain http in dev: the x5u chain URL and the did:web document of a dev allow-list host.

The dev allow-list (``ATTESTIA_DEV_ALLOWED_HOSTS``, dev mode only) names hosts as ``host``
or ``host:port``; a dev deployment's DID is ``did:web:127.0.0.1%3A8000`` and its x5u
``http://127.0.0.1:8000/.well-known/x509-chain.pem``, both reached over http.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from attestia.gaia_x_wiring import dev_http_hosts
from attestia.settings import load_settings
from credentials.did.web import resolve_did_web
from credentials.keys import generate_private_key
from credentials.net import FetchedDocument
from issuer.gaia_x import generate_dev_chain
from verifier.gaia_x.x5u import X5uChainError, fetch_chain


@dataclass
class PemFetcher:
    """Answers every URL with one PEM chain and records what was asked."""

    pem: bytes
    asked: list[str] = field(default_factory=list)

    def fetch(self, url: str, *, accept: str, max_bytes: int) -> FetchedDocument:
        self.asked.append(url)
        return FetchedDocument(200, "application/x-pem-file", self.pem, url=url)


@pytest.fixture(scope="module")
def fetcher() -> PemFetcher:
    key = generate_private_key("RSA").public_key()
    chain = generate_dev_chain(key, host="127.0.0.1", now=datetime.now(UTC))
    return PemFetcher(chain.pem.encode("ascii"))


DEV = frozenset({"127.0.0.1", "localhost:8000"})


@pytest.mark.parametrize(
    "url",
    [
        "https://issuer.example/.well-known/x509-chain.pem",
        "http://127.0.0.1:8000/.well-known/x509-chain.pem",
        "http://127.0.0.1/.well-known/x509-chain.pem",
        "http://localhost:8000/.well-known/x509-chain.pem",
    ],
)
def test_https_or_http_to_a_dev_host_is_fetched(fetcher: PemFetcher, url: str) -> None:
    assert fetch_chain(url, fetcher, http_hosts=DEV)
    assert fetcher.asked[-1] == url


@pytest.mark.parametrize(
    ("url", "hosts"),
    [
        pytest.param("http://127.0.0.1:8000/chain.pem", frozenset(), id="no-dev-hosts"),
        pytest.param("http://issuer.example/chain.pem", DEV, id="host-not-listed"),
        pytest.param("http://localhost:9000/chain.pem", DEV, id="other-port-than-listed"),
        pytest.param("ftp://127.0.0.1/chain.pem", DEV, id="other-scheme"),
        pytest.param("http:///chain.pem", DEV, id="no-host"),
        pytest.param("http://127.0.0.1:99999/chain.pem", DEV, id="bad-port"),
    ],
)
def test_other_urls_are_refused_without_a_request(
    fetcher: PemFetcher, url: str, hosts: frozenset[str]
) -> None:
    before = len(fetcher.asked)
    with pytest.raises(X5uChainError, match="https"):
        fetch_chain(url, fetcher, http_hosts=hosts)
    assert len(fetcher.asked) == before


def test_dev_hosts_come_from_the_settings_in_dev_only(tmp_path: Path) -> None:
    dev = load_settings(data_dir=tmp_path, dev_allowed_hosts=["127.0.0.1", "localhost"])
    assert dev_http_hosts(dev) == {"127.0.0.1", "localhost"}
    production = dev.model_copy(update={"mode": "production"})
    assert production.is_production
    assert dev_http_hosts(production) == frozenset()


@dataclass
class DidFetcher:
    """Serves a DID document for ``did`` and records the URLs asked."""

    did: str
    asked: list[str] = field(default_factory=list)

    def fetch(self, url: str, *, accept: str, max_bytes: int) -> FetchedDocument:
        self.asked.append(url)
        body = json.dumps({"id": self.did}).encode()
        return FetchedDocument(200, "application/did+json", body, url=url)


@pytest.mark.parametrize(
    ("hosts", "scheme"),
    [
        pytest.param(frozenset({"127.0.0.1"}), "http", id="host-listed"),
        pytest.param(frozenset({"127.0.0.1:8000"}), "http", id="host-port-listed"),
        pytest.param(frozenset({"127.0.0.1:9000"}), "https", id="other-port-listed"),
        pytest.param(frozenset(), "https", id="none-listed"),
    ],
)
def test_did_web_of_a_dev_host_is_read_over_http(hosts: frozenset[str], scheme: str) -> None:
    did = "did:web:127.0.0.1%3A8000"
    fetcher = DidFetcher(did)
    resolve_did_web(did, fetcher, http_hosts=hosts)
    assert fetcher.asked == [f"{scheme}://127.0.0.1:8000/.well-known/did.json"]
