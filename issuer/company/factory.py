"""Build the configured :class:`CompositeRegistry` from a :class:`RegistryConfig`."""

from __future__ import annotations

import httpx

from issuer.company import api_entreprise, recherche_entreprises, rne, sirene
from issuer.company.composite import CompositeRegistry, RegistryConfig
from issuer.company.errors import RegistryConfigurationError
from issuer.company.offline import OfflineRegistry
from issuer.company.registry import CompanyRegistry
from issuer.company.transport import DEFAULT_USER_AGENT, Clock, utc_now

SOURCE_NAMES = frozenset(
    {"offline", recherche_entreprises.SOURCE, sirene.SOURCE, api_entreprise.SOURCE, rne.SOURCE}
)


def _require(value: str | None, what: str) -> str:
    if not value:
        raise RegistryConfigurationError(f"{what} is required by the configured sources")
    return value


def build_registry(
    config: RegistryConfig, http: httpx.AsyncClient, *, clock: Clock = utc_now
) -> CompositeRegistry:
    """Instantiate every named source once and compose them in the configured order."""
    built: dict[str, CompanyRegistry] = {}
    agent = config.user_agent or DEFAULT_USER_AGENT
    timeout = config.timeout_seconds

    def source(name: str) -> CompanyRegistry:
        if name in built:
            return built[name]
        registry: CompanyRegistry
        if name == "offline":
            registry = OfflineRegistry(clock=clock)
        elif name == recherche_entreprises.SOURCE:
            registry = recherche_entreprises.RechercheEntreprisesRegistry(
                http, timeout=timeout, clock=clock, user_agent=agent
            )
        elif name == sirene.SOURCE:
            registry = sirene.SireneRegistry(
                http,
                api_key=_require(config.insee_api_key, "insee_api_key"),
                timeout=timeout,
                clock=clock,
                user_agent=agent,
            )
        elif name == api_entreprise.SOURCE:
            registry = api_entreprise.ApiEntrepriseRegistry(
                http,
                token=_require(config.api_entreprise_token, "api_entreprise_token"),
                recipient=_require(config.api_entreprise_recipient, "api_entreprise_recipient"),
                context=config.api_entreprise_context,
                purpose=config.api_entreprise_object,
                timeout=timeout,
                clock=clock,
                user_agent=agent,
            )
        elif name == rne.SOURCE:
            registry = rne.RneRegistry(
                http,
                username=_require(config.rne_username, "rne_username"),
                password=_require(config.rne_password, "rne_password"),
                timeout=timeout,
                clock=clock,
                user_agent=agent,
            )
        else:
            raise RegistryConfigurationError(
                f"unknown company data source {name!r}; known: {sorted(SOURCE_NAMES)}"
            )
        built[name] = registry
        return registry

    return CompositeRegistry(
        [source(n) for n in config.identity_sources],
        [source(n) for n in config.mandate_sources],
        cache_ttl=config.cache_ttl,
        max_age=config.max_age,
        clock=clock,
    )
