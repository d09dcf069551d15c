"""OpenID for Verifiable Credential Issuance 1.0 (Final), the issuer side.

https://openid.net/specs/openid-4-verifiable-credential-issuance-1_0.html — section numbers
below follow the final text. The package knows nothing of the web framework: functions take
typed requests, a SQLAlchemy ``sessionmaker`` (storage), an injected clock and randomness,
and return typed responses or raise :class:`.errors.Oid4vciError` subclasses carrying the
spec's error code.

- :mod:`.config`: lifetimes, limits and endpoint URLs (the Credential Issuer Identifier is
  the deployment's base URL, §12.2.1);
- :mod:`.metadata`: Credential Issuer metadata (§12.2, signed form §12.2.3) and OAuth 2.0
  Authorization Server metadata (RFC 8414, §12.3);
- :mod:`.credential_offer`: Credential Offers by value and by reference (§4.1) with the
  Pre-Authorized Code grant and its Transaction Code;
- :mod:`.authorization`: Pushed Authorization Requests (RFC 9126), the Authorization
  Endpoint (§5) with PKCE (RFC 7636), ``authorization_details`` (RFC 9396) and
  ``issuer_state``;
- :mod:`.token`: the Token Endpoint (§6), both grants, DPoP binding (RFC 9449, :mod:`.dpop`);
- :mod:`.access_token`: opaque, hashed, short-lived access tokens and their checks at the
  resource (RFC 6750, RFC 9449 §7);
- :mod:`.nonce`: the Nonce Endpoint (§7);
- :mod:`.proof`: the ``jwt`` key proof (Appendix F.1);
- :mod:`.credential`, :mod:`.deferred`, :mod:`.notification`: the Credential (§8), Deferred
  Credential (§9) and Notification (§11) Endpoints.
"""
