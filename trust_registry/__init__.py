"""Trust registry: issuers x credential types x time, audit log, signed trusted list.

Modelled on the EBSI Trusted Issuers Registry (entries with revisions), ETSI TS 119 602
Lists of Trusted Entities (the signed list), EUDI TS5 (registrar entries with
entitlements) and the ToIP Trust Registry Query Protocol v2 (the authorization query).

Modules, from storage up:

* :mod:`~trust_registry.models` — SQLAlchemy tables (``registry_`` prefix) on
  :class:`~trust_registry.models.RegistryBase`;
* :mod:`~trust_registry.registry` — writes (create, update, types, suspend, reactivate,
  cancel), each appending an event and an audit entry and bumping the list sequence;
* :mod:`~trust_registry.history` — "authorised at time t", replayed from the events;
* :mod:`~trust_registry.audit` — the hash-chained audit log, its check and its export;
* :mod:`~trust_registry.admins`, :mod:`~trust_registry.tokens` — administrators and API
  tokens;
* :mod:`~trust_registry.query` — TRQP ``authorize``, issuer lists and history, and the
  :class:`~trust_registry.query.LocalTrustChecker`;
* :mod:`~trust_registry.lote`, :mod:`~trust_registry.trusted_list` — the signed list and
  the verifier-side :class:`~trust_registry.trusted_list.RemoteTrustChecker`.

Service functions take the caller's session (the caller commits) and an injected ``now``;
nothing here creates an engine or reads the clock.
"""
