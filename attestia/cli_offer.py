"""``attestia offer create``: a Credential Offer for a sandbox persona, from the terminal.

Development only: the command acts as if the persona had logged in through the ProConnect
sandbox, runs the eligibility rules against the offline company registry, builds the claims
of the requested configuration, stores the offer (OpenID4VCI 1.0 §4.1) and prints the
``openid-credential-offer://`` URI, the Transaction Code and a QR code (or JSON).
"""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any

import typer

from attestia.sandbox.personas import CERTIFICATION_DIRIGEANT_ACR, Persona, load_personas
from attestia.settings import Settings, SettingsError, load_settings

offer_app = typer.Typer(help="Credential offers (development).", no_args_is_help=True)

FORMAT_SUFFIX = {"dc+sd-jwt": "sd_jwt", "jwt_vc_json": "jwt_vc", "ldp_vc": "ldp_vc"}


class OfferCommandError(Exception):
    """The request cannot be turned into an offer; the message says why."""


@dataclass(frozen=True, slots=True)
class _Facts:
    sub: str
    given_name: str
    usual_name: str
    organizational_unit: str | None
    belonging_population: str | None


def configuration_id_for(catalogue: Any, credential: str, fmt: str | None) -> str:
    """``credential`` is a configuration id, or a kind completed by ``fmt``."""
    if credential in catalogue:
        configuration = catalogue.get(credential)
        if fmt is not None and configuration.format != fmt:
            raise OfferCommandError(f"{credential} is offered as {configuration.format}")
        return credential
    wanted = fmt or "dc+sd-jwt"
    for configuration in catalogue.by_kind(credential):
        if configuration.format == wanted:
            return str(configuration.id)
    known = ", ".join(sorted(catalogue.configurations))
    raise OfferCommandError(f"no configuration {credential!r} in {wanted}; known: {known}")


def identity_for(persona: Persona, siret: str | None) -> tuple[Any, dict[str, Any], str]:
    """``(identity, userinfo, acr)`` of the login ``persona`` would make through the sandbox
    (with the certification-dirigeant ``acr`` when the persona offers it)."""
    from issuer.eligibility import AuthenticatedIdentity

    acr = (
        CERTIFICATION_DIRIGEANT_ACR
        if CERTIFICATION_DIRIGEANT_ACR in persona.acr_values
        else persona.acr_values[0]
    )
    userinfo = persona.userinfo(siret, acr)
    identity = AuthenticatedIdentity.from_claims(userinfo, acr=acr)
    civil = persona.civil_identity
    if civil is not None:
        fields = {f: getattr(identity, f) for f in AuthenticatedIdentity.__dataclass_fields__}
        fields |= {
            "birthdate": date.fromisoformat(civil.birthdate),
            "gender": civil.gender,
            "birthplace": civil.birthplace,
        }
        identity = AuthenticatedIdentity(**fields)
    return identity, userinfo, acr


