"""Verifier: OpenID4VP for wallets, the verification pipeline, the connector HTTP API."""
