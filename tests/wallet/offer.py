"""Credential Offer resolution (OpenID4VCI 1.0 §4.1.2, §4.1.3).

§4.1: the offer "MUST contain exactly one of" ``credential_offer`` (the JSON object, URL
encoded) and ``credential_offer_uri`` (an URL the Wallet fetches with GET, answered with
``application/json``).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx


class OfferError(ValueError):
    """The offer URI or the offer object is not what §4.1 defines."""


def parse_offer_uri(uri: str, http: httpx.Client | None = None) -> dict[str, Any]:
    """The Credential Offer object behind ``uri`` (fetched when it is by reference)."""
    parts = urlsplit(uri)
    params = parse_qs(parts.query)
    names = [n for n in ("credential_offer", "credential_offer_uri") if n in params]
    if len(names) != 1 or len(params[names[0]]) != 1:
        raise OfferError("exactly one of credential_offer and credential_offer_uri is required")
    if names[0] == "credential_offer":
        try:
            offer = json.loads(params["credential_offer"][0])
        except ValueError as exc:
            raise OfferError("credential_offer is not JSON") from exc
    else:
        if http is None:
            raise OfferError("an offer by reference needs an HTTP client")
        response = http.get(params["credential_offer_uri"][0])
        if response.status_code != 200:
            raise OfferError(f"credential_offer_uri answered {response.status_code}")
        if response.headers.get("content-type", "").split(";")[0] != "application/json":
            raise OfferError("credential_offer_uri must serve application/json")
        try:
            offer = response.json()
        except ValueError as exc:
            raise OfferError("credential_offer_uri did not serve JSON") from exc
    check_offer(offer)
    return dict(offer)


def check_offer(offer: Any) -> None:
    """§4.1.1: ``credential_issuer`` and a non-empty ``credential_configuration_ids``."""
    if not isinstance(offer, dict):
        raise OfferError("the offer is a JSON object")
    if not isinstance(offer.get("credential_issuer"), str):
        raise OfferError("credential_issuer is required")
    ids = offer.get("credential_configuration_ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise OfferError("credential_configuration_ids must be a non-empty array of strings")
    grants = offer.get("grants", {})
    if not isinstance(grants, dict):
        raise OfferError("grants must be an object")
    pre = grants.get("urn:ietf:params:oauth:grant-type:pre-authorized_code")
    if pre is not None and not (
        isinstance(pre, dict) and isinstance(pre.get("pre-authorized_code"), str)
    ):
        raise OfferError("the pre-authorized grant needs a pre-authorized_code")
