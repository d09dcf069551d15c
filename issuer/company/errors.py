"""Typed failures of company-register lookups.

Every error carries a stable ``code`` and a user-facing message in French and in English
(``message_fr`` / ``message_en``); ``detail`` is for logs and never holds personal data or
tokens. Callers catch :class:`RegistryError`.
"""

from __future__ import annotations


class RegistryError(Exception):
    """Base class: a company register could not answer the question asked."""

    code: str = "registry_error"

    def __init__(
        self, message_fr: str, message_en: str, *, source: str | None = None, detail: str = ""
    ) -> None:
        super().__init__(f"{self.code}: {message_en}" + (f" ({detail})" if detail else ""))
        self.message_fr = message_fr
        self.message_en = message_en
        self.source = source
        self.detail = detail


class InvalidIdentifier(RegistryError):
    """A SIREN or SIRET is malformed or fails its check digit."""

    code = "invalid_identifier"

    def __init__(self, kind: str, value: str) -> None:
        label = kind.upper()
        super().__init__(
            f"Le numéro {label} « {value} » n'est pas valide",
            f"{label} number '{value}' is not valid",
        )
        self.kind = kind
        self.value = value


class NotFound(RegistryError):
    """The register has no such organisation or establishment."""

    code = "not_found"

    def __init__(self, identifier: str, *, source: str | None = None) -> None:
        super().__init__(
            f"Aucune organisation trouvée pour {identifier}",
            f"no organisation found for {identifier}",
            source=source,
        )
        self.identifier = identifier


class NotProvided(RegistryError):
    """This source does not publish the requested kind of data (e.g. Sirene has no mandates)."""

    code = "not_provided"

    def __init__(self, what: str, *, source: str) -> None:
        super().__init__(
            f"La source {source} ne fournit pas : {what}",
            f"source {source} does not provide {what}",
            source=source,
        )


class RegistryUnavailable(RegistryError):
    """The source could not be reached, timed out, or answered with a server error."""

    code = "source_unavailable"

    def __init__(self, *, source: str | None, detail: str = "") -> None:
        name = source or "registre"
        super().__init__(
            f"La source de données {name} est indisponible",
            f"data source {source or 'register'} is unavailable",
            source=source,
            detail=detail,
        )


class RateLimited(RegistryUnavailable):
    """The source kept answering HTTP 429 after the allowed retries."""

    code = "rate_limited"

    def __init__(self, *, source: str, retry_after: float | None) -> None:
        super().__init__(source=source, detail=f"retry_after={retry_after}")
        self.message_fr = f"La source de données {source} limite le nombre de requêtes"
        self.message_en = f"data source {source} is rate limiting requests"
        self.retry_after = retry_after


class MalformedResponse(RegistryError):
    """The source answered something that is not the documented response shape."""

    code = "malformed_response"

    def __init__(self, *, source: str, detail: str) -> None:
        super().__init__(
            f"Réponse inattendue de la source de données {source}",
            f"unexpected response from data source {source}",
            source=source,
            detail=detail,
        )


class StaleData(RegistryError):
    """The only data available is older than the configured maximum age."""

    code = "stale_data"

    def __init__(self, *, source: str, age_hours: float, max_age_hours: float) -> None:
        super().__init__(
            f"Données de {source} trop anciennes (plus de {max_age_hours:g} heures)",
            f"data from {source} older than {max_age_hours:g} hours",
            source=source,
            detail=f"age={age_hours:.1f}h",
        )
        self.age_hours = age_hours
        self.max_age_hours = max_age_hours


class RegistryConfigurationError(RegistryError):
    """The registry composition names an unknown source or lacks credentials."""

    code = "configuration"

    def __init__(self, detail: str) -> None:
        super().__init__(
            "Configuration du registre des entreprises invalide",
            "invalid company registry configuration",
            detail=detail,
        )
