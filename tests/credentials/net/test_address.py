"""Which addresses the fetcher refuses (trust-and-security §3.5)."""

from __future__ import annotations

import ipaddress

import pytest

from credentials.net.address import is_public_address, parse_ip

REFUSED = [
    "127.0.0.1",
    "127.8.9.10",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.0.1",
    "169.254.169.254",
    "169.254.0.1",
    "100.64.0.1",
    "100.127.255.254",
    "0.0.0.0",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "192.0.2.1",
    "198.18.0.1",
    "::1",
    "::",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "2002:7f00:1::",
    "2002:a00:1::",
    "64:ff9b::7f00:1",
    "64:ff9b::a9fe:a9fe",
    "::7f00:1",
    "2001:db8::1",
    "fe80::1%eth0",
]
ALLOWED = ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"]


@pytest.mark.parametrize("text", REFUSED)
def test_refused(text: str) -> None:
    address = parse_ip(text)
    assert address is not None
    assert not is_public_address(address)


@pytest.mark.parametrize("text", ALLOWED)
def test_allowed(text: str) -> None:
    assert is_public_address(ipaddress.ip_address(text))


@pytest.mark.parametrize("text", ["example.com", "[::1]", "127.1", "0x7f000001", ""])
def test_not_ip_literals(text: str) -> None:
    assert parse_ip(text) is None
