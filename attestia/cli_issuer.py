"""``attestia revalidate`` and ``attestia credential …``: the issuer's operator commands.

- ``attestia revalidate [--dry-run] [--json]`` re-checks every live credential against the
  configured company registers (:mod:`issuer.revalidation`) with a progress bar, revokes
  those whose company ceased or whose mandate ended, and prints a summary. A register
  that cannot answer revokes nothing; the exit status is 1 when some credentials could
  not be checked, 0 otherwise.
- ``attestia credential show|revoke|suspend|reinstate ID --reason TEXT`` reads or changes
  one credential's status as an administrator (actor ``cli:<os user>``); a refused change
  prints its reason and exits with status 1, changing nothing.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import httpx
import typer

from attestia.cli_registry import cli_actor

if TYPE_CHECKING:
    from attestia.services import Services
    from issuer.minting.services import IssuerServices
    from issuer.revalidation import Outcome, Summary

credential_app = typer.Typer(
    help="Issued credentials: show, revoke, suspend, reinstate.", no_args_is_help=True
)

IdArg = Annotated[str, typer.Argument(help="The credential id (urn:uuid:… or bare UUID).")]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (kept in the status history).")]


def _services() -> Services:
    from attestia.cli import _services as build
    from attestia.cli import _settings

    services: Services = build(_settings())
    return services


def _issuer(services: Services) -> IssuerServices:
    from attestia.issuer_wiring import issuer_services

    return issuer_services(services)


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.isoformat(timespec="seconds")


@credential_app.command("show")
def show(credential_id: IdArg, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Print a credential's register row and its status history (no personal data)."""
    from issuer.status import get_credential

    issuer = _issuer(_services())
    with issuer.sessions() as session:
        row = get_credential(session, credential_id)
        if row is None:
            typer.echo(f"error: no credential {credential_id!r} in the register", err=True)
            raise typer.Exit(1)
        record: dict[str, Any] = {
            "id": row.id,
            "configuration_id": row.configuration_id,
            "kind": row.kind,
            "format": row.format,
            "subject_siren": row.subject_siren,
            "subject_siret": row.subject_siret,
            "state": row.state,
            "issued_at": _iso(row.issued_at),
            "valid_until": _iso(row.valid_until),
            "status_list": row.status_list_id,
            "status_index": row.status_index,
            "signing_kid": row.signing_kid,
            "holder_thumbprint": row.holder_thumbprint,
            "digest_sha256": row.digest_sha256,
            "history": [
                {
                    "from": change.from_state,
                    "to": change.to_state,
                    "actor": f"{change.actor_kind}:{change.actor_id}",
                    "reason": change.reason,
                    "at": _iso(change.changed_at),
                }
                for change in issuer.revocation.history(session, row.id)
            ],
        }
    if as_json:
        typer.echo(json.dumps(record, indent=2, ensure_ascii=False))
        return
    for name, value in record.items():
        if name != "history":
            typer.echo(f"{name:18} {value}")
    for change in record["history"]:
        typer.echo(
            f"  {change['at']}  {change['from']} → {change['to']}  by {change['actor']}: "
            f"{change['reason']}"
        )


def _change(credential_id: str, action: str, reason: str) -> None:
    from issuer.status import Actor, StatusServiceError, UnknownCredentialError

    actor_id = cli_actor()
    issuer = _issuer(_services())
    try:
        with issuer.sessions.begin() as session:
            change = issuer.revocation.change(
                session,
                credential_id,
                action,  # type: ignore[arg-type]
                actor=Actor(kind="administrator", id=actor_id),
                reason=reason,
            )
    except (StatusServiceError, UnknownCredentialError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{change.credential_id}: {change.from_state} → {change.to_state} by {actor_id}")


@credential_app.command("revoke")
def revoke(credential_id: IdArg, reason: ReasonOpt) -> None:
    """Revoke for good (the status list shows it at the next publication)."""
    _change(credential_id, "revoke", reason)


@credential_app.command("suspend")
def suspend(credential_id: IdArg, reason: ReasonOpt) -> None:
    """Suspend (reversible with ``reinstate``)."""
    _change(credential_id, "suspend", reason)


@credential_app.command("reinstate")
def reinstate(credential_id: IdArg, reason: ReasonOpt) -> None:
    """Lift a suspension (a revoked credential stays revoked)."""
    _change(credential_id, "reinstate", reason)


def _outcome_json(outcome: Outcome) -> dict[str, Any]:
    record = outcome.credential
    return {
        "id": record.id,
        "configuration_id": record.configuration_id,
        "verdict": outcome.verdict,
        "code": outcome.code,
        "reason": outcome.reason,
        "revoked": outcome.revoked,
    }


def _print_summary(summary: Summary) -> None:
    mode = " (dry run: nothing changed)" if summary.dry_run else ""
    typer.echo(f"\nchecked {summary.checked} live credential(s){mode}")
    typer.echo(f"  still valid:  {len(summary.still_valid)}")
    label = "to revoke" if summary.dry_run else "revoked"
    listed = summary.to_revoke if summary.dry_run else summary.revoked
    typer.echo(f"  {label + ':':13} {len(listed)}")
    for outcome in listed:
        typer.echo(f"    {outcome.credential.id}  {outcome.code}: {outcome.reason}")
    typer.echo(f"  unverifiable: {len(summary.unverifiable)} (kept)")
    for outcome in summary.unverifiable:
        typer.echo(f"    {outcome.credential.id}  {outcome.code}: {outcome.reason}")
    typer.echo(f"  errors:       {len(summary.errors)} (nothing revoked for these)")
    for outcome in summary.errors:
        typer.echo(f"    {outcome.credential.id}  {outcome.code}: {outcome.reason}")


def revalidate_command(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what would be revoked; change nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Re-check live credentials against the company registers; revoke ceased companies and
    ended mandates."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from attestia.issuer_wiring import build_company_registry
    from issuer.revalidation import live_records, revalidate

    services = _services()
    issuer = _issuer(services)
    now = datetime.now(UTC)
    records = live_records(issuer.sessions, now)

    async def run(on_outcome: Callable[[Outcome], None]) -> Summary:
        async with httpx.AsyncClient() as http:
            return await revalidate(
                issuer.sessions,
                build_company_registry(services.settings, http),
                issuer.revocation,
                now=now,
                records=records,
                dry_run=dry_run,
                on_outcome=on_outcome,
            )

    with Progress(
        TextColumn("revalidate"),
        BarColumn(),
        MofNCompleteColumn(),
        disable=as_json,
        transient=False,
    ) as progress:
        task = progress.add_task("revalidate", total=len(records))
        summary = asyncio.run(run(lambda _: progress.advance(task)))
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "dry_run": summary.dry_run,
                    "checked": summary.checked,
                    "still_valid": len(summary.still_valid),
                    "revoked": len(summary.revoked),
                    "outcomes": [_outcome_json(o) for o in summary.outcomes],
                },
                indent=2,
            )
        )
    else:
        _print_summary(summary)
    if summary.errors:
        raise typer.Exit(1)
