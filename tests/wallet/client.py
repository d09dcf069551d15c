"""The wallet's protocol side: metadata, token, nonce, credential, deferred, notification."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx

from tests.wallet.browser import browse_until
from tests.wallet.keys import DpopKey, WalletKey
from tests.wallet.offer import parse_offer_uri

PRE_AUTHORIZED = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
REDIRECT_URI = "https://wallet.example/callback"
CLIENT_ID = "test-wallet"


class WalletError(AssertionError):
    """The issuer answered with an error where the flow expected success."""


def well_known(identifier: str, name: str) -> str:
    """§12.2.2 / RFC 8414 §3.1: insert the well-known segment before the path."""
    parts = urlsplit(identifier)
    return urlunsplit(
        (parts.scheme, parts.netloc, f"/.well-known/{name}{parts.path.rstrip('/')}", "", "")
    )


@dataclass
class TokenSet:
    access_token: str
    token_type: str
    authorization_details: list[dict[str, Any]] | None
    dpop: DpopKey | None
    raw: dict[str, Any] = field(default_factory=dict)

    def identifier_for(self, configuration_id: str) -> str:
        for entry in self.authorization_details or []:
            if entry.get("credential_configuration_id") == configuration_id:
                return str(entry["credential_identifiers"][0])
        raise KeyError(configuration_id)


def _expect(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    if response.status_code != status:
        raise WalletError(
            f"{response.request.url} answered {response.status_code}: {response.text}"
        )
    body: dict[str, Any] = response.json()
    return body


@dataclass
class Wallet:
    http: httpx.Client
    use_dpop: bool = False
    issuer_metadata: dict[str, Any] = field(default_factory=dict)
    as_metadata: dict[str, Any] = field(default_factory=dict)

    # Discovery ------------------------------------------------------------------------

    def resolve_offer(self, uri: str) -> dict[str, Any]:
        return parse_offer_uri(uri, self.http)

    def discover(self, credential_issuer: str) -> None:
        """Fetch both metadata documents and check the identifiers match (§12.2.4)."""
        issuer = _expect(self.http.get(well_known(credential_issuer, "openid-credential-issuer")))
        if issuer.get("credential_issuer") != credential_issuer:
            raise WalletError("credential_issuer differs from the identifier used (§12.2.4)")
        servers = issuer.get("authorization_servers") or [credential_issuer]
        authorization = _expect(self.http.get(well_known(servers[0], "oauth-authorization-server")))
        if authorization.get("issuer") != servers[0]:
            raise WalletError("AS metadata issuer mismatch (RFC 8414 §3.3)")
        self.issuer_metadata, self.as_metadata = issuer, authorization

    # Token ----------------------------------------------------------------------------

    def _token(self, form: dict[str, str]) -> httpx.Response:
        headers = {}
        dpop = DpopKey() if self.use_dpop else None
        if dpop is not None:
            headers["DPoP"] = dpop.proof("POST", self.as_metadata["token_endpoint"])
        response = self.http.post(self.as_metadata["token_endpoint"], data=form, headers=headers)
        response.extensions["wallet_dpop"] = dpop
        return response

    def _token_set(self, response: httpx.Response) -> TokenSet:
        body = _expect(response)
        dpop = response.extensions.get("wallet_dpop")
        expected = "DPoP" if dpop is not None else "Bearer"
        if body.get("token_type") != expected:
            raise WalletError(f"token_type {body.get('token_type')} instead of {expected}")
        return TokenSet(
            access_token=body["access_token"],
            token_type=body["token_type"],
            authorization_details=body.get("authorization_details"),
            dpop=dpop,
            raw=body,
        )

    def pre_authorized_token_response(
        self,
        offer: dict[str, Any],
        tx_code: str | None,
        *,
        authorization_details: list[dict[str, Any]] | None = None,
    ) -> httpx.Response:
        grant = offer["grants"][PRE_AUTHORIZED]
        form = {"grant_type": PRE_AUTHORIZED, "pre-authorized_code": grant["pre-authorized_code"]}
        if tx_code is not None:
            form["tx_code"] = tx_code
        if authorization_details is not None:
            form["authorization_details"] = json.dumps(authorization_details)
        return self._token(form)

    def pre_authorized_token(
        self,
        offer: dict[str, Any],
        tx_code: str | None,
        *,
        authorization_details: list[dict[str, Any]] | None = None,
    ) -> TokenSet:
        response = self.pre_authorized_token_response(
            offer, tx_code, authorization_details=authorization_details
        )
        return self._token_set(response)

    def authorization_code_token(
        self,
        *,
        persona: str,
        configuration_ids: list[str] | None = None,
        issuer_state: str | None = None,
        use_par: bool = True,
        use_scope: bool = False,
    ) -> TokenSet:
        """PAR (RFC 9126) + PKCE S256 (RFC 7636), login through the sandbox persona page."""
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        state = secrets.token_urlsafe(16)
        params = {
            "response_type": "code",
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT_URI,
            "code_challenge": challenge.rstrip(b"=").decode(),
            "code_challenge_method": "S256",
            "state": state,
        }
        if configuration_ids:
            supported = self.issuer_metadata["credential_configurations_supported"]
            if use_scope:
                params["scope"] = " ".join(supported[c]["scope"] for c in configuration_ids)
            else:
                params["authorization_details"] = json.dumps(
                    [
                        {"type": "openid_credential", "credential_configuration_id": c}
                        for c in configuration_ids
                    ]
                )
        if issuer_state is not None:
            params["issuer_state"] = issuer_state
        endpoint = self.as_metadata["authorization_endpoint"]
        if use_par:
            pushed = _expect(
                self.http.post(
                    self.as_metadata["pushed_authorization_request_endpoint"], data=params
                ),
                201,
            )
            query = {"client_id": CLIENT_ID, "request_uri": pushed["request_uri"]}
            url = f"{endpoint}?{urlencode(query)}"
        else:
            url = f"{endpoint}?{urlencode(params)}"
        location = browse_until(self.http, url, stop_prefix=REDIRECT_URI, persona=persona)
        answer = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
        if "error" in answer:
            raise WalletError(
                f"authorization error {answer['error']}: {answer.get('error_description')}"
            )
        if answer.get("state") != state:
            raise WalletError("state mismatch")
        if answer.get("iss") != self.as_metadata["issuer"]:
            raise WalletError("iss mismatch (RFC 9207)")
        response = self._token(
            {
                "grant_type": "authorization_code",
                "code": answer["code"],
                "code_verifier": verifier,
                "redirect_uri": REDIRECT_URI,
                "client_id": CLIENT_ID,
            }
        )
        return self._token_set(response)

    # Nonce and credential -------------------------------------------------------------

    def nonce(self) -> str:
        response = self.http.post(self.issuer_metadata["nonce_endpoint"])
        if "no-store" not in response.headers.get("cache-control", ""):
            raise WalletError("the nonce response must not be cacheable (§7.2)")
        return str(_expect(response)["c_nonce"])

    def _auth_headers(self, token: TokenSet, method: str, url: str) -> dict[str, str]:
        if token.dpop is None:
            return {"Authorization": f"Bearer {token.access_token}"}
        return {
            "Authorization": f"DPoP {token.access_token}",
            "DPoP": token.dpop.proof(method, url, access_token=token.access_token),
        }

    def post_resource(self, token: TokenSet, endpoint: str, body: dict[str, Any]) -> httpx.Response:
        url = self.issuer_metadata[endpoint]
        return self.http.post(url, json=body, headers=self._auth_headers(token, "POST", url))

    def credential_response(
        self,
        token: TokenSet,
        keys: list[WalletKey],
        *,
        configuration_id: str | None = None,
        credential_identifier: str | None = None,
        by: str = "kid",
    ) -> httpx.Response:
        nonce = self.nonce()
        proofs = [
            key.proof(audience=self.issuer_metadata["credential_issuer"], nonce=nonce, by=by)
            for key in keys
        ]
        body: dict[str, Any] = {"proofs": {"jwt": proofs}}
        if credential_identifier is not None:
            body["credential_identifier"] = credential_identifier
        else:
            body["credential_configuration_id"] = configuration_id
        return self.post_resource(token, "credential_endpoint", body)

    def credentials(
        self, token: TokenSet, keys: list[WalletKey], **kwargs: Any
    ) -> tuple[list[Any], str | None]:
        body = _expect(self.credential_response(token, keys, **kwargs))
        return [item["credential"] for item in body["credentials"]], body.get("notification_id")

    def notify(self, token: TokenSet, notification_id: str, event: str) -> httpx.Response:
        return self.post_resource(
            token, "notification_endpoint", {"notification_id": notification_id, "event": event}
        )
