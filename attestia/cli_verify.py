"""``attestia verify``: the verification pipeline from the command line, and the
composition of the verifier's services that the web application shares.

The CLI verifies any credential or presentation (a JSON-LD object, a compact ``vc+jwt`` /
``vp+jwt``, an SD-JWT) read from a file or standard input, prints the report as JSON and
exits 0 when verified, 1 when not, 2 on a usage or configuration error. Trust is checked
by default, against the deployment's trust source (:func:`deployment_trust`: the signed
trusted list of ``ATTESTIA_VERIFIER_TRUSTED_LIST_URL`` when set, else this deployment's
registry database), or against the signed trusted list given on the command line
(``--trusted-list URL|PATH --anchor KEYFILE``); ``--no-trust-check`` turns it off.
did:web documents and status lists are fetched through the SSRF-safe fetcher (the dev
allow-list of the settings applies in dev mode only).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from attestia.settings import Settings
from credentials.errors import CredentialError
from credentials.keys import PublicKey, public_key_from_jwk
from credentials.net import FetchPolicy, SafeFetcher
from credentials.net.fetcher import Fetcher
from verifier.pipeline import VerifyOptions
from verifier.policies import PolicyError
from verifier.services import (
    VerifierConfigError,
    VerifierServices,
    build_verifier_services,
    config_from_settings,
)
from verifier.trust import TrustChecker, TrustedListChecker, local_trust_checker

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def safe_fetcher(settings: Settings) -> SafeFetcher:
    """The outbound fetcher: SSRF-guarded; dev hosts only outside production."""
    hosts = frozenset() if settings.is_production else frozenset(settings.dev_allowed_hosts)
    return SafeFetcher(FetchPolicy(dev_hosts=hosts))


def attestia_contexts() -> dict[str, bytes]:
    """The issuer's JSON-LD vocabulary, which the verifier must not import itself."""
    from issuer.catalogue.vocabulary import ATTESTIA_V1, context_bytes

    return {ATTESTIA_V1: context_bytes()}


def verifier_services_for(
    settings: Settings,
    *,
    trust: TrustChecker | None,
    fetcher: Fetcher | None = None,
    clock: Callable[[], datetime] | None = None,
) -> VerifierServices:
    """The verifier's services for this deployment (used by the app and by the CLI)."""
    arguments: dict[str, Any] = config_from_settings(settings)
    if clock is not None:
        arguments["clock"] = clock
    from attestia.gaia_x_wiring import install_gaia_x_verifier

    outbound = fetcher or safe_fetcher(settings)
    services = build_verifier_services(
        **arguments,
        fetcher=outbound,
        trust=trust,
        extra_contexts=attestia_contexts(),
    )
    install_gaia_x_verifier(services, settings, outbound)
    return services


def load_anchor(path: Path) -> PublicKey:
    """A trusted list's signing key from a JWK (JSON) or PEM public key file."""
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    raw = path.read_bytes()
    if raw.lstrip().startswith(b"{"):
        return public_key_from_jwk(json.loads(raw))
    return load_pem_public_key(raw)  # type: ignore[return-value]


def trusted_list_checker(source: str, anchor: Path, fetcher: Fetcher) -> TrustedListChecker:
    """The checker over a signed trusted list; :class:`VerifierConfigError` if the anchor
    cannot be read."""
    try:
        key = load_anchor(anchor)
    except (OSError, ValueError, TypeError, CredentialError) as exc:
        raise VerifierConfigError(
            f"{anchor}: cannot read the trusted list anchor ({exc})"
        ) from None
    return TrustedListChecker(source, key, fetcher=fetcher)


def deployment_trust(
    settings: Settings, sessions: Callable[[], Session], *, fetcher: Fetcher | None = None
) -> TrustChecker:
    """The verifier's trust source: the configured signed trusted list
    (``verifier_trusted_list_url`` + ``verifier_trusted_list_anchor``), else the local
    registry behind a short decision cache (:class:`verifier.trust.CachedTrustChecker`)."""
    source, anchor = settings.verifier_trusted_list_url, settings.verifier_trusted_list_anchor
    if source is not None and anchor is not None:
        return trusted_list_checker(source, anchor, fetcher or safe_fetcher(settings))
    return local_trust_checker(sessions)


