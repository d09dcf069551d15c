"""A wallet written from OpenID4VCI 1.0 (Final), RFC 9126, RFC 7636 and RFC 9449 — not from
the issuer's code, which it never imports.

It resolves Credential Offers (by value and by reference), discovers the Credential Issuer
and Authorization Server metadata, runs the Pre-Authorized Code flow (with a Transaction
Code) and the Authorization Code flow (PAR + PKCE, logging in through the ProConnect
sandbox's persona page like a browser would), optionally with DPoP, fetches ``c_nonce``
values, signs ``openid4vci-proof+jwt`` key proofs (key by ``kid`` as did:jwk or by ``jwk``),
requests single and batch credentials, and verifies what it gets with ``credentials/`` (and
SD-JWT VCs also with the OWF ``sd_jwt`` package).
"""

from tests.wallet.client import TokenSet, Wallet, WalletError
from tests.wallet.keys import DpopKey, WalletKey
from tests.wallet.offer import parse_offer_uri

__all__ = ["DpopKey", "TokenSet", "Wallet", "WalletError", "WalletKey", "parse_offer_uri"]
