"""An SSRF-guarded HTTP GET on httpx (trust-and-security §3.5; OWASP ASVS 5.0 1.3.6).

For each hop of a request:

1. the URL must be ``https`` (``http`` only for a host in the dev allow-list), without
   userinfo, on an allowed port;
2. the host is resolved here (the resolver is injected) and *every* address must be public
   (:func:`credentials.net.address.is_public_address`), unless the exact host is in the dev
   allow-list;
3. the connection goes to that checked address: the URL's host is replaced by the IP, the
   ``Host`` header and TLS SNI (httpcore's ``sni_hostname`` extension, also used for
   certificate name checks) keep the original name, so a DNS answer that changes between the
   check and the connect (rebinding) cannot move the request;
4. redirects are followed by hand (at most ``max_redirects``) and each target goes through
   1–3 again.

Bodies are streamed and capped (after ``Content-Encoding: gzip`` decoding, itself bounded);
each phase has a timeout and the whole call a deadline; no cookies are kept, no proxy or
``.netrc`` is read from the environment, and connections are never reused across hosts.
"""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import SplitResult, urljoin, urlsplit

import certifi
import httpx

from credentials.errors import CredentialError
from credentials.net.address import IPAddress, is_public_address, parse_ip
from credentials.net.decompress import inflate
from credentials.net.fetcher import (
    FetchedDocument,
    FetchError,
    ForbiddenDestinationError,
    ResponseTooLargeError,
)

#: Maps (host, port) to the IP addresses (as text) the name resolves to.
Resolver = Callable[[str, int], Sequence[str]]

REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})
_DEFAULT_PORTS: Final = {"https": 443, "http": 80}


def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the operating system (``getaddrinfo``), TCP addresses only."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {host!r}: {exc}") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """What the fetcher may reach; ``dev_hosts`` lists ``host`` or ``host:port`` exactly."""

    dev_hosts: frozenset[str] = frozenset()
    allowed_ports: frozenset[int] | None = None
    max_redirects: int = 3
    timeout: float = 5.0
    deadline: float = 15.0
    user_agent: str = "attestia-fetcher/1"
    extra_headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Target:
    url: str
    scheme: str
    host: str
    port: int
    address: IPAddress

    def pinned_url(self, parts: SplitResult) -> str:
        ip = f"[{self.address}]" if self.address.version == 6 else str(self.address)
        path = parts.path or "/"
        query = f"?{parts.query}" if parts.query else ""
        return f"{self.scheme}://{ip}:{self.port}{path}{query}"

    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        if self.port == _DEFAULT_PORTS[self.scheme]:
            return host
        return f"{host}:{self.port}"


