"""``attestia verify``: every format through the CLI (exit 0 / 1 / 2), trust on by default
against the local registry database or a signed trusted list, all offline (the
SSRF-safe fetcher is swapped for the test world's fake)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from typer.testing import CliRunner

from attestia import cli_verify, db
from attestia.cli import app
from credentials.keys import SoftwareSigner
from tests.verifier.pipeline.world import (
    ISSUER,
    NONCE,
    NOW,
    REVOKED_IDX,
    VCT_MANDATE,
    VERIFIER,
    World,
)
from trust_registry import registry
from trust_registry.trusted_list import sign_trusted_list

runner = CliRunner()
AT = ["--at", NOW.isoformat()]


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> World:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ATTESTIA_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("ATTESTIA_BASE_URL", "https://attestia.example")
    world = World()
    monkeypatch.setattr(cli_verify, "safe_fetcher", lambda _settings: world.fetcher)
    return world


def _write(tmp_path: Path, value: Any) -> str:
    path = tmp_path / "input.txt"
    path.write_text(value if isinstance(value, str) else json.dumps(value), encoding="utf-8")
    return str(path)


def _run(*args: str, stdin: str | None = None) -> tuple[int, dict[str, Any] | None, str]:
    result = runner.invoke(app, ["verify", *args], input=stdin)
    try:
        report = json.loads(result.stdout)
    except ValueError:
        report = None
    return result.exit_code, report, result.output


def test_every_format_verifies(world: World, tmp_path: Path) -> None:
    cases: list[tuple[Any, list[str]]] = [
        (world.sd_jwt(), []),
        (world.sd_jwt_presentation(), ["--nonce", NONCE, "--aud", VERIFIER]),
        (world.vc_jwt(), []),
        (world.vp_jwt(), ["--nonce", NONCE, "--aud", VERIFIER]),
        (world.ldp_vc(), []),
        (world.ldp_vp(), ["--challenge", NONCE, "--domain", VERIFIER]),
        (world.gaia_x_vp(), ["--policy", "gaia-x-participant"]),
    ]
    for value, extra in cases:
        code, report, output = _run(_write(tmp_path, value), *AT, "--no-trust-check", *extra)
        assert code == 0, output
        assert report is not None
        assert report["verified"] is True
        assert report["trust_checked"] is False


def test_stdin_and_exit_1_when_not_verified(world: World) -> None:
    code, report, _ = _run("-", *AT, "--no-trust-check", stdin=world.sd_jwt(status_idx=REVOKED_IDX))
    assert code == 1
    assert report is not None
    assert [c["code"] for c in report["checks"] if not c["passed"]] == ["status"]


def test_wrong_nonce_exits_1(world: World, tmp_path: Path) -> None:
    path = _write(tmp_path, world.sd_jwt_presentation())
    code, _, _ = _run(path, *AT, "--no-trust-check", "--nonce", "other", "--aud", VERIFIER)
    assert code == 1


@pytest.mark.parametrize(
    "args",
    [
        ["--at", "yesterday"],
        ["--policy", "no-such-policy"],
        ["--nonce", "a", "--challenge", "b"],
        ["--trusted-list", "list.jwt"],
    ],
    ids=["bad-time", "unknown-policy", "nonce-vs-challenge", "list-without-anchor"],
)
def test_usage_errors_exit_2(world: World, tmp_path: Path, args: list[str]) -> None:
    extra = [] if "--trusted-list" in args else ["--no-trust-check"]
    code, _, _ = _run(_write(tmp_path, world.vc_jwt()), *extra, *args)
    assert code == 2


def test_missing_file_exits_2(world: World) -> None:
    assert _run("no-such-file.json", "--no-trust-check")[0] == 2


def test_trust_is_checked_by_default_and_needs_a_registry(world: World, tmp_path: Path) -> None:
    code, _, output = _run(_write(tmp_path, world.vc_jwt()), *AT)
    assert code == 2
    assert "trust registry" in output


def _registry(tmp_path: Path) -> Any:
    url = f"sqlite:///{tmp_path / 'var' / 'attestia.db'}"
    (tmp_path / "var").mkdir(exist_ok=True)
    db.upgrade(url)
    engine = db.make_engine(url)
    return engine, db.make_session_factory(engine)


def _register(sessions: Any) -> None:
    start = NOW - timedelta(days=400)
    with sessions() as session:
        registry.create_entity(
            session, did=ISSUER, legal_name="Issuer", siren=None, actor="test", now=start
        )
        for kind, value in (("vct", VCT_MANDATE), ("vc_type", "LegalRepresentativeCredential")):
            registry.add_type(
                session, did=ISSUER, kind=kind, type_value=value, actor="test", now=start
            )
        session.commit()


def test_local_registry_trust(world: World, tmp_path: Path) -> None:
    engine, sessions = _registry(tmp_path)
    unknown = _run(_write(tmp_path, world.vc_jwt()), *AT)
    assert unknown[0] == 1
    assert unknown[1] is not None
    assert "not in the trust registry" in " ".join(unknown[1]["problems"])
    _register(sessions)
    for value in (world.vc_jwt(), world.sd_jwt()):
        code, report, output = _run(_write(tmp_path, value), *AT)
        assert code == 0, output
        assert report is not None
        assert report["trust"]["did"] == ISSUER
    with sessions() as session:
        registry.cancel_entity(
            session, did=ISSUER, actor="test", reason="test", now=NOW - timedelta(hours=1)
        )
        session.commit()
    code, report, _ = _run(_write(tmp_path, world.sd_jwt()), *AT)
    assert code == 1
    assert report is not None
    assert "cancelled" in " ".join(report["problems"])
    engine.dispose()


def test_signed_trusted_list(world: World, tmp_path: Path) -> None:
    engine, sessions = _registry(tmp_path)
    _register(sessions)
    signer = SoftwareSigner(ec.generate_private_key(ec.SECP256R1()), "did:web:registry.example#k")
    with sessions() as session:
        token = sign_trusted_list(
            session, signer=signer, registry_did="did:web:registry.example", now=NOW
        )
    engine.dispose()
    (tmp_path / "list.jwt").write_text(token)
    anchor = tmp_path / "anchor.pem"
    anchor.write_bytes(
        signer.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    )
    path = _write(tmp_path, world.vc_jwt())
    listed = ["--trusted-list", str(tmp_path / "list.jwt"), "--anchor", str(anchor)]
    code, report, output = _run(path, *AT, *listed)
    assert code == 0, output
    other = tmp_path / "other.pem"
    other.write_bytes(
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    )
    code, report, _ = _run(
        path, *AT, "--trusted-list", str(tmp_path / "list.jwt"), "--anchor", str(other)
    )
    assert code == 1
    assert report is not None
    assert "trusted list is unusable" in " ".join(report["problems"])
