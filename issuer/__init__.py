"""Issuer: ProConnect login, company lookups, OpenID4VCI, status lists, company portal."""
