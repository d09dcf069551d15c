"""The company portal: what a logged-in professional may get, offers with QR codes, and
their issued credentials with a revoke action.

Pages (French first, ``?lang=en`` for English):

- ``GET /issuer/``: logged out, what Attestia issues and the two ProConnect logins (plain,
  and with certification dirigeant); logged in, the organisation and the person as the
  registers see them, and every credential kind with its verdict and, when refused, the
  reason from the eligibility report. A source outage or stale data is a 503 page.
- ``POST /issuer/offers`` (CSRF): a Credential Offer (OpenID4VCI 1.0 §4.1) for one
  configuration, pre-authorized code with a ``tx_code``, single use, 10 minutes; the claims
  come from a fresh eligibility evaluation, never from the form. The answer is the offer
  page: QR code, same-device link, ``tx_code``, expiry, what the credential will say.
- ``GET /issuer/offers/{id}/qr.png`` and ``qr.svg``: the QR code of the by-reference offer
  URI (§4.1.3), for the person the offer was made for only, while it lives.
- The ``gaia_x_participant`` kind also shows the Gaia-X panel
  (:mod:`issuer.web.portal_gaia_x`): Loire and Tagus presentation downloads, the compliance
  submission form when a service is configured, the stored compliance credential.
- ``GET /issuer/credentials``: the credentials issued to this ProConnect ``sub``.
- ``GET|POST /issuer/credentials/{id}/revocation``: confirmation, then revocation (CSRF);
  someone else's credential is a 404, as is an unknown one.

The router knows nothing of the deployment: the session, CSRF, templates, company
registry and issuer services come through :class:`PortalHooks`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from issuer.catalogue import UnknownConfigurationError
from issuer.company.registry import CompanyRegistry
from issuer.eligibility import AuthenticatedIdentity, EligibilityReport, Reason, evaluate
from issuer.minting.services import IssuerServices
from issuer.oid4vci.context import Oid4vciContext
from issuer.oid4vci.credential_offer import Offer, create_offer, is_live, offer_uris
from issuer.oid4vci.models import OfferRow
from issuer.status import (
    Actor,
    InvalidTransitionError,
    NotCredentialHolderError,
    StatusServiceError,
    UnknownCredentialError,
    credentials_of_person,
    get_credential,
)
from issuer.status.models import IssuedCredential
from issuer.web import portal_view as view
from issuer.web.portal_gaia_x import panel_for
from issuer.web.qr import PNG_MEDIA_TYPE, SVG_MEDIA_TYPE, qr_png, qr_svg

logger = logging.getLogger("issuer.portal")

PORTAL: Final = "/issuer/"
OFFER_TTL_SECONDS: Final = 600
DEFAULT_REVOCATION_REASON: Final = "révoquée par le titulaire depuis le portail"
NO_STORE: Final = {"Cache-Control": "no-store"}
STATES: Final[dict[str, dict[view.Lang, str]]] = {
    "valid": {"fr": "valide", "en": "valid"},
    "suspended": {"fr": "suspendue", "en": "suspended"},
    "revoked": {"fr": "révoquée", "en": "revoked"},
}


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _paris() -> ZoneInfo | None:
    try:
        return ZoneInfo("Europe/Paris")
    except ZoneInfoNotFoundError:
        return None


@dataclass(frozen=True, slots=True)
class PortalHooks:
    """The deployment's side of the portal.

    ``identity(request)`` is the validated ProConnect identity of the session (claims plus
    ``acr``) or None; ``csrf_token`` may create the session (sync, run in a thread);
    ``registry``, ``oid4vci`` and ``issuer`` give the company registry, the OpenID4VCI
    context (offers) and the issuer services (catalogue, revocation).
    """

    templates: Jinja2Templates
    identity: Callable[[Request], dict[str, Any] | None]
    csrf_token: Callable[[Request], str]
    check_csrf: Callable[[Request, str | None], bool]
    registry: Callable[[Request], CompanyRegistry]
    oid4vci: Callable[[Request], Oid4vciContext]
    issuer: Callable[[Request], IssuerServices]
    clock: Callable[[], datetime] = _utcnow
    login_path: str = "/auth/login"


def _with_lang(path: str, lang: view.Lang, **params: str) -> str:
    query = {**params, **({"lang": "en"} if lang == "en" else {})}
    return f"{path}?{urlencode(query)}" if query else path


def build_router(hooks: PortalHooks) -> APIRouter:
    """The portal's routes over ``hooks``."""
    router = APIRouter(tags=["issuer portal"], include_in_schema=False)

    def page(
        request: Request, template: str, lang: view.Lang, status: int = 200, **context: Any
    ) -> HTMLResponse:
        path = request.url.path
        context.setdefault("identity", hooks.identity(request))
        return hooks.templates.TemplateResponse(
            request,
            f"portal/{template}",
            {
                "lang": lang,
                "mode": getattr(request.app.state.settings, "mode", "dev"),
                "switch_url": _with_lang(path, "fr" if lang == "en" else "en"),
                "home_url": _with_lang(PORTAL, lang),
                "credentials_url": _with_lang("/issuer/credentials", lang),
                "login_url": hooks.login_path + "?" + urlencode({"next": PORTAL}),
                "certification_url": hooks.login_path
                + "?"
                + urlencode({"next": PORTAL, "certification": "1"}),
                **context,
            },
            status_code=status,
            headers=NO_STORE,
        )

    def message(
        request: Request, lang: view.Lang, status: int, fr: tuple[str, str], en: tuple[str, str]
    ) -> HTMLResponse:
        title, text = en if lang == "en" else fr
        return page(request, "message.html", lang, status, title=title, text=text)

    async def report_for(
        request: Request, claims: dict[str, Any]
    ) -> tuple[AuthenticatedIdentity, EligibilityReport]:
        acr = claims.get("acr")
        identity = AuthenticatedIdentity.from_claims(
            claims, acr=acr if isinstance(acr, str) else None
        )
        report = await evaluate(identity, hooks.registry(request), now=hooks.clock())
        return identity, report

    def outage_page(request: Request, lang: view.Lang, reason: Reason) -> HTMLResponse:
        logger.warning("portal: register outage (%s)", reason.code)
        return page(
            request,
            "outage.html",
            lang,
            503,
            reason=view.reason_text(reason, lang),
            code=reason.code,
        )

    @router.get(PORTAL, response_class=HTMLResponse)
    async def portal_home(request: Request, lang: str | None = None) -> Response:
        chosen = view.pick_lang(lang)
        claims = hooks.identity(request)
        if claims is None:
            return page(request, "welcome.html", chosen, identity=None)
        identity, report = await report_for(request, claims)
        if (problem := view.outage(report)) is not None:
            return outage_page(request, chosen, problem)
        issuer = hooks.issuer(request)
        paths = view.route_paths(request.app.routes)
        csrf = await run_in_threadpool(hooks.csrf_token, request)
        return page(
            request,
            "index.html",
            chosen,
            identity=claims,
            organisation=view.organisation_view(report, chosen),
            person=view.person_view(identity, report, chosen),
            kinds=view.kind_views(report, issuer.catalogue, identity, chosen),
            gaia_x=await run_in_threadpool(
                panel_for,
                getattr(request.app.state, "settings", None),
                issuer.sessions,
                identity.siren,
                paths,
            ),
            csrf_token=csrf,
        )

    @router.post("/issuer/offers", response_class=HTMLResponse)
    async def create_portal_offer(request: Request) -> Response:
        form = await request.form()
        lang = view.pick_lang(_text(form.get("lang")))
        if not hooks.check_csrf(request, _text(form.get("csrf_token"))):
            return message(
                request,
                lang,
                403,
                ("Formulaire expiré", "Le formulaire a expiré ; rechargez le portail."),
                ("Form expired", "The form has expired (CSRF check failed); reload the portal."),
            )
        claims = hooks.identity(request)
        if claims is None:
            return RedirectResponse(hooks.login_path + "?" + urlencode({"next": PORTAL}), 303)
        configuration_id = _text(form.get("configuration_id")) or ""
        issuer = hooks.issuer(request)
        try:
            configuration = issuer.catalogue.get(configuration_id)
        except UnknownConfigurationError:
            return message(
                request,
                lang,
                404,
                ("Attestation inconnue", "Cette attestation n'existe pas."),
                ("Unknown credential", "There is no such credential."),
            )
        identity, report = await report_for(request, claims)
        if (problem := view.outage(report)) is not None:
            return outage_page(request, lang, problem)
        kind = configuration.kind_name
        decision = report[kind]  # type: ignore[index]
        credential_claims = view.claims_for(decision.kind, decision, identity)
        if credential_claims is None:
            refusal = view.reason_text(decision.reason, lang)
            return message(
                request,
                lang,
                403,
                ("Attestation refusée", refusal or "Vous ne pouvez pas obtenir cette attestation."),
                ("Credential refused", refusal or "You may not obtain this credential."),
            )
        subject: dict[str, Any] = {"sub": identity.sub, "siret": identity.siret}
        if decision.match is not None and decision.match.mandate.name is not None:
            subject["mandate_digest"] = view.mandate_digest(decision.match.mandate)
        offer = await run_in_threadpool(
            _create, hooks.oid4vci(request), configuration_id, credential_claims, subject
        )
        logger.info("portal: offer created for %s", configuration_id)
        name, description = view.explain(configuration, lang)
        expires = datetime.fromtimestamp(offer.expires_at, UTC)
        local = expires.astimezone(_paris() or UTC)
        return page(
            request,
            "offer.html",
            lang,
            201,
            offer=offer,
            name=name,
            description=description,
            format_label=view.format_label(configuration, lang),
            claims=view.claim_lines(configuration, credential_claims, lang),
            expires_iso=expires.isoformat(timespec="seconds"),
            expires_local=local.strftime("%H:%M"),
            expires_zone="Europe/Paris" if _paris() else "UTC",
            ttl_minutes=OFFER_TTL_SECONDS // 60,
        )

    def _qr_text(request: Request, offer_id: str) -> str | None:
        claims = hooks.identity(request)
        if claims is None or len(offer_id) > 128:
            return None
        ctx = hooks.oid4vci(request)
        with ctx.sessions() as session:
            row = session.get(OfferRow, offer_id)
            if row is None or not is_live(ctx, row, ctx.now()) or row.document is None:
                return None
            if row.subject.get("sub") != claims.get("sub"):
                return None
            offer_url = f"{ctx.config.endpoint('offers')}/{offer_id}"
            return offer_uris(offer_url, row.document)[0]

    def _qr(
        request: Request, offer_id: str, render: Callable[[str], bytes], media: str
    ) -> Response:
        text = _qr_text(request, offer_id)
        if text is None:
            return Response("no such live offer for you", 404, media_type="text/plain")
        return Response(render(text), media_type=media, headers=NO_STORE)

    @router.get("/issuer/offers/{offer_id}/qr.png")
    def offer_qr_png(request: Request, offer_id: str) -> Response:
        return _qr(request, offer_id, qr_png, PNG_MEDIA_TYPE)

    @router.get("/issuer/offers/{offer_id}/qr.svg")
    def offer_qr_svg(request: Request, offer_id: str) -> Response:
        return _qr(request, offer_id, qr_svg, SVG_MEDIA_TYPE)

    def credential_line(
        issuer: IssuerServices, row: IssuedCredential, lang: view.Lang
    ) -> dict[str, Any]:
        line: dict[str, Any] = {
            "id": row.id,
            "name": row.configuration_id,
            "description": "",
            "claims": [],
            "format": view.FORMAT_LABELS.get(row.format, {}).get(lang, row.format),
            "issued_at": _day(row.issued_at),
            "valid_until": _day(row.valid_until),
            "state": row.state,
            "state_label": STATES.get(row.state, {}).get(lang, row.state),
            "revoke_url": _with_lang(f"/issuer/credentials/{row.id}/revocation", lang),
        }
        if row.configuration_id in issuer.catalogue:
            configuration = issuer.catalogue.get(row.configuration_id)
            line["name"], line["description"] = view.explain(configuration, lang)
            line["claims"] = view.claim_labels(configuration, lang)
        return line

    @router.get("/issuer/credentials", response_class=HTMLResponse)
    def my_credentials(request: Request, lang: str | None = None, revoked: str = "") -> Response:
        chosen = view.pick_lang(lang)
        claims = hooks.identity(request)
        if claims is None:
            target = _with_lang("/issuer/credentials", chosen)
            return RedirectResponse(hooks.login_path + "?" + urlencode({"next": target}), 303)
        issuer = hooks.issuer(request)
        with issuer.sessions() as session:
            rows = credentials_of_person(session, str(claims["sub"]))
            lines = [credential_line(issuer, row, chosen) for row in rows]
        return page(request, "credentials.html", chosen, credentials=lines, revoked=revoked == "1")

    def own_credential(request: Request, credential_id: str) -> tuple[dict[str, Any], Any] | None:
        claims = hooks.identity(request)
        if claims is None or len(credential_id) > 80:
            return None
        issuer = hooks.issuer(request)
        with issuer.sessions() as session:
            row = get_credential(session, credential_id)
            if row is None or row.person_sub != claims.get("sub"):
                return None
            return claims, row

    @router.get("/issuer/credentials/{credential_id}/revocation", response_class=HTMLResponse)
    def revocation_page(request: Request, credential_id: str, lang: str | None = None) -> Response:
        chosen = view.pick_lang(lang)
        if hooks.identity(request) is None:
            target = _with_lang(f"/issuer/credentials/{credential_id}/revocation", chosen)
            return RedirectResponse(hooks.login_path + "?" + urlencode({"next": target}), 303)
        found = own_credential(request, credential_id)
        if found is None:
            return not_found(request, chosen)
        line = credential_line(hooks.issuer(request), found[1], chosen)
        return page(
            request, "revoke.html", chosen, credential=line, csrf_token=hooks.csrf_token(request)
        )

    def not_found(request: Request, lang: view.Lang) -> HTMLResponse:
        return message(
            request,
            lang,
            404,
            ("Attestation introuvable", "Aucune attestation de ce numéro ne vous a été délivrée."),
            ("Credential not found", "No credential with this number was issued to you."),
        )

    @router.post("/issuer/credentials/{credential_id}/revocation", response_class=HTMLResponse)
    async def revoke_mine(request: Request, credential_id: str) -> Response:
        form = await request.form()
        lang = view.pick_lang(_text(form.get("lang")))
        if not hooks.check_csrf(request, _text(form.get("csrf_token"))):
            return message(
                request,
                lang,
                403,
                ("Formulaire expiré", "Le formulaire a expiré ; rechargez la page."),
                ("Form expired", "The form has expired (CSRF check failed); reload the page."),
            )
        claims = hooks.identity(request)
        if claims is None:
            return not_found(request, lang)
        reason = (_text(form.get("reason")) or "").strip() or DEFAULT_REVOCATION_REASON
        issuer = hooks.issuer(request)
        actor = Actor(kind="holder", id=str(claims["sub"]))

        def revoke() -> None:
            with issuer.sessions.begin() as session:
                issuer.revocation.revoke(session, credential_id, actor=actor, reason=reason)

        try:
            await run_in_threadpool(revoke)
        except (UnknownCredentialError, NotCredentialHolderError):
            return not_found(request, lang)
        except InvalidTransitionError:
            return message(
                request,
                lang,
                409,
                ("Déjà révoquée", "Cette attestation est déjà révoquée."),
                ("Already revoked", "This credential is already revoked."),
            )
        except StatusServiceError:
            return message(
                request,
                lang,
                400,
                ("Motif trop long", "Le motif doit faire au plus 500 caractères."),
                ("Reason too long", "The reason must be at most 500 characters."),
            )
        logger.info("portal: credential revoked by its holder")
        return RedirectResponse(_with_lang("/issuer/credentials", lang, revoked="1"), 303)

    return router


def _create(
    ctx: Oid4vciContext,
    configuration_id: str,
    claims: dict[str, Any],
    subject: dict[str, Any],
) -> Offer:
    with ctx.sessions.begin() as session:
        return create_offer(
            ctx,
            session,
            configuration_ids=[configuration_id],
            claims_by_configuration={configuration_id: claims},
            subject=subject,
            grant="pre-authorized_code",
            tx_code=True,
            ttl=OFFER_TTL_SECONDS,
        )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _day(moment: datetime) -> str:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.date().isoformat()
