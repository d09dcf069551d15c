"""Loading and validating the catalogue at start.

Every ``kinds/*.json`` and ``configurations/*.json`` file is parsed with the pydantic
models of :mod:`issuer.catalogue.models`; the first problem raises :class:`CatalogueError`
naming the file and the field (``configurations/x.json: validity_days: ...``). Then the
cross-file rules: each configuration names a known kind, its ``vct`` is the kind's URL under
the issuer, selectively disclosable names are top-level claims of the kind, every claim
name is a term of the project vocabulary, and identifiers are unique.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError

from issuer.catalogue.configuration import (
    GAIA_X_PARTICIPANT_TYPE,
    CredentialConfiguration,
    vct_url,
)
from issuer.catalogue.errors import CatalogueError, UnknownConfigurationError
from issuer.catalogue.models import (
    BASE_URL_PLACEHOLDER,
    ConfigurationFile,
    Cryptosuite,
    KindSpec,
)
from issuer.catalogue.type_metadata import type_metadata
from issuer.catalogue.vocabulary import defined_terms

DEFAULT_CRYPTOSUITE: Cryptosuite = "eddsa-rdfc-2022"


def _field(error: ValidationError) -> tuple[str, str]:
    first = error.errors()[0]
    location = ".".join(str(part) for part in first["loc"]) or "(file)"
    return location, first["msg"]


def _read_json(name: str, entry: Traversable | Path) -> Any:
    try:
        return json.loads(entry.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise CatalogueError(name, f"line {exc.lineno}", f"not JSON: {exc.msg}") from None


def _json_files(folder: Traversable | Path) -> list[tuple[str, Traversable | Path]]:
    files = [(entry.name, entry) for entry in folder.iterdir() if entry.name.endswith(".json")]
    return sorted(files, key=lambda item: item[0])


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Every credential configuration, by id, for one deployment base URL."""

    base_url: str
    kinds: Mapping[str, KindSpec]
    configurations: Mapping[str, CredentialConfiguration]

    def get(self, configuration_id: str) -> CredentialConfiguration:
        """The configuration, or :class:`UnknownConfigurationError`."""
        try:
            return self.configurations[configuration_id]
        except KeyError:
            raise UnknownConfigurationError(configuration_id) from None

    def __contains__(self, configuration_id: object) -> bool:
        return configuration_id in self.configurations

    def __iter__(self) -> Iterator[CredentialConfiguration]:
        return iter(self.configurations.values())

    def by_scope(self, scope: str) -> list[CredentialConfiguration]:
        return [c for c in self.configurations.values() if c.scope == scope]

    def by_kind(self, kind: str) -> list[CredentialConfiguration]:
        return [c for c in self.configurations.values() if c.kind_name == kind]

    def credential_configurations_supported(self) -> dict[str, dict[str, Any]]:
        """The OpenID4VCI 1.0 §12.2.4 ``credential_configurations_supported`` object."""
        return {cid: c.issuer_metadata() for cid, c in self.configurations.items()}

    def type_metadata(self, kind: str) -> dict[str, Any]:
        """The SD-JWT VC Type Metadata served at ``vct_url(base_url, kind)``."""
        for configuration in self.by_kind(kind):
            if configuration.format == "dc+sd-jwt":
                return type_metadata(configuration)
        raise UnknownConfigurationError(kind)

    def trust_registry_types(self) -> frozenset[str]:
        """Every credential type string the trust registry must allow for this issuer."""
        return frozenset(t for c in self.configurations.values() for t in c.trust_registry_types)


def _load_kind(name: str, raw: Any) -> KindSpec:
    try:
        kind = KindSpec.model_validate(raw)
    except ValidationError as exc:
        raise CatalogueError(name, *_field(exc)) from None
    if Path(name).stem != kind.kind:
        raise CatalogueError(name, "kind", f"the file must be named {kind.kind}.json")
    terms = defined_terms()
    if kind.vocabulary == "attestia" and kind.credential_type not in terms:
        raise CatalogueError(name, "credential_type", "not defined by the attestia context")
    for index, claim in enumerate(kind.claims):
        for part in claim.path:
            if part not in terms:
                raise CatalogueError(
                    name, f"claims.{index}.path", f"{part!r} is not a term of the vocabulary"
                )
    return kind


def _substitute(value: str, base_url: str) -> str:
    return value.replace(BASE_URL_PLACEHOLDER, base_url.rstrip("/"))


