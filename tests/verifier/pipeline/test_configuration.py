"""Deployment settings wired into the verifier: x5c anchors, API keys, trust source, and
the caches in front of the trust registry and of decoded status lists."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from attestia.cli_verify import deployment_trust
from attestia.settings import SettingsError, load_settings
from credentials.keys import SoftwareSigner
from credentials.sd_jwt import SD
from credentials.sd_jwt_vc import build_payload, issue_sd_jwt_vc
from credentials.status_list import bitstring
from credentials.status_list.bits import StatusBits
from tests.verifier.pipeline.world import MANDATE_CLAIMS, VCT_MANDATE, World
from trust_registry.trust_checker import TrustDecision
from verifier.pipeline import VerificationPipeline, VerifyOptions
from verifier.services import (
    VerifierConfigError,
    build_verifier_services,
    config_from_settings,
    load_x5c_anchors,
)
from verifier.trust import CachedTrustChecker, TrustedListChecker

X5C_ISSUER = "https://x5c-issuer.example"


def _ca(name: str, now: datetime) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=30))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _leaf(
    ca_key: ec.EllipticCurvePrivateKey,
    ca: x509.Certificate,
    public: ec.EllipticCurvePublicKey,
    now: datetime,
) -> x509.Certificate:
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "x5c issuer")]))
        .issuer_name(ca.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=90))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("x5c-issuer.example")]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )


def _pem(*certs: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


@pytest.fixture
def x5c_credential(world: World) -> tuple[str, x509.Certificate]:
    """An SD-JWT VC whose key comes from an ``x5c`` leaf, and the CA that issued it."""
    ca_key, ca = _ca("Test issuer CA", world.now)
    signer_key = ec.generate_private_key(ec.SECP256R1())
    leaf = _leaf(ca_key, ca, signer_key.public_key(), world.now)
    payload = build_payload(
        vct=VCT_MANDATE,
        iss=X5C_ISSUER,
        iat=int((world.now - timedelta(hours=1)).timestamp()),
        exp=int((world.now + timedelta(days=30)).timestamp()),
        claims={k: SD(v) for k, v in MANDATE_CLAIMS.items()},
    )
    x5c = [base64.b64encode(leaf.public_bytes(serialization.Encoding.DER)).decode()]
    token = issue_sd_jwt_vc(
        payload, SoftwareSigner(signer_key, "x5c"), header={"x5c": x5c}, include_kid=False
    )
    world.trust.grants[X5C_ISSUER] = {
        VCT_MANDATE: [(world.now - timedelta(days=9), None, "granted")]
    }
    return token.compact, ca


def _services_pipeline(world: World, tmp_path: Path, anchors_pem: bytes) -> VerificationPipeline:
    anchors = tmp_path / "anchors.pem"
    anchors.write_bytes(anchors_pem)
    settings = load_settings(data_dir=tmp_path, verifier_x5c_anchors_file=anchors)
    services = build_verifier_services(
        **config_from_settings(settings),
        fetcher=world.fetcher,
        trust=world.trust,
        clock=world.clock,
    )
    return services.pipeline


def test_x5c_chain_to_the_configured_anchor_verifies(
    world: World, tmp_path: Path, x5c_credential: tuple[str, x509.Certificate]
) -> None:
    token, ca = x5c_credential
    _, other = _ca("Another CA", world.now)
    pipeline = _services_pipeline(world, tmp_path, _pem(other, ca))
    report = pipeline.verify_credential(token)
    assert report.verified, report.problems
    assert report.credentials[0].issuer == X5C_ISSUER


def test_x5c_chain_to_another_anchor_fails(
    world: World, tmp_path: Path, x5c_credential: tuple[str, x509.Certificate]
) -> None:
    token, _ca_cert = x5c_credential
    _, other = _ca("Another CA", world.now)
    pipeline = _services_pipeline(world, tmp_path, _pem(other))
    report = pipeline.verify_credential(token)
    assert {c.code for c in report.failed} == {"signature"}
    assert "trust anchor" in report.failed[0].detail


def test_x5c_anchor_file_must_be_pem(tmp_path: Path) -> None:
    bad = tmp_path / "anchors.pem"
    bad.write_text("not a certificate")
    with pytest.raises(VerifierConfigError, match="PEM"):
        load_x5c_anchors(bad)
    with pytest.raises(VerifierConfigError, match="cannot read"):
        load_x5c_anchors(tmp_path / "missing.pem")


def test_api_keys_from_settings_and_file(tmp_path: Path) -> None:
    first = hashlib.sha256(b"key-one").hexdigest()
    second = hashlib.sha256(b"key-two").hexdigest()
    keys_file = tmp_path / "keys.json"
    keys_file.write_text(json.dumps({"two": second}))
    settings = load_settings(
        data_dir=tmp_path,
        verifier_api_keys={"one": first.upper()},
        verifier_api_keys_file=keys_file,
    )
    arguments = config_from_settings(settings)
    assert arguments["api_keys"] == {"one": first}
    services = build_verifier_services(**arguments, fetcher=World().fetcher, trust=None)
    assert services.api_keys.connector("key-one") == "one"
    assert services.api_keys.connector("key-two") == "two"
    assert services.api_keys.connector("key-three") is None


def test_api_keys_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    digest = hashlib.sha256(b"k").hexdigest()
    monkeypatch.setenv("ATTESTIA_VERIFIER_API_KEYS", json.dumps({"connector-a": digest}))
    assert load_settings(data_dir=tmp_path).verifier_api_keys == {"connector-a": digest}


def test_api_key_setting_must_be_a_digest(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="ATTESTIA_VERIFIER_API_KEYS"):
        load_settings(data_dir=tmp_path, verifier_api_keys={"a": "secret-key-in-clear"})


def test_trusted_list_needs_its_anchor(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="VERIFIER_TRUSTED_LIST_ANCHOR"):
        load_settings(data_dir=tmp_path, verifier_trusted_list_url="https://tl.example/list")


def test_trust_source_is_the_trusted_list_when_configured(tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    anchor = tmp_path / "anchor.pem"
    anchor.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    settings = load_settings(
        data_dir=tmp_path,
        verifier_trusted_list_url=str(tmp_path / "list.jwt"),
        verifier_trusted_list_anchor=anchor,
    )

    def no_database() -> object:
        raise AssertionError("the local registry must not be used")

    trust = deployment_trust(settings, no_database)  # type: ignore[arg-type]
    assert isinstance(trust, TrustedListChecker)
    now = datetime.now(UTC)
    decision = trust.is_authorized("did:web:x", "T", now, now)
    assert not decision.authorized
    assert "unusable" in decision.reason


def test_trust_source_defaults_to_the_cached_local_registry(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    trust = deployment_trust(settings, lambda: None)  # type: ignore[arg-type, return-value]
    assert isinstance(trust, CachedTrustChecker)


class CountingTrust:
    def __init__(self) -> None:
        self.calls = 0
        self.authorized = True

    def is_authorized(
        self, issuer_id: str, credential_type: str, issued_at: datetime, now: datetime
    ) -> TrustDecision:
        self.calls += 1
        return TrustDecision(self.authorized, "answer")


class FakeMonotonic:
    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


def test_trust_decisions_are_cached_within_the_ttl(world: World) -> None:
    inner, clock = CountingTrust(), FakeMonotonic()
    cached = CachedTrustChecker(inner, ttl=30, monotonic=clock)
    issued = world.now - timedelta(days=1)
    assert cached.is_authorized("did:web:a", "T", issued, world.now).authorized
    inner.authorized = False
    clock.value += 29
    assert cached.is_authorized("did:web:a", "T", issued, world.now).authorized
    assert inner.calls == 1
    clock.value += 2
    assert not cached.is_authorized("did:web:a", "T", issued, world.now).authorized
    assert inner.calls == 2


def test_trust_cache_keys_issuer_type_issuance_and_evaluation_time(world: World) -> None:
    inner = CountingTrust()
    cached = CachedTrustChecker(inner, ttl=30, monotonic=FakeMonotonic())
    issued = world.now - timedelta(days=1)
    cached.is_authorized("did:web:a", "T", issued, world.now)
    cached.is_authorized("did:web:b", "T", issued, world.now)
    cached.is_authorized("did:web:a", "U", issued, world.now)
    cached.is_authorized("did:web:a", "T", issued + timedelta(seconds=1), world.now)
    cached.is_authorized("did:web:a", "T", issued, world.now - timedelta(days=100))
    assert inner.calls == 5
    cached.is_authorized("did:web:a", "T", issued, world.now)
    assert inner.calls == 5


def test_trust_cache_can_be_turned_off(world: World) -> None:
    inner = CountingTrust()
    cached = CachedTrustChecker(inner, ttl=0)
    for _ in range(3):
        cached.is_authorized("did:web:a", "T", world.now, world.now)
    assert inner.calls == 3


def test_pipeline_asks_the_registry_once_per_ttl(world: World) -> None:
    inner = CountingTrust()
    pipeline = world.pipeline(trust=CachedTrustChecker(inner, ttl=30))
    token = world.sd_jwt()
    for _ in range(3):
        assert pipeline.verify_credential(token).verified
    assert inner.calls == 1


def test_bitstring_list_is_decoded_once_per_fetch(
    world: World, pipeline: VerificationPipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    from verifier.pipeline import status as status_module

    calls: list[int] = []
    real = bitstring.decode_list

    def counting(encoded: object, width: int = 1, **kwargs: int) -> StatusBits:
        calls.append(width)
        return real(encoded, width, **kwargs)

    monkeypatch.setattr(status_module, "decode_list", counting)
    monkeypatch.setattr(bitstring, "decode_list", counting)
    for idx in (1, 2, 3):
        credential = world.vcdm_credential(status_idx=idx)
        assert pipeline.verify_credential(world.vc_jwt(credential)).verified
    revoked = world.vcdm_credential(status_idx=7)
    report = pipeline.verify_credential(world.vc_jwt(revoked), VerifyOptions())
    assert {c.code for c in report.failed} == {"status"}
    assert calls == [1]
    pipeline.status.clear()
    assert pipeline.verify_credential(world.vc_jwt(world.vcdm_credential())).verified
    assert calls == [1, 1]
