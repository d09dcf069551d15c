"""``attestia registry …``: bootstrap and operate the trust registry from a shell.

Every write is audited like one made in the admin UI, with actor ``cli:<os user>``. A
refused write (bad input, unknown issuer, cancelled issuer…) prints the registry's error
code and description, exits with status 1 and changes nothing.
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from sqlalchemy.orm import Session

from attestia.services import Services
from attestia.settings import SettingsError, load_settings
from credentials.errors import KeyStoreError
from trust_registry import query, registry
from trust_registry.admins import add_administrator, list_administrators
from trust_registry.audit import export_jsonl, verify_chain
from trust_registry.errors import RegistryError
from trust_registry.history import EntityState
from trust_registry.trusted_list import sign_trusted_list
from trust_registry.validation import check_kind

registry_app = typer.Typer(
    help="Trust registry: administrators, issuers, audit, list.", no_args_is_help=True
)
admin_app = typer.Typer(help="Registry administrators.", no_args_is_help=True)
issuer_app = typer.Typer(help="Trusted issuers.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
registry_app.add_typer(admin_app, name="admin")
registry_app.add_typer(issuer_app, name="issuer")
registry_app.add_typer(audit_app, name="audit")


def cli_actor() -> str:
    """``cli:<os user>``, the audit log's actor for shell commands."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"cli:{user}"


def _now() -> datetime:
    return datetime.now(UTC)