def _configured_trust(settings: Settings, fetcher: Fetcher) -> TrustChecker:
    """:func:`deployment_trust` for the CLI, checking the registry database is usable."""
    from attestia import db

    source, anchor = settings.verifier_trusted_list_url, settings.verifier_trusted_list_anchor
    if source is not None and anchor is not None:
        try:
            return trusted_list_checker(source, anchor, fetcher)
        except (VerifierConfigError, ValueError) as exc:
            raise typer.BadParameter(f"ATTESTIA_VERIFIER_TRUSTED_LIST_ANCHOR: {exc}") from None
    engine = db.make_engine(settings.resolved_database_url)
    try:
        ready = db.is_up_to_date(engine)
    except Exception:  # noqa: BLE001 - any database failure means "no local registry"
        ready = False
    if not ready:
        engine.dispose()
        raise typer.BadParameter(
            "the local trust registry database is not available (run `attestia db upgrade`, "
            "or pass --trusted-list URL|PATH --anchor KEYFILE, or set "
            "ATTESTIA_VERIFIER_TRUSTED_LIST_URL and _ANCHOR, or --no-trust-check)"
        )
    return local_trust_checker(db.make_session_factory(engine))


def _read_input(source: str) -> object:
    text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            return json.loads(stripped)
        except ValueError:
            return stripped
    return stripped


def _parse_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise typer.BadParameter(f"--at {value!r} is not an ISO 8601 date and time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def verify_command(
    source: Annotated[
        str, typer.Argument(metavar="PATH|-", help="File to verify, or - for stdin.")
    ],
    nonce: Annotated[str | None, typer.Option(help="Expected KB-JWT / VP nonce.")] = None,
    challenge: Annotated[
        str | None, typer.Option(help="Expected proof challenge (= nonce).")
    ] = None,
    aud: Annotated[
        str | None, typer.Option("--aud", "--domain", help="Expected audience / proof domain.")
    ] = None,
    at: Annotated[str | None, typer.Option(help="Verify as of this ISO 8601 time.")] = None,
    policy: Annotated[str | None, typer.Option(help="A named policy id.")] = None,
    no_trust_check: Annotated[
        bool, typer.Option("--no-trust-check", help="Do not ask the trust registry.")
    ] = False,
    trusted_list: Annotated[
        str | None, typer.Option(help="Signed trusted list (https URL or file) to trust.")
    ] = None,
    anchor: Annotated[
        Path | None, typer.Option(help="Public key (PEM or JWK) that signs the trusted list.")
    ] = None,
) -> None:
    """Verify a credential or presentation in any format; print the report as JSON."""
    from attestia.cli import _settings

    if nonce is not None and challenge is not None and nonce != challenge:
        raise typer.BadParameter("--nonce and --challenge name the same value; they differ")
    settings = _settings()
    fetcher = safe_fetcher(settings)
    trust: TrustChecker | None = None
    if not no_trust_check:
        if trusted_list is not None:
            if anchor is None:
                raise typer.BadParameter("--trusted-list needs --anchor KEYFILE")
            try:
                trust = trusted_list_checker(trusted_list, anchor, fetcher)
            except (VerifierConfigError, ValueError) as exc:
                raise typer.BadParameter(f"--anchor: {exc}") from None
        else:
            trust = _configured_trust(settings, fetcher)
    try:
        value = _read_input(source)
    except OSError as exc:
        raise typer.BadParameter(f"cannot read {source}: {exc}") from None
    try:
        services = verifier_services_for(settings, trust=trust, fetcher=fetcher)
    except VerifierConfigError as exc:
        raise typer.BadParameter(str(exc)) from None
    options = VerifyOptions(
        challenge=nonce if nonce is not None else challenge,
        domain=aud,
        policy=policy,
        at=_parse_time(at),
        check_trust=not no_trust_check,
    )
    try:
        services.pipeline.resolve_policy(policy)
    except PolicyError as exc:
        raise typer.BadParameter(str(exc)) from None
    report = services.pipeline.verify(value, options)
    typer.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False, default=str))
    raise typer.Exit(0 if report.verified else 1)