def persona_claims(
    persona_id: str, kind: str, *, siret: str | None = None, now: datetime | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(claims, subject)`` for ``kind`` as the persona's login would give them.

    For a mandate kind, ``subject["mandate_digest"]`` is the matched mandate's register
    name digest, as the portal puts it on its offers (the register row keeps it for
    ``attestia revalidate``).
    Raises :class:`OfferCommandError` with the eligibility reason when refused.
    """
    from issuer.catalogue import (
        company_registration_claims,
        executive_certification_claims,
        legal_representative_claims,
        public_agent_claims,
    )
    from issuer.company.offline import OfflineRegistry
    from issuer.eligibility import evaluate
    from issuer.gaia_x import GaiaXError
    from issuer.minting.gaia_x import gaia_x_participant_claims
    from issuer.web.portal_view import mandate_digest

    try:
        persona = load_personas().get(persona_id)
    except KeyError:
        raise OfferCommandError(f"unknown persona {persona_id!r}") from None
    identity, userinfo, acr = identity_for(persona, siret)
    moment = now or datetime.now(UTC)
    registry = OfflineRegistry(clock=lambda: moment)
    report = asyncio.run(evaluate(identity, registry, now=moment))
    decision = report.decisions.get(kind)  # type: ignore[call-overload]
    if decision is None:
        raise OfferCommandError(f"no eligibility rule for {kind!r}")
    if not decision.eligible:
        reason = decision.reason
        text = f"{reason.code}: {reason.message_en}" if reason else "not eligible"
        raise OfferCommandError(f"{persona_id} may not get {kind} ({text})")
    facts = _Facts(
        sub=str(userinfo["sub"]),
        given_name=identity.given_name,
        usual_name=identity.usual_name,
        organizational_unit=identity.organizational_unit,
        belonging_population=identity.belonging_population,
    )
    if kind == "company_registration":
        claims = company_registration_claims(decision.legal_unit, decision.establishment)
    elif kind == "legal_representative":
        claims = legal_representative_claims(decision.legal_unit, decision.match.mandate)
    elif kind == "executive_certification":
        claims = executive_certification_claims(
            facts, decision.legal_unit, method=decision.certification_method, acr=acr
        )
    elif kind == "public_agent":
        claims = public_agent_claims(facts, decision.legal_unit, decision.establishment)
    elif kind == "gaia_x_participant":
        try:
            claims = gaia_x_participant_claims(decision)
        except GaiaXError as exc:
            raise OfferCommandError(f"{persona_id} may not get {kind} ({exc.detail})") from None
    else:
        raise OfferCommandError(f"{kind} is not offered over OpenID4VCI")
    subject = {"sub": facts.sub, "siret": identity.siret, "siren": identity.siren}
    if kind in ("legal_representative", "executive_certification") and decision.match:
        subject["mandate_digest"] = mandate_digest(decision.match.mandate)
    return claims, subject


def _load(settings_overrides: dict[str, Any]) -> Settings:
    try:
        return load_settings(settings_overrides)
    except SettingsError as exc:
        typer.echo(f"configuration error: {exc}", err=True)
        raise typer.Exit(2) from None


@offer_app.command("create")
def create(
    credential: Annotated[str, typer.Option(help="configuration id, or kind with --format")],
    persona: Annotated[str, typer.Option(help="sandbox persona id (attestia/sandbox)")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="dc+sd-jwt | jwt_vc_json | ldp_vc")
    ] = None,
    siret: Annotated[str | None, typer.Option(help="one of the persona's SIRETs")] = None,
    grant: Annotated[
        str, typer.Option(help="pre-authorized_code | authorization_code")
    ] = "pre-authorized_code",
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Create an offer as if PERSONA had logged in (dev only)."""
    from attestia.services import build_services
    from credentials.jsonld import ContextRegistry
    from issuer.db import IssuerBase
    from issuer.minting.services import build_issuer_services
    from issuer.oid4vci.adapters import build_context
    from issuer.oid4vci.config import Oid4vciConfig
    from issuer.oid4vci.credential_offer import create_offer

    settings = _load({})
    if settings.is_production or not settings.sandbox_enabled:
        typer.echo("error: offer create is for development with the sandbox only", err=True)
        raise typer.Exit(2)
    if grant not in ("pre-authorized_code", "authorization_code"):
        typer.echo(f"error: unknown grant {grant!r}", err=True)
        raise typer.Exit(2)
    services = build_services(settings)
    try:
        IssuerBase.metadata.create_all(services.engine)
        issuer = build_issuer_services(
            sessions=services.sessions,
            signers=lambda key_type: services.keys.signer("issuer", key_type),
            base_url=settings.base_url,
            did=services.did,
            clock=lambda: datetime.now(UTC),
            context_registry=ContextRegistry.standard(),
        )
        ctx = build_context(Oid4vciConfig.from_settings(settings), issuer)
        try:
            configuration_id = configuration_id_for(issuer.catalogue, credential, fmt)
            kind = issuer.catalogue.get(configuration_id).kind_name
            claims, subject = persona_claims(persona, kind, siret=siret)
        except OfferCommandError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
        with ctx.transaction() as session:
            offer = create_offer(
                ctx,
                session,
                configuration_ids=[configuration_id],
                claims_by_configuration={configuration_id: claims},
                subject=subject,
                grant=grant,  # type: ignore[arg-type]
                tx_code=grant == "pre-authorized_code",
            )
    finally:
        services.engine.dispose()
    _print(offer, configuration_id, as_json=as_json)


def _print(offer: Any, configuration_id: str, *, as_json: bool) -> None:
    expires = datetime.fromtimestamp(offer.expires_at, UTC).isoformat()
    if as_json:
        payload = {
            "configuration_id": configuration_id,
            "offer_uri": offer.uri_by_reference,
            "offer_uri_by_value": offer.uri_by_value,
            "credential_offer_uri": offer.offer_url,
            "tx_code": offer.tx_code,
            "expires_at": expires,
            "credential_offer": offer.document,
        }
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    import qrcode

    typer.echo(f"Credential offer for {configuration_id} (expires {expires}):")
    typer.echo(offer.uri_by_reference)
    if offer.tx_code:
        typer.echo(f"Transaction code / code de transaction: {offer.tx_code}")
    code = qrcode.QRCode(border=1)
    code.add_data(offer.uri_by_reference)
    code.make(fit=True)
    code.print_ascii(out=sys.stdout, invert=True)