def _services() -> Services:
    from attestia.services import build_services

    try:
        return build_services(load_settings())
    except SettingsError as exc:
        typer.echo(f"configuration error: {exc}", err=True)
        raise typer.Exit(2) from None
    except (KeyStoreError, RuntimeError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


@contextmanager
def _session() -> Iterator[tuple[Services, Session]]:
    """A database session; a registry refusal exits 1 with its code, uncommitted."""
    services = _services()
    try:
        with services.sessions() as session:
            try:
                yield services, session
            except RegistryError as exc:
                session.rollback()
                typer.echo(f"error: {exc.error}: {exc.description}", err=True)
                raise typer.Exit(1) from None
    finally:
        services.engine.dispose()


@contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    with path.open("w", encoding="utf-8", newline="\n") as file:
        yield file


# Administrators --------------------------------------------------------------------


@admin_app.command("add")
def admin_add(
    email: Annotated[str, typer.Argument(help="The administrator's ProConnect e-mail.")],
    role: Annotated[str, typer.Option(help="admin (read and write) or auditor (read only)")],
    sub: Annotated[
        str | None, typer.Option(help="ProConnect sub, when known (matched before e-mail).")
    ] = None,
) -> None:
    """Allow EMAIL into the registry admin UI and API with ROLE."""
    with _session() as (_, session):
        added = add_administrator(
            session, email=email, proconnect_sub=sub, role=role, actor=cli_actor(), now=_now()
        )
        session.commit()
    typer.echo(f"administrator {added['email']} added with role {added['role']}")


@admin_app.command("list")
def admin_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List administrators (active and deactivated)."""
    with _session() as (_, session):
        rows = list_administrators(session)
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for row in rows:
        state = "active" if row["active"] else "deactivated"
        who = row["email"] or f"proconnect:{row['proconnect_sub']}"
        typer.echo(f"{row['id']:4} {row['role']:8} {state:11} {who}  (added by {row['added_by']})")


# Issuers ---------------------------------------------------------------------------


def _parse_type(spec: str) -> tuple[str, str]:
    kind, sep, value = spec.partition(":")
    if not sep or not value:
        raise typer.BadParameter(f"{spec!r}: use KIND:VALUE, e.g. vct:https://…/vct/x")
    try:
        return check_kind(kind), value
    except RegistryError as exc:
        raise typer.BadParameter(exc.description) from None


@issuer_app.command("add")
def issuer_add(
    did: Annotated[str, typer.Option(help="The issuer's DID.")],
    name: Annotated[str, typer.Option(help="Legal name.")],
    siren: Annotated[str | None, typer.Option(help="SIREN (9 digits).")] = None,
    country: Annotated[str, typer.Option(help="ISO 3166-1 alpha-2.")] = "FR",
    contact: Annotated[str | None, typer.Option(help="Contact (e-mail or URL).")] = None,
    types: Annotated[
        list[str] | None,
        typer.Option(
            "--type", help="KIND:VALUE, KIND one of vct, vc_type, gaiax_type (repeatable)."
        ),
    ] = None,
    reason: Annotated[str | None, typer.Option(help="Why (kept in the history).")] = None,
) -> None:
    """Register an issuer, active from now, with its credential types."""
    grants = [_parse_type(spec) for spec in types or ()]
    actor, moment = cli_actor(), _now()
    with _session() as (_, session):
        state = registry.create_entity(
            session,
            did=did,
            legal_name=name,
            siren=siren,
            country=country,
            contact=contact,
            actor=actor,
            reason=reason,
            now=moment,
        )
        for kind, value in grants:
            state = registry.add_type(
                session,
                did=did,
                kind=kind,
                type_value=value,
                actor=actor,
                reason=reason,
                now=moment,
            )
        session.commit()
    typer.echo(f"registered {state.did} ({state.legal_name}) with {len(state.types)} type(s)")


def _status_change(function: Callable[..., EntityState], did: str, reason: str, verb: str) -> None:
    with _session() as (_, session):
        state = function(session, did=did, actor=cli_actor(), reason=reason, now=_now())
        session.commit()
    typer.echo(f"{verb} {state.did}: now {state.status}")


ReasonOption = Annotated[str, typer.Option(help="Why (required, kept in the history).")]


@issuer_app.command("suspend")
def issuer_suspend(did: str, reason: ReasonOption) -> None:
    """Suspend DID from now until reactivated."""
    _status_change(registry.suspend_entity, did, reason, "suspended")


@issuer_app.command("reactivate")
def issuer_reactivate(did: str, reason: ReasonOption) -> None:
    """Lift DID's suspension from now on."""
    _status_change(registry.reactivate_entity, did, reason, "reactivated")


@issuer_app.command("cancel")
def issuer_cancel(did: str, reason: ReasonOption) -> None:
    """Cancel DID for good (verifiers then refuse all it ever issued)."""
    _status_change(registry.cancel_entity, did, reason, "cancelled")


def _print_issuer(issuer: dict[str, Any], history: list[dict[str, Any]]) -> None:
    typer.echo(f"{issuer['did']}")
    typer.echo(f"  legal name   {issuer['legal_name']}")
    typer.echo(f"  SIREN        {issuer['siren'] or '-'}   country {issuer['country']}")
    typer.echo(f"  status       {issuer['status']} since {issuer['status_since']}")
    typer.echo(f"  accredited   by {issuer['accredited_by']}")
    typer.echo("  types:")
    for grant in issuer["types"] or []:
        until = grant["valid_until"] or "open"
        typer.echo(f"    {grant['kind']:10} {grant['type']}  [{grant['valid_from']} .. {until})")
    typer.echo("  history:")
    for event in history:
        why = f"  ({event['reason']})" if event["reason"] else ""
        typer.echo(
            f"    #{event['revision']:<3} {event['effective_at']}  {event['event']:20} "
            f"by {event['actor']}{why}"
        )


@issuer_app.command("show")
def issuer_show(did: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Print DID's current entry and its full history."""
    with _session() as (_, session):
        issuer = query.get_issuer(session, did=did)
        history = query.issuer_history(session, did=did)
    if as_json:
        typer.echo(json.dumps({**issuer, "history": history}, indent=2, ensure_ascii=False))
        return
    _print_issuer(issuer, history)


# Audit log and trusted list --------------------------------------------------------


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute the hash chain; exit 1 naming the first bad entry if it is broken."""
    with _session() as (_, session):
        result = verify_chain(session)
    if result.valid:
        typer.echo(f"audit chain intact: {result.entries} entries")
        return
    typer.echo(f"audit chain BROKEN at entry seq {result.first_bad_seq}: {result.reason}", err=True)
    raise typer.Exit(1)


@audit_app.command("export")
def audit_export(
    output: Annotated[Path | None, typer.Option(help="File to write (default: stdout).")] = None,
) -> None:
    """Write every audit entry as one JSON line (with its hash), oldest first."""
    with _session() as (_, session), _output(output) as file:
        count = export_jsonl(session, file)
    if output is not None:
        typer.echo(f"wrote {count} entries to {output}")


@registry_app.command("trusted-list")
def trusted_list(
    output: Annotated[Path | None, typer.Option(help="File to write (default: stdout).")] = None,
) -> None:
    """Sign and print the trusted list (compact JWS, typ trustlist+jwt)."""
    with _session() as (services, session):
        token = sign_trusted_list(
            session,
            signer=services.keys.signer("registry", "P-256"),
            registry_did=services.did,
            now=_now(),
        )
    with _output(output) as file:
        file.write(token + "\n")
    if output is not None:
        typer.echo(f"wrote the signed trusted list to {output}")
