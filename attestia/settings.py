"""Typed settings for the whole deployment (environment prefix ``ATTESTIA_``, ``.env``).

Settings are read once by the composition layer and injected; nothing reads the
environment at import time. :func:`load_settings` turns pydantic's validation errors into a
:class:`SettingsError` whose message names the environment variable at fault, and applies
the production safety rules (:meth:`Settings.production_problems`).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ENV_PREFIX = "ATTESTIA_"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"

Mode = Literal["dev", "production"]
RegistrySource = Literal["offline", "recherche-entreprises", "sirene", "api-entreprise", "rne"]
ProConnectAuthMethod = Literal["client_secret_post", "client_secret_basic", "private_key_jwt"]
#: Scopes asked of ProConnect (reference §1.5); ``roles`` and ``organization_label`` are
#: scopes of their own in the federation's scope → claim map.
DEFAULT_PROCONNECT_SCOPES = (
    "openid",
    "given_name",
    "usual_name",
    "email",
    "uid",
    "siret",
    "siren",
    "organizational_unit",
    "belonging_population",
    "phone",
    "idp_id",
    "idp_acr",
    "custom",
    "roles",
    "organization_label",
)
SANDBOX_PROCONNECT_PATH = "/sandbox/proconnect/api/v2"
_SHA256_HEX = re.compile(r"^[0-9a-fA-F]{64}$")


class SettingsError(ValueError):
    """A setting is missing, malformed or unsafe; the message names it."""


class Settings(BaseSettings):
    """Every knob of an Attestia deployment. Dev defaults need no configuration at all."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
    )

    mode: Mode = "dev"
    base_url: str = DEFAULT_BASE_URL
    data_dir: Path = Path("./var")
    database_url: str | None = None
    allow_sqlite_in_production: bool = False

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)

    master_key: SecretStr | None = Field(
        default=None, description="base64url of 32 random bytes; encrypts private keys at rest"
    )
    master_key_file: Path | None = None

    proconnect_sandbox: bool | None = None
    proconnect_url: str = ""
    proconnect_client_id: str = ""
    proconnect_client_secret: SecretStr | None = None
    proconnect_scopes: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(DEFAULT_PROCONNECT_SCOPES)
    )
    proconnect_userinfo_format: Literal["jwt", "json"] = "jwt"
    proconnect_auth_method: ProConnectAuthMethod = "client_secret_post"
    proconnect_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    proconnect_cache_seconds: int = Field(default=3600, ge=0)

    company_registry: RegistrySource = "offline"

    oid4vci_dpop_required: bool = False
    oid4vci_batch_size: int = Field(default=10, ge=2, le=100)
    oid4vci_access_token_ttl: int = Field(default=300, ge=30, le=3600)
    oid4vci_offer_ttl: int = Field(default=600, ge=60, le=86400)
    oid4vci_token_rate_per_second: float = Field(
        default=10.0,
        ge=0,
        description="Token Endpoint requests per second and client address (0: no limit)",
    )
    oid4vci_token_burst: int = Field(
        default=60, ge=1, description="Token Endpoint requests a client address may send at once"
    )

    metrics_token: SecretStr | None = Field(
        default=None, description="bearer token for GET /metrics in production"
    )
    metrics_allowed_networks: list[str] = Field(
        default_factory=list,
        description="CIDRs that may read GET /metrics in production without the token",
    )

    session_lifetime_seconds: int = Field(default=8 * 3600, ge=60)
    log_format: Literal["auto", "text", "json"] = "auto"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    dev_allowed_hosts: list[str] = Field(
        default_factory=lambda: ["127.0.0.1", "localhost"],
        description="hosts that did:web and other fetches may reach over http/loopback in dev",
    )

    verifier_api_keys: dict[str, str] = Field(
        default_factory=dict,
        description="connector name → hex SHA-256 of its API key (JSON in the environment); "
        "empty with no keys file: the connector API is open",
    )
    verifier_api_keys_file: Path | None = Field(
        default=None, description="a JSON file of the same shape, merged with the above"
    )
    verifier_x5c_anchors_file: Path | None = Field(
        default=None,
        description="PEM bundle of the CAs that SD-JWT VC issuer x5c chains must lead to",
    )
    verifier_trusted_list_url: str | None = Field(
        default=None,
        description="signed trusted list (https URL or file) the verifier trusts instead of "
        "the local registry",
    )
    verifier_trusted_list_anchor: Path | None = Field(
        default=None, description="public key (JWK or PEM file) that signs the trusted list"
    )

    gaia_x_chain_file: Path | None = Field(
        default=None,
        description="PEM chain (leaf first) certifying the issuer RSA key: an EV SSL or eIDAS "
        "certificate; required in production; dev generates var/gaia-x-chain.pem",
    )
    gaia_x_compliance_url: str | None = Field(
        default=None,
        description="GXDCH compliance service base, version segment included "
        "(e.g. https://compliance.lab.gaia-x.eu/v2); unset: no submission",
    )
    gaia_x_compliance_flavour: Literal["loire", "tagus"] = "loire"
    gaia_x_shapes: str | None = Field(
        default=None, description="Loire SHACL shapes (gx.shacl.ttl), a path or https URL"
    )
    gaia_x_ontology: str | None = Field(
        default=None, description="Loire ontology (gx.owl.ttl) for its rdfs:subClassOf axioms"
    )
    gaia_x_tagus_shapes: str | None = Field(
        default=None, description="Tagus 22.10 trustframework shapes (JSON-LD), path or URL"
    )
    gaia_x_subdivision_codes_file: Path | None = Field(
        default=None, description="ISO 3166-2 codes (JSON array) the business rule checks"
    )
    gaia_x_trust_anchors_file: Path | None = Field(
        default=None, description="PEM bundle of the EV/eIDAS roots x5u chains must reach"
    )
    gaia_x_accept_dev_chains: bool | None = Field(
        default=None,
        description="accept self-signed (development) x5u chains; default: true in dev only",
    )

    @field_validator("gaia_x_compliance_url")
    @classmethod
    def _check_compliance_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if urlsplit(value).scheme not in ("https", "http") or not urlsplit(value).hostname:
            raise ValueError("must be an https URL such as https://compliance.lab.gaia-x.eu/v2")
        return value.rstrip("/")

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an absolute http(s) URL such as https://attestia.example")
        if parts.query or parts.fragment:
            raise ValueError("must not have a query or fragment")
        return value.rstrip("/")

    @field_validator("proconnect_scopes", mode="before")
    @classmethod
    def _split_scopes(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.split()
        if isinstance(value, list) and "openid" not in value:
            raise ValueError("must contain 'openid' (space-separated scopes)")
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must be a sqlite:/// or postgresql+psycopg:// URL")
        return value

    @field_validator("verifier_api_keys")
    @classmethod
    def _check_api_key_digests(cls, value: dict[str, str]) -> dict[str, str]:
        for name, digest in value.items():
            if not _SHA256_HEX.fullmatch(digest):
                raise ValueError(f"{name!r}: expected the hex SHA-256 of the key")
        return {name: digest.lower() for name, digest in value.items()}

    @field_validator("verifier_trusted_list_url")
    @classmethod
    def _check_trusted_list_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if "://" in value and urlsplit(value).scheme not in ("https", "http"):
            raise ValueError("must be an https URL or a file path")
        return value

    @model_validator(mode="after")
    def _trusted_list_needs_anchor(self) -> Settings:
        if (self.verifier_trusted_list_url is None) != (self.verifier_trusted_list_anchor is None):
            raise ValueError(
                f"{ENV_PREFIX}VERIFIER_TRUSTED_LIST_URL and "
                f"{ENV_PREFIX}VERIFIER_TRUSTED_LIST_ANCHOR go together"
            )
        return self

    @field_validator("metrics_token")
    @classmethod
    def _check_metrics_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError("must be at least 16 characters")
        return value

    @field_validator("metrics_allowed_networks")
    @classmethod
    def _check_networks(cls, value: list[str]) -> list[str]:
        for network in value:
            try:
                ipaddress.ip_network(network)
            except ValueError:
                raise ValueError(f"{network!r} is not a CIDR network") from None
        return value

    # Derived values -------------------------------------------------------------------

    @property
    def is_production(self) -> bool:
        return self.mode == "production"

    @property
    def sandbox_enabled(self) -> bool:
        if self.proconnect_sandbox is None:
            return not self.is_production
        return self.proconnect_sandbox

    @property
    def proconnect_issuer_url(self) -> str:
        """The configured ProConnect ``/api/v2`` URL, else the in-process sandbox's."""
        if self.proconnect_url:
            return self.proconnect_url.rstrip("/")
        return self.base_url + SANDBOX_PROCONNECT_PATH

    @property
    def proconnect_redirect_uri(self) -> str:
        return self.base_url + "/auth/callback"

    @property
    def proconnect_post_logout_redirect_uri(self) -> str:
        return self.base_url + "/auth/logged-out"

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'attestia.db').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    @property
    def accepts_dev_gaia_x_chains(self) -> bool:
        if self.gaia_x_accept_dev_chains is None:
            return not self.is_production
        return self.gaia_x_accept_dev_chains

    @property
    def resolved_gaia_x_chain_file(self) -> Path:
        """The operator's chain, else the development chain kept under the data dir."""
        return self.gaia_x_chain_file or self.data_dir / "gaia-x-chain.pem"

    @property
    def resolved_master_key_file(self) -> Path:
        return self.master_key_file or self.data_dir / "master.key"

    def production_problems(self) -> list[str]:
        """Every reason this configuration must not run in production mode."""
        if not self.is_production:
            return []
        problems = []
        env = ENV_PREFIX
        if self.sandbox_enabled:
            problems.append(
                f"{env}PROCONNECT_SANDBOX: the ProConnect sandbox cannot run in production"
            )
        if self.company_registry == "offline":
            problems.append(
                f"{env}COMPANY_REGISTRY: the offline company registry cannot run in production"
            )
        if urlsplit(self.base_url).scheme != "https":
            problems.append(f"{env}BASE_URL: production needs an https:// public URL")
        if self.is_sqlite and not self.allow_sqlite_in_production:
            problems.append(
                f"{env}DATABASE_URL: SQLite in production needs "
                f"{env}ALLOW_SQLITE_IN_PRODUCTION=true (use PostgreSQL)"
            )
        if self.master_key is None and self.master_key_file is None:
            problems.append(
                f"{env}MASTER_KEY or {env}MASTER_KEY_FILE: production needs an explicit "
                "master secret (no generated default)"
            )
        if not self.proconnect_client_id or self.proconnect_client_secret is None:
            problems.append(
                f"{env}PROCONNECT_CLIENT_ID / {env}PROCONNECT_CLIENT_SECRET: required in production"
            )
        if not self.proconnect_url:
            problems.append(f"{env}PROCONNECT_URL: required in production")
        if self.gaia_x_chain_file is None:
            problems.append(
                f"{env}GAIA_X_CHAIN_FILE: production needs the EV/eIDAS certificate chain of "
                "the issuer RSA key (the did:web x5u)"
            )
        if self.gaia_x_accept_dev_chains:
            problems.append(
                f"{env}GAIA_X_ACCEPT_DEV_CHAINS: self-signed x5u chains cannot be accepted "
                "in production"
            )
        if self.gaia_x_compliance_url and urlsplit(self.gaia_x_compliance_url).scheme != "https":
            problems.append(f"{env}GAIA_X_COMPLIANCE_URL: production needs an https URL")
        return problems


def _describe(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        if not item["loc"]:
            lines.append(item["msg"])
            continue
        name = ENV_PREFIX + "_".join(str(part) for part in item["loc"]).upper()
        lines.append(f"{name}: {item['msg']}")
    return "; ".join(lines)


def load_settings(overrides: Mapping[str, Any] | None = None, **kwargs: Any) -> Settings:
    """Read and validate settings; raise :class:`SettingsError` naming each bad setting."""
    try:
        settings = Settings(**{**(overrides or {}), **kwargs})
    except ValidationError as exc:
        raise SettingsError(_describe(exc)) from None
    problems = settings.production_problems()
    if problems:
        raise SettingsError("; ".join(problems))
    return settings