class SafeFetcher:
    """:class:`~credentials.net.fetcher.Fetcher` with the SSRF rules of the module docstring.

    ``transport_factory`` builds the httpx transport for one hop (tests pass a
    ``httpx.MockTransport``); ``monotonic`` is the clock for the per-call deadline.
    """

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        resolver: Resolver = system_resolver,
        transport_factory: Callable[[], httpx.BaseTransport] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._policy = policy or FetchPolicy()
        self._resolver = resolver
        self._transport_factory = transport_factory or self._default_transport
        self._monotonic = monotonic
        self._ssl_context: ssl.SSLContext | None = None

    def _default_transport(self) -> httpx.BaseTransport:
        if self._ssl_context is None:
            self._ssl_context = ssl.create_default_context(cafile=certifi.where())
        return httpx.HTTPTransport(
            verify=self._ssl_context,
            trust_env=False,
            retries=0,
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=0),
        )

    def _is_dev(self, host: str, port: int) -> bool:
        dev = self._policy.dev_hosts
        return host in dev or f"{host}:{port}" in dev

    def check_url(self, url: str) -> _Target:
        """Validate ``url`` and pick the checked address to connect to (steps 1–2)."""
        if not isinstance(url, str) or len(url) > 4096:
            raise ForbiddenDestinationError("URL must be a string of reasonable length")
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise ForbiddenDestinationError(f"invalid URL: {exc}") from None
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").rstrip(".")
        if not host:
            raise ForbiddenDestinationError("URL has no host")
        if parts.username is not None or parts.password is not None:
            raise ForbiddenDestinationError("URL must not carry credentials")
        if scheme not in _DEFAULT_PORTS:
            raise ForbiddenDestinationError(f"scheme {scheme!r} is not fetched")
        port = port if port is not None else _DEFAULT_PORTS[scheme]
        dev = self._is_dev(host, port)
        if scheme == "http" and not dev:
            raise ForbiddenDestinationError(f"plain http is refused for {host!r}")
        allowed = self._policy.allowed_ports
        if allowed is not None and port not in allowed and not dev:
            raise ForbiddenDestinationError(f"port {port} is not allowed")
        literal = parse_ip(host)
        if literal is not None:
            addresses = [literal]
        else:
            try:
                ascii_host = host.encode("idna").decode("ascii")
            except UnicodeError:
                raise ForbiddenDestinationError(f"invalid host name {host!r}") from None
            answers = self._resolver(ascii_host, port)
            parsed = [parse_ip(str(answer).split("%", 1)[0]) for answer in answers]
            addresses = [address for address in parsed if address is not None]
            if not addresses or len(addresses) != len(parsed):
                raise FetchError(f"{host!r} did not resolve to usable addresses")
        if not dev:
            refused = [str(a) for a in addresses if not is_public_address(a)]
            if refused:
                raise ForbiddenDestinationError(
                    f"{host!r} resolves to non-public address(es) {', '.join(refused)}"
                )
        return _Target(url=url, scheme=scheme, host=host, port=port, address=addresses[0])

    def fetch(self, url: str, *, accept: str, max_bytes: int) -> FetchedDocument:
        deadline = self._monotonic() + self._policy.deadline
        current = url
        for _ in range(self._policy.max_redirects + 1):
            target = self.check_url(current)
            outcome = self._one_hop(target, accept=accept, max_bytes=max_bytes, deadline=deadline)
            if isinstance(outcome, FetchedDocument):
                return outcome
            current = urljoin(current, outcome)
        raise FetchError(f"more than {self._policy.max_redirects} redirects from {url!r}")

    def _one_hop(
        self, target: _Target, *, accept: str, max_bytes: int, deadline: float
    ) -> FetchedDocument | str:
        """One GET to the pinned address; a redirect returns its ``Location``."""
        parts = urlsplit(target.url)
        headers = {
            **self._policy.extra_headers,
            "Host": target.host_header(),
            "Accept": accept,
            "Accept-Encoding": "gzip, identity",
            "User-Agent": self._policy.user_agent,
        }
        remaining = max(deadline - self._monotonic(), 0.001)
        timeout = min(self._policy.timeout, remaining)
        extensions: dict[str, object] = {
            "timeout": {"connect": timeout, "read": timeout, "write": timeout, "pool": timeout}
        }
        if target.scheme == "https":
            extensions["sni_hostname"] = target.host
        request = httpx.Request(
            "GET", target.pinned_url(parts), headers=headers, extensions=extensions
        )
        try:
            with httpx.Client(
                transport=self._transport_factory(), trust_env=False, follow_redirects=False
            ) as client:
                response = client.send(request, stream=True)
                try:
                    return self._read(response, target, max_bytes=max_bytes, deadline=deadline)
                finally:
                    response.close()
        except CredentialError:
            raise
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, OSError) as exc:
            raise FetchError(f"GET {target.url} failed: {type(exc).__name__}") from None

    def _read(
        self, response: httpx.Response, target: _Target, *, max_bytes: int, deadline: float
    ) -> FetchedDocument | str:
        if response.status_code in REDIRECT_STATUSES:
            location = response.headers.get("location")
            if not isinstance(location, str) or not location:
                raise FetchError(f"redirect from {target.url} without a Location")
            return location
        declared = response.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            raise ResponseTooLargeError(f"{target.url} declares {declared} bytes")
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("identity", "gzip", ""):
            raise FetchError(f"unsupported Content-Encoding {encoding!r}")
        body = bytearray()
        for chunk in response.iter_raw():
            body += chunk
            if len(body) > max_bytes:
                raise ResponseTooLargeError(f"{target.url} sent more than {max_bytes} bytes")
            if self._monotonic() > deadline:
                raise FetchError(f"GET {target.url} exceeded its deadline")
        data = bytes(body)
        if encoding == "gzip":
            try:
                data = inflate(data, container="gzip", max_output=max_bytes)
            except CredentialError as exc:
                if exc.code == "decompression_limit":
                    raise ResponseTooLargeError(f"{target.url}: {exc.detail}") from None
                raise FetchError(f"{target.url}: bad gzip body") from None
        return FetchedDocument(
            status=response.status_code,
            content_type=response.headers.get("content-type"),
            body=data,
            headers={name.lower(): value for name, value in response.headers.items()},
            url=target.url,
        )
