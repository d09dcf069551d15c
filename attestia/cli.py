"""The ``attestia`` command: serve, database, keys, DID documents.

Every command reads the same settings as the server (environment, ``.env``); a bad setting
exits with status 2 and a message naming it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from attestia.cli_offer import offer_app
from attestia.cli_registry import registry_app
from attestia.settings import Settings, SettingsError, load_settings
from credentials.errors import KeyStoreError

app = typer.Typer(help="Attestia: ProConnect to verifiable credentials.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)
keys_app = typer.Typer(help="Signing keys: list and rotate.", no_args_is_help=True)
did_app = typer.Typer(help="The deployment's DID documents.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(keys_app, name="keys")
app.add_typer(did_app, name="did")
app.add_typer(registry_app, name="registry")
app.add_typer(offer_app, name="offer")


def _settings(**overrides: object) -> Settings:
    try:
        return load_settings({k: v for k, v in overrides.items() if v is not None})
    except SettingsError as exc:
        typer.echo(f"configuration error: {exc}", err=True)
        raise typer.Exit(2) from None


def _services(settings: Settings, *, migrate: bool | None = None):  # type: ignore[no-untyped-def]
    from attestia.services import build_services

    try:
        return build_services(settings, migrate=migrate)
    except (KeyStoreError, RuntimeError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Listening address (default from settings).")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Listening port (default from settings).")
    ] = None,
) -> None:
    """Start the web service (issuer, verifier, trust registry)."""
    import uvicorn

    from attestia.app import create_app
    from attestia.logging_setup import configure_logging

    settings = _settings(host=host, port=port)
    json_logs = settings.log_format == "json" or (
        settings.log_format == "auto" and settings.is_production
    )
    configure_logging(json_format=json_logs, level=settings.log_level)
    services = _services(settings)
    application = create_app(settings, services=services)
    listening = f"http://{settings.host}:{settings.port}"
    typer.echo(f"Attestia ({settings.mode}) on {listening}, public URL {settings.base_url}")
    uvicorn.run(
        application,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        proxy_headers=True,
    )


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""
    from attestia import db

    settings = _settings()
    db.upgrade(settings.resolved_database_url, revision)
    typer.echo(f"database at {revision}")


@db_app.command("downgrade")
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION (e.g. -1)."""
    from attestia import db

    settings = _settings()
    db.downgrade(settings.resolved_database_url, revision)
    typer.echo(f"database at {revision}")


@db_app.command("current")
def db_current() -> None:
    """Print the current and head revisions."""
    from attestia import db

    settings = _settings()
    engine = db.make_engine(settings.resolved_database_url)
    head = db.head_revision(settings.resolved_database_url)
    typer.echo(f"current: {db.current_revision(engine)}  head: {head}")
    engine.dispose()


@keys_app.command("list")
def keys_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List signing keys (no private material)."""
    services = _services(_settings())
    keys = services.keys.list_keys()
    if as_json:
        typer.echo(
            json.dumps(
                [{**k.__dict__} if hasattr(k, "__dict__") else _key_json(k) for k in keys], indent=2
            )
        )
        return
    for key in keys:
        retired = f" retired {key.retired_at:%Y-%m-%d %H:%M}" if key.retired_at else ""
        typer.echo(
            f"{key.purpose:9} {key.key_type:8} {key.algorithm:6} {key.state:8} "
            f"{key.kid}  created {key.created_at:%Y-%m-%d %H:%M}{retired}"
        )


def _key_json(key: object) -> dict[str, object]:
    fields = ("kid", "purpose", "key_type", "algorithm", "state", "created_at", "retired_at")
    out: dict[str, object] = {}
    for name in fields:
        value = getattr(key, name)
        out[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


@keys_app.command("rotate")
def keys_rotate(
    purpose: Annotated[str, typer.Option(help="issuer, verifier or registry")],
    key_type: Annotated[str | None, typer.Option("--type", help="Ed25519, P-256 or RSA")] = None,
) -> None:
    """Retire the active key(s) of PURPOSE and create new ones; retired keys stay published."""
    from credentials.keys import KEY_TYPES

    chosen = next((t for t in KEY_TYPES if t == key_type), None)
    if key_type is not None and chosen is None:
        typer.echo(f"error: --type must be one of {', '.join(KEY_TYPES)}", err=True)
        raise typer.Exit(2)
    services = _services(_settings())
    try:
        created = services.keys.rotate(purpose, chosen)
    except KeyStoreError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(1) from None
    for key in created:
        typer.echo(f"new active {key.purpose} {key.key_type} key {key.kid}")
    if purpose == "issuer" and any(key.key_type == "RSA" for key in created):
        _renew_gaia_x_chain(services)


def _renew_gaia_x_chain(services) -> None:  # type: ignore[no-untyped-def]
    """A development x5u chain for the new RSA key; the operator's must be replaced by hand."""
    from attestia.gaia_x_wiring import GaiaXChains
    from issuer.gaia_x import CertificateChainError

    try:
        chain = GaiaXChains(services.settings, services.keys).current()
    except CertificateChainError as exc:
        typer.echo(f"warning: the Gaia-X x5u chain no longer matches: {exc.detail}", err=True)
        return
    if chain.development:
        typer.echo(
            f"new development Gaia-X chain in {services.settings.resolved_gaia_x_chain_file}"
        )


@did_app.command("show")
def did_show() -> None:
    """Print the deployment's DID document."""
    from attestia.web.did import deployment_did_document

    services = _services(_settings())
    typer.echo(json.dumps(deployment_did_document(services), indent=2))


@did_app.command("export")
def did_export(
    directory: Annotated[Path, typer.Option("--dir", help="Output folder.")] = Path("did_docs"),
) -> None:
    """Write the published DID documents into DIRECTORY (generated, never hand-written)."""
    from attestia.web.did import deployment_did_document
    from credentials.did.web import did_web_document_path

    services = _services(_settings())
    document = deployment_did_document(services)
    target = directory / did_web_document_path(services.did).lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    typer.echo(f"wrote {target}")


def _register_verify() -> None:
    from attestia.cli_verify import verify_command

    app.command("verify")(verify_command)


_register_verify()


def _register_issuer() -> None:
    from attestia.cli_issuer import credential_app, revalidate_command

    app.add_typer(credential_app, name="credential")
    app.command("revalidate")(revalidate_command)


_register_issuer()


def _register_gaia_x() -> None:
    from attestia.cli_gaia_x import gaia_x_app

    app.add_typer(gaia_x_app, name="gaia-x")


_register_gaia_x()


def main() -> None:
    app(prog_name="attestia")


if __name__ == "__main__":
    main()
