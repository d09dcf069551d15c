"""One complete visit, driven over HTTP, that handles every kind of secret the product has.

A ProConnect login through the sandbox (authorization code, session cookie), an offer from
the portal, the Pre-Authorized Code flow with a Transaction Code and DPoP (pre-authorized
code, tx_code, access token, DPoP proofs, c_nonce), an SD-JWT VC naming the persona, then an
OpenID4VP presentation of it (request object, nonce, state, KB-JWT). Each value is kept in
:class:`Secrets`, to be searched for in the logs afterwards.

The same code drives the app in process (``TestClient``) and a real server (``httpx``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
from cryptography import x509
from joserfc.jwk import ECKey

from attestia.sandbox.personas import CERTIFICATION_DIRIGEANT_ACR, load_personas
from credentials.keys import (
    SoftwareSigner,
    generate_private_key,
    jwk_thumbprint,
    private_key_to_pem,
    public_jwk,
)
from issuer.oid4vci.context import Oid4vciContext
from issuer.oid4vci.credential_offer import create_offer
from tests.holder.wallet import Wallet as Holder
from tests.holder.wallet import sd_jwt_presentation
from tests.issuer.minting.samples import claims_for
from tests.wallet import Wallet, WalletKey

PERSONA = "gerant-sarl"
SIRET = "52718463400014"
CONFIGURATION = "legal_representative_sd_jwt"
INTERACTION = re.compile(r'name="interaction" value="([^"]+)"')
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
OFFER_LINK = re.compile(r'id="same-device" href="([^"]+)"')
TX_CODE = re.compile(r'id="tx-code">(\d+)<')

#: Compact JWS/JWT (header ``{"…`` base64url-encoded), whatever it carries.
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{10,}\.")
#: Private key material in PEM or JWK form.
PRIVATE_KEY = re.compile(r'PRIVATE KEY|"d"\s*:')


@dataclass
class Secrets:
    """Named values that must never reach a log line."""

    values: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, value: str | None) -> None:
        if value:
            self.values[f"{name}#{len(self.values)}"] = value

    def leaks(self, lines: list[str]) -> list[str]:
        """Each (secret name, line) where a secret or a secret-shaped value appears."""
        found = []
        for line in lines:
            lowered = line.casefold()
            for name, value in self.values.items():
                if _contains(lowered, value.casefold()):
                    found.append(f"{name}: {line[:300]}")
            if JWT.search(line):
                found.append(f"JWT: {line[:300]}")
            if PRIVATE_KEY.search(line):
                found.append(f"private key: {line[:300]}")
        return found


def _contains(line: str, value: str) -> bool:
    """Digits-only values (a tx_code) must stand alone, not inside a longer number."""
    if value.isdigit():
        return re.search(rf"(?<!\d){re.escape(value)}(?!\d)", line) is not None
    return value in line


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


class TracingWallet(Wallet):
    """The spec-built wallet, reporting each code, verifier and ``c_nonce`` it handles."""

    secrets: Secrets

    def nonce(self) -> str:
        value = super().nonce()
        self.secrets.add("c_nonce", value)
        return value

    def _token(self, form: dict[str, str]) -> httpx.Response:
        for name in ("code", "code_verifier", "pre-authorized_code", "tx_code"):
            self.secrets.add(f"token request {name}", form.get(name))
        return super()._token(form)


def tracing_wallet(http: httpx.Client, secrets: Secrets) -> TracingWallet:
    wallet = TracingWallet(http, use_dpop=True)
    wallet.secrets = secrets
    return wallet


def holder_key() -> tuple[WalletKey, dict[str, Any]]:
    """A wallet key and its private JWK (the OpenID4VP holder signs the KB-JWT with it)."""
    private = generate_private_key("P-256")
    key = WalletKey()
    key.signer = SoftwareSigner(private, kid=jwk_thumbprint(public_jwk(private.public_key())))
    jwk = dict(ECKey.import_key(private_key_to_pem(private)).as_dict(private=True))
    return key, jwk


def login(http: httpx.Client, base_url: str, secrets: Secrets) -> str:
    """Sandbox login as :data:`PERSONA` (certified executive); returns the portal page."""
    params = {"next": "/issuer/", "certification": "1"}
    picker = http.get(f"{base_url}/auth/login", params=params, follow_redirects=True)
    assert picker.status_code == 200, picker.text[:300]
    found = INTERACTION.search(picker.text)
    assert found, picker.text[:300]
    answer = http.post(
        f"{base_url}/sandbox/proconnect/api/v2/interaction",
        data={
            "interaction": found.group(1),
            "persona": PERSONA,
            "siret": SIRET,
            "acr": CERTIFICATION_DIRIGEANT_ACR,
            "action": "login",
        },
        follow_redirects=False,
    )
    assert answer.status_code in (302, 303), answer.text[:300]
    callback = urljoin(str(answer.url), answer.headers["location"])
    answer_params = _query(callback)
    secrets.add("proconnect authorization code", answer_params.get("code"))
    secrets.add("proconnect state", answer_params.get("state"))
    page = http.get(callback, follow_redirects=True)
    assert urlsplit(str(page.url)).path == "/issuer/", (page.status_code, page.text[:300])
    for cookie in http.cookies.jar:
        secrets.add(f"cookie {cookie.name}", cookie.value)
    return page.text


def offer(http: httpx.Client, base_url: str, page: str, secrets: Secrets) -> tuple[str, str]:
    """Create an offer of :data:`CONFIGURATION` from the portal: (offer URI, tx_code)."""
    csrf = CSRF.search(page)
    assert csrf, page[:300]
    secrets.add("csrf token", csrf.group(1))
    answer = http.post(
        f"{base_url}/issuer/offers",
        data={"csrf_token": csrf.group(1), "configuration_id": CONFIGURATION},
    )
    assert answer.status_code == 201, answer.text[:500]
    link, code = OFFER_LINK.search(answer.text), TX_CODE.search(answer.text)
    assert link
    assert code
    secrets.add("tx_code", code.group(1))
    return link.group(1).replace("&amp;", "&"), code.group(1)


def issue(http: httpx.Client, uri: str, tx_code: str, secrets: Secrets) -> tuple[str, Any]:
    """Pre-Authorized Code flow with DPoP; returns the SD-JWT VC and the holder's JWK."""
    wallet = tracing_wallet(http, secrets)
    resolved = wallet.resolve_offer(uri)
    grant = resolved["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
    secrets.add("pre-authorized code", grant["pre-authorized_code"])
    wallet.discover(resolved["credential_issuer"])
    token = wallet.pre_authorized_token(resolved, tx_code)
    secrets.add("access token", token.access_token)
    key, private_jwk = holder_key()
    credentials, notification_id = wallet.credentials(token, [key], configuration_id=CONFIGURATION)
    secrets.add("notification_id", notification_id)
    assert notification_id is not None
    assert wallet.notify(token, notification_id, "credential_accepted").status_code == 204
    credential = str(credentials[0])
    secrets.add("credential", credential)
    for part in credential.split("~")[1:]:
        secrets.add("disclosure", part)
    return credential, private_jwk


def issue_by_authorization_code(http: httpx.Client, uri: str, secrets: Secrets) -> None:
    """Authorization Code flow (PAR, PKCE, DPoP) from an offer's ``issuer_state``, the
    End-User already logged in through the sandbox."""
    wallet = tracing_wallet(http, secrets)
    resolved = wallet.resolve_offer(uri)
    wallet.discover(resolved["credential_issuer"])
    issuer_state = resolved["grants"]["authorization_code"]["issuer_state"]
    secrets.add("issuer_state", issuer_state)
    token = wallet.authorization_code_token(
        persona=PERSONA, configuration_ids=[CONFIGURATION], issuer_state=issuer_state
    )
    secrets.add("access token", token.access_token)
    key, _ = holder_key()
    identifier = token.identifier_for(CONFIGURATION)
    secrets.add("credential_identifier", identifier)
    credentials, _ = wallet.credentials(token, [key], credential_identifier=identifier)
    secrets.add("credential", str(credentials[0]))


def present(
    http: httpx.Client,
    base_url: str,
    data_dir: Path,
    credential: str,
    holder_jwk: dict[str, Any],
    secrets: Secrets,
) -> dict[str, Any]:
    """An OpenID4VP transaction answered with the SD-JWT VC; returns the verifier's result."""
    query = {
        "credentials": [
            {
                "id": "mandate",
                "format": "dc+sd-jwt",
                "meta": {"vct_values": [f"{base_url}/issuer/vct/legal_representative"]},
                "claims": [{"path": ["given_name"]}, {"path": ["family_name"]}],
            }
        ]
    }
    created = http.post(f"{base_url}/verifier/transactions", json={"dcql_query": query})
    assert created.status_code == 201, created.text
    transaction = created.json()
    chain = (data_dir / "verifier" / "x509-dev-chain.pem").read_bytes()
    holder = Holder(http, trust_anchors=[x509.load_pem_x509_certificates(chain)[-1]])
    request = holder.fetch_request(transaction["authorization_request_uri"])
    secrets.add("openid4vp nonce", request.nonce)
    secrets.add("openid4vp state", request.state)
    presentation = sd_jwt_presentation(
        credential,
        {"given_name": True, "family_name": True},
        holder_jwk=holder_jwk,
        nonce=request.nonce,
        aud=request.client_id,
    )
    secrets.add("vp_token", presentation)
    answered = holder.respond(request, {"mandate": [presentation]})
    assert answered.status_code == 200, answered.text
    status = http.get(f"{base_url}/verifier/transactions/{transaction['transaction_id']}")
    assert status.status_code == 200, status.text
    result: dict[str, Any] = status.json()
    return result


def personal_data(secrets: Secrets) -> None:
    """The persona's names and e-mail address."""
    claims = load_personas().get(PERSONA).userinfo()
    for name in ("given_name", "usual_name", "email"):
        secrets.add(name, str(claims[name]))


def persona_sub() -> str:
    return str(load_personas().get(PERSONA).userinfo()["sub"])


def authorization_code_offer(ctx: Oid4vciContext) -> str:
    """An authorization-code offer of :data:`CONFIGURATION` for :data:`PERSONA` (by value)."""
    with ctx.sessions.begin() as session:
        made = create_offer(
            ctx,
            session,
            configuration_ids=[CONFIGURATION],
            claims_by_configuration={CONFIGURATION: claims_for("legal_representative")},
            subject={"sub": persona_sub()},
            grant="authorization_code",
            tx_code=False,
        )
    return made.uri_by_value


def run(
    http: httpx.Client,
    base_url: str,
    data_dir: Path,
    code_offer: Callable[[], str] | None = None,
) -> tuple[Secrets, dict[str, Any]]:
    """The whole visit; returns the secrets met on the way and the verifier's result.

    ``code_offer`` makes an authorization-code offer of :data:`CONFIGURATION` for
    :func:`persona_sub` (the portal makes pre-authorized ones only) and returns its URI.
    """
    secrets = Secrets()
    personal_data(secrets)
    page = login(http, base_url, secrets)
    uri, tx_code = offer(http, base_url, page, secrets)
    credential, holder_jwk = issue(http, uri, tx_code, secrets)
    if code_offer is not None:
        issue_by_authorization_code(http, code_offer(), secrets)
    checked = http.post(
        f"{base_url}/verifier/credentials/verify", json={"verifiableCredential": credential}
    )
    assert checked.status_code == 200, checked.text
    result = present(http, base_url, data_dir, credential, holder_jwk, secrets)
    return secrets, result