def _build_configuration(
    name: str,
    raw: Any,
    kinds: Mapping[str, KindSpec],
    base_url: str,
    cryptosuite: Cryptosuite,
) -> CredentialConfiguration:
    try:
        spec = ConfigurationFile.model_validate(raw)
    except ValidationError as exc:
        raise CatalogueError(name, *_field(exc)) from None
    if Path(name).stem != spec.id:
        raise CatalogueError(name, "id", f"the file must be named {spec.id}.json")
    kind = kinds.get(spec.kind)
    if kind is None:
        raise CatalogueError(name, "kind", f"no kinds/{spec.kind}.json")
    vct = _substitute(spec.vct, base_url) if spec.vct is not None else None
    if vct is not None and vct != vct_url(base_url, spec.kind):
        raise CatalogueError(name, "vct", f"must be {{base_url}}/issuer/vct/{spec.kind}")
    top = {claim.path[0] for claim in kind.top_level()}
    for index, claim_name in enumerate(spec.selectively_disclosable):
        if claim_name not in top:
            raise CatalogueError(
                name, f"selectively_disclosable.{index}", f"{claim_name!r} is not a claim"
            )
    types = tuple(_substitute(t, base_url) for t in spec.trust_registry_types)
    expected = vct if vct is not None else kind.credential_type
    if spec.builder is not None:
        expected = GAIA_X_PARTICIPANT_TYPE[spec.builder]
    if (kind.vocabulary == "gaia-x") != (spec.builder is not None):
        raise CatalogueError(name, "builder", "Gaia-X kinds and Gaia-X builders go together")
    if expected not in types:
        raise CatalogueError(name, "trust_registry_types", f"must include {expected!r}")
    if spec.format == "ldp_vc" and spec.builder is None:
        assert spec.cryptosuites_supported is not None
        if cryptosuite not in spec.cryptosuites_supported:
            raise CatalogueError(
                name, "cryptosuites_supported", f"the configured {cryptosuite} is not listed"
            )
    return CredentialConfiguration(
        id=spec.id,
        kind=kind,
        format=spec.format,
        scope=spec.scope,
        validity=timedelta(days=spec.validity_days),
        vct=vct,
        selectively_disclosable=frozenset(spec.selectively_disclosable),
        signing_algs=tuple(spec.credential_signing_alg_values_supported or ()),
        cryptosuite=cryptosuite if spec.format == "ldp_vc" and spec.builder is None else None,
        binding_methods=tuple(spec.cryptographic_binding_methods_supported),
        proof_types={str(k): v for k, v in spec.proof_types_supported.items()},
        trust_registry_types=types,
        source_file=name,
        builder=spec.builder,
    )


def load_catalogue(
    base_url: str,
    *,
    directory: Path | None = None,
    cryptosuite: Cryptosuite = DEFAULT_CRYPTOSUITE,
) -> Catalogue:
    """Load and validate every file (the package's own unless ``directory`` is given).

    ``directory`` holds ``kinds/`` and ``configurations/``. ``base_url`` is the issuer's
    public https base (``{base_url}`` in the files); ``cryptosuite`` is the Data Integrity
    suite ``ldp_vc`` credentials are signed with.
    """
    if not base_url.startswith(("https://", "http://")):
        raise CatalogueError("(settings)", "base_url", "must be an absolute http(s) URL")
    root: Traversable | Path = directory or resources.files(__package__)
    kinds: dict[str, KindSpec] = {}
    for file_name, entry in _json_files(root.joinpath("kinds")):
        name = f"kinds/{file_name}"
        kind = _load_kind(name, _read_json(name, entry))
        kinds[kind.kind] = kind
    configurations: dict[str, CredentialConfiguration] = {}
    scopes: dict[str, str] = {}
    for file_name, entry in _json_files(root.joinpath("configurations")):
        name = f"configurations/{file_name}"
        configuration = _build_configuration(
            name, _read_json(name, entry), kinds, base_url, cryptosuite
        )
        if configuration.scope in scopes:
            raise CatalogueError(name, "scope", f"already used by {scopes[configuration.scope]}")
        scopes[configuration.scope] = name
        configurations[configuration.id] = configuration
    if not configurations:
        raise CatalogueError("configurations/", "(folder)", "no configuration file")
    return Catalogue(
        base_url=base_url.rstrip("/"),
        kinds=MappingProxyType(kinds),
        configurations=MappingProxyType(configurations),
    )
