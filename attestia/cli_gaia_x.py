"""``attestia gaia-x``: the x5u chain, and a sandbox persona's Gaia-X participant presentation.

- ``attestia gaia-x chain``: print the PEM chain of the active issuer RSA key (in dev,
  generated once under the data dir; in production, the operator's, checked against the key).
- ``attestia gaia-x participant --persona NAME [--flavour loire|tagus]``: print the
  persona's company presentation (Loire VP-JWT, or Tagus JSON), recorded in the register;
  development with the sandbox only, like ``attestia offer create``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer

gaia_x_app = typer.Typer(help="Gaia-X participant credentials.", no_args_is_help=True)


@gaia_x_app.command("chain")
def chain_command() -> None:
    """Print the x5u PEM chain of the active issuer RSA key."""
    from attestia.cli import _services, _settings
    from attestia.gaia_x_wiring import GaiaXChains
    from issuer.gaia_x import CertificateChainError

    services = _services(_settings())
    try:
        chain = GaiaXChains(services.settings, services.keys).current()
    except CertificateChainError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(1) from None
    typer.echo(chain.pem, nl=False)


@gaia_x_app.command("participant")
def participant_command(
    persona: Annotated[str, typer.Option(help="A sandbox persona, e.g. presidente-sas.")],
    flavour: Annotated[str, typer.Option(help="loire (VP-JWT) or tagus (JSON-LD).")] = "loire",
) -> None:
    """Print the persona's company Gaia-X presentation (dev sandbox only)."""
    import asyncio

    from attestia.cli import _services, _settings
    from attestia.cli_offer import identity_for
    from attestia.gaia_x_wiring import (
        active_rsa_signer,
        issuer_config,
        participant_bundle,
        record_bundle,
    )
    from attestia.issuer_wiring import issuer_services
    from attestia.sandbox.personas import load_personas
    from issuer.company.offline import OfflineRegistry
    from issuer.eligibility import evaluate
    from issuer.gaia_x import GaiaXError, LoireBundle

    if flavour not in ("loire", "tagus"):
        typer.echo("error: --flavour is loire or tagus", err=True)
        raise typer.Exit(2)
    settings = _settings()
    if settings.is_production or not settings.sandbox_enabled:
        typer.echo("error: gaia-x participant is for development with the sandbox", err=True)
        raise typer.Exit(2)
    try:
        found = load_personas().get(persona)
    except KeyError:
        typer.echo(f"error: unknown persona {persona!r}", err=True)
        raise typer.Exit(1) from None
    identity, _userinfo, _acr = identity_for(found, None)  # the login the persona would make
    now = datetime.now(UTC)
    report = asyncio.run(evaluate(identity, OfflineRegistry(clock=lambda: now), now=now))
    decision = report["gaia_x_participant"]
    services = _services(settings)
    issuer = issuer_services(services)
    signer = active_rsa_signer(services.keys)
    config = issuer_config(settings, services.did)
    try:
        bundle = participant_bundle(
            decision,
            "loire" if flavour == "loire" else "tagus",
            signer=signer,
            config=config,
            registry=issuer.context_registry,
            now=now,
        )
    except GaiaXError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    assert decision.legal_unit is not None
    with issuer.sessions.begin() as session:
        record_bundle(
            session,
            bundle,
            allocator=issuer.allocator,
            siren=decision.legal_unit.siren,
            siret=identity.siret,
            person_sub=identity.sub,
            signing_kid=signer.kid,
            now=now,
            valid_until=now.replace(microsecond=0) + config.validity,
        )
    if isinstance(bundle, LoireBundle):
        typer.echo(bundle.vp_jwt)
    else:
        typer.echo(json.dumps(bundle.presentation, indent=2, ensure_ascii=False))
