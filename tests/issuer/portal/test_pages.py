"""Portal pages over HTTP with a session from the sandbox login, for several personas."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI

from attestia.services import Services
from tests.issuer.portal.conftest import (
    Browser,
    DownRegistry,
    FrozenRegistry,
    offer_count,
)


def test_logged_out_page_explains_and_offers_both_logins(browser: Browser) -> None:
    page = browser.client.get("/issuer/")
    assert page.status_code == 200
    assert '<html lang="fr">' in page.text
    assert "Se connecter avec ProConnect" in page.text
    assert 'href="/auth/login?next=%2Fissuer%2F"' in page.text
    assert 'href="/auth/login?next=%2Fissuer%2F&amp;certification=1"' in page.text
    assert "Immatriculation de l&#39;entreprise" in page.text
    assert "cdn" not in page.text.lower()


def test_english_on_request(browser: Browser) -> None:
    page = browser.client.get("/issuer/", params={"lang": "en"})
    assert '<html lang="en">' in page.text
    assert "Log in with ProConnect" in page.text
    assert 'href="/issuer/"' in page.text  # the switch back to French


def test_home_page_links_the_portal(browser: Browser) -> None:
    assert 'href="/issuer/"' in browser.client.get("/").text


@dataclass(frozen=True)
class Case:
    persona: str
    siret: str
    eligible: tuple[str, ...]
    refused: dict[str, str]
    shown: tuple[str, ...] = ()
    certification: bool = False


CASES = [
    Case(
        "gerant-sarl",
        "52718463400014",
        ("company_registration",),
        {
            "legal_representative": "mandate_unconfirmed",
            "executive_certification": "certification_not_presented",
            "public_agent": "not_public_agent",
            "gaia_x_participant": "mandate_unconfirmed",
        },
        (
            "BOULANGERIE L&#39;EPI D&#39;OR",
            "527184634",
            "Gérant",
            "ProConnect n&#39;a pas certifié",
            "Votre nom correspond à un représentant légal du SIREN 527184634, mais cela "
            "n&#39;a pas pu être confirmé : connectez-vous avec la « certification dirigeant » "
            "de ProConnect",
        ),
    ),
    Case(
        "gerant-sarl",
        "52718463400014",
        (
            "company_registration",
            "legal_representative",
            "executive_certification",
            "gaia_x_participant",
        ),
        {"public_agent": "not_public_agent"},
        ("BOULANGERIE L&#39;EPI D&#39;OR", "Gérant"),
        certification=True,
    ),
    Case(
        "homonyme-dirigeant",
        "91845372100014",
        ("company_registration",),
        {
            "legal_representative": "mandate_unconfirmed",
            "executive_certification": "certification_not_presented",
            "gaia_x_participant": "mandate_unconfirmed",
        },
        ("mais cela n&#39;a pas pu être confirmé",),
    ),
    Case(
        "presidente-sas",
        "91845372100014",
        (
            "company_registration",
            "legal_representative",
            "executive_certification",
            "gaia_x_participant",
        ),
        {"public_agent": "not_public_agent"},
        ("ATELIERS NUMERIQUES DU LITTORAL", "Président de SAS"),
        certification=True,
    ),
    Case(
        "salarie-sans-mandat",
        "91845372100022",
        ("company_registration",),
        {"legal_representative": "no_active_mandate", "gaia_x_participant": "no_active_mandate"},
        ("Aucun mandat actif de représentant légal pour cette personne au SIREN 918453721",),
    ),
    Case(
        "membre-entreprise-cessee",
        "81077324200013",
        (),
        {
            "company_registration": "organisation_ceased",
            "legal_representative": "organisation_ceased",
        },
        ("Entreprise cessée le", "cessée"),
    ),
    Case(
        "agent-territorial",
        "21299741500014",
        ("company_registration", "public_agent"),
        {"legal_representative": "no_active_mandate", "gaia_x_participant": "no_active_mandate"},
        ("COMMUNE DE KERBRIAND",),
    ),
    Case(
        "president-holding",
        "90261587100016",
        ("company_registration",),
        {
            "legal_representative": "represented_by_legal_person",
            "gaia_x_participant": "represented_by_legal_person",
        },
        ("représenté par une personne morale",),
    ),
    Case(
        "dirigeante-non-diffusible",
        "88412095700011",
        (),
        {
            "company_registration": "organisation_not_diffusible",
            "legal_representative": "mandate_unconfirmed",
        },
        ("non diffusible",),
    ),
]


@pytest.mark.parametrize(
    "case", CASES, ids=lambda c: c.persona + ("-certification" if c.certification else "")
)
def test_eligible_credentials_and_refusal_reasons(browser: Browser, case: Case) -> None:
    page = browser.login(case.persona, case.siret, certification=case.certification)
    for kind in case.eligible:
        assert f'class="kind eligible" id="kind-{kind}"' in page, kind
    for kind, code in case.refused.items():
        assert f'class="kind refused" id="kind-{kind}"' in page, kind
        assert f'data-reason="{code}"' in page, code
    for text in case.shown:
        assert text in page, text
    assert case.siret[:9] in page


@pytest.mark.parametrize(
    ("certification", "offered", "not_offered"),
    [
        pytest.param(
            False,
            ("company_registration",),
            ("legal_representative", "executive_certification", "public_agent"),
            id="eidas1",
        ),
        pytest.param(
            True,
            ("company_registration", "legal_representative", "executive_certification"),
            ("public_agent",),
            id="certification",
        ),
    ],
)
def test_offer_buttons_for_each_format_of_eligible_kinds_only(
    browser: Browser,
    certification: bool,
    offered: tuple[str, ...],
    not_offered: tuple[str, ...],
) -> None:
    page = browser.login("gerant-sarl", "52718463400014", certification=certification)
    for kind in offered:
        for suffix in ("sd_jwt", "jwt_vc", "ldp_vc"):
            assert f'data-configuration="{kind}_{suffix}"' in page
    for kind in not_offered:
        assert f'data-configuration="{kind}_sd_jwt"' not in page


def test_refusal_reason_in_english(browser: Browser) -> None:
    browser.login("salarie-sans-mandat", "91845372100022")
    page = browser.client.get("/issuer/", params={"lang": "en"}).text
    assert "no active mandate for this person at SIREN 918453721" in page
    assert "Your organisation as the registers see it" in page


def test_person_and_mandate_match_summary(browser: Browser) -> None:
    page = browser.login("gerant-sarl", "52718463400014")
    assert "Eloise Marie d&#39;Almeida" in page
    assert "concordance au registre : nom, prénom" in page
    assert "non comparés : sexe, date de naissance, lieu de naissance" in page


def test_names_only_refusal_in_english(browser: Browser) -> None:
    browser.login("gerant-sarl", "52718463400014")
    page = browser.client.get("/issuer/", params={"lang": "en"}).text
    assert (
        "your name matches a legal representative of SIREN 527184634, but it could not be "
        "confirmed: log in with ProConnect&#39;s « certification dirigeant »"
    ) in page


def test_register_outage_is_a_503_page_and_no_offer(
    app: FastAPI, browser: Browser, services: Services
) -> None:
    page = browser.login("gerant-sarl", "52718463400014")
    token = browser.csrf(page)
    app.state.company_registry = DownRegistry()
    down = browser.client.get("/issuer/")
    assert down.status_code == 503
    assert "Registres momentanément indisponibles" in down.text
    assert "recherche-entreprises est indisponible" in down.text
    refused = browser.client.post(
        "/issuer/offers",
        data={"csrf_token": token, "configuration_id": "company_registration_sd_jwt"},
    )
    assert refused.status_code == 503
    assert offer_count(services) == 0


def test_stale_register_data_is_a_503_page(app: FastAPI, browser: Browser) -> None:
    browser.login("gerant-sarl", "52718463400014")
    app.state.company_registry = FrozenRegistry(datetime.now(UTC) - timedelta(days=3))
    stale = browser.client.get("/issuer/", params={"lang": "en"})
    assert stale.status_code == 503
    assert "older than 24 hours" in stale.text
