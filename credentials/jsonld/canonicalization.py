"""RDF Dataset Canonicalization (RDFC-1.0, a.k.a. URDNA2015) of JSON-LD documents, bounded.

- JSON-LD → RDF: JSON-LD 1.1 API §8.3 "Deserialize JSON-LD to RDF", done by pyld with the
  caller's :class:`~credentials.jsonld.registry.ContextRegistry` (never the network).
- RDF → canonical N-Quads: W3C RDF Dataset Canonicalization (RDFC-1.0, REC 2024),
  https://www.w3.org/TR/rdf-canon/ §4.4, run by pyld's URDNA2015 with a hash function
  parameter (§4.4.1: SHA-256 by default; VC-DI-ECDSA §3.3.1 uses SHA-384 for P-384) and
  with the work bounds below.

RDFC-1.0 §6 (privacy/security) and §4.4: "Implementations MUST prevent against potential
denial-of-service attacks" — poison graphs of interlinked blank nodes with identical shapes
make Hash N-Degree Quads (§4.8) enumerate permutations factorially. :class:`CanonicalizationLimits`
caps the blank nodes, the calls to Hash N-Degree Quads, the size of a permuted group and the
wall time; crossing any raises :class:`~credentials.jsonld.errors.CanonicalizationLimitError`.
The input JSON itself is bounded first (:func:`check_input_bounds`).

Measured (``scripts/bench_canonicalization.py``, 10-claim VCDM 2.0 credential, one core):
JSON-LD → RDF with pyld and cached contexts ≈ 0.5 ms of CPU, ≈ 0.35 ms since scoped
contexts are memoised per registry (:mod:`credentials.jsonld.processor`), safe mode
included (≈ 0.04 ms of it); RDFC-1.0 alone ≈ 0.15 ms here versus ≈ 0.06 ms for
pyoxigraph's canonicaliser, which is byte-identical on every vector but has no work limit.
pyoxigraph's JSON-LD parser cannot use our loader (no document-loader hook) and, with
contexts inlined, mis-reads the citizenship vectors' scoped contexts. End to end the two
canonicalisers are within 1 %, so the bounded pyld one is kept.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from pyld import jsonld
from pyld.canon import URDNA2015

from credentials.errors import CredentialError
from credentials.jsonld.errors import (
    CanonicalizationLimitError,
    InputTooLargeError,
    JsonLdError,
    UnsafeJsonLdError,
)
from credentials.jsonld.processor import RegistryProcessor
from credentials.jsonld.registry import ContextRegistry
from credentials.jsonld.safe_mode import SafeModeEvent, SafeModeProcessor

HashName = Literal["sha256", "sha384"]
RdfDataset = dict[str, list[dict[str, Any]]]

MAX_INPUT_BYTES: Final = 512 * 1024
MAX_INPUT_DEPTH: Final = 32
MAX_INPUT_VALUES: Final = 20_000


@dataclass(frozen=True, slots=True)
class CanonicalizationLimits:
    """Work bounds for one canonicalisation; the defaults fit any real credential."""

    max_quads: int = 10_000
    max_blank_nodes: int = 512
    max_n_degree_calls: int = 2_000
    max_related_group: int = 6
    time_budget_s: float = 2.0


DEFAULT_LIMITS: Final = CanonicalizationLimits()


def check_input_bounds(
    document: Any,
    *,
    max_bytes: int = MAX_INPUT_BYTES,
    max_depth: int = MAX_INPUT_DEPTH,
    max_values: int = MAX_INPUT_VALUES,
) -> None:
    """Refuse a JSON value that is too deep, has too many values or too much text.

    Counted without serialising: strings and keys by length, other scalars as 8 bytes.
    """
    size = 0
    values = 0
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        values += 1
        if depth > max_depth:
            raise InputTooLargeError(f"JSON nesting deeper than {max_depth}")
        if values > max_values:
            raise InputTooLargeError(f"JSON has more than {max_values} values")
        if isinstance(value, str):
            size += len(value) + 2
        elif isinstance(value, dict | Mapping):
            for key, item in value.items():
                size += len(key) + 4 if isinstance(key, str) else 8
                stack.append((item, depth + 1))
        elif isinstance(value, list | tuple):
            stack.extend((item, depth + 1) for item in value)
        else:
            size += 8
        if size > max_bytes:
            raise InputTooLargeError(f"JSON larger than {max_bytes} bytes")


def _credential_error_in(exc: BaseException) -> CredentialError | None:
    seen: BaseException | None = exc
    for _ in range(16):
        if seen is None:
            return None
        if isinstance(seen, CredentialError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _pyld_options(registry: ContextRegistry, safe: bool) -> dict[str, Any]:
    options = registry.pyld_options()
    # pyld resolves relative IRIs against "http://example.org/base/" when the base is "";
    # safe mode keeps them relative (no base at all) so that they are found and refused.
    options["base"] = None if safe else ""
    return options


def _processor(registry: ContextRegistry, safe: bool) -> RegistryProcessor:
    cache = registry.processed_contexts
    return SafeModeProcessor(cache) if safe else RegistryProcessor(cache)


def _run_pyld(operation: Callable[[], Any]) -> Any:
    """Run a pyld call; its errors become :class:`JsonLdError`, ours pass through."""
    try:
        return operation()
    except CredentialError:
        raise
    except (jsonld.JsonLdError, TypeError, ValueError, KeyError, AttributeError) as exc:
        inner = _credential_error_in(exc)
        if inner is not None:
            raise inner from None
        raise JsonLdError(f"JSON-LD processing failed: {exc}") from None


def _checked(document: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(document, Mapping):
        raise JsonLdError("a JSON-LD document must be a JSON object")
    check_input_bounds(document)
    return dict(document)


def to_rdf(
    document: Mapping[str, Any], registry: ContextRegistry, *, safe: bool = True
) -> RdfDataset:
    """Deserialize JSON-LD to an RDF dataset (pyld's dict form) with ``registry``'s contexts.

    With ``safe`` (the default) anything expansion or RDF conversion would drop — an
    undefined term, a relative IRI, a free-floating value… — raises
    :class:`~credentials.jsonld.errors.UnsafeJsonLdError` instead (see
    :mod:`credentials.jsonld.safe_mode`); the check rides on the one expansion ``to_rdf``
    does anyway. ``safe=False`` is plain JSON-LD 1.1, for reading third-party documents
    known to be lossy; never for signing or verifying.
    """
    source = _checked(document)
    options = _pyld_options(registry, safe)
    processor = _processor(registry, safe)
    dataset: RdfDataset = _run_pyld(lambda: processor.to_rdf(source, options))
    return dataset


def expand(
    document: Mapping[str, Any], registry: ContextRegistry, *, safe: bool = True
) -> list[Any]:
    """JSON-LD 1.1 API §5.1 expansion with ``registry``'s contexts, safe by default."""
    source = _checked(document)
    options = _pyld_options(registry, safe)
    processor = _processor(registry, safe)
    expanded: list[Any] = _run_pyld(lambda: processor.expand(source, options))
    return expanded


def unsafe_events(document: Mapping[str, Any], registry: ContextRegistry) -> list[SafeModeEvent]:
    """What safe mode would refuse in ``document`` (empty when it is safe); never raises
    :class:`UnsafeJsonLdError`, but does raise :class:`JsonLdError` on invalid JSON-LD."""
    try:
        expand(document, registry)
    except UnsafeJsonLdError as exc:
        return list(exc.events)
    return []


class _BoundedURDNA2015(URDNA2015):  # type: ignore[misc]
    """pyld's URDNA2015 with a chosen hash and the :class:`CanonicalizationLimits` checks."""

    def __init__(self, hash_name: HashName, limits: CanonicalizationLimits) -> None:
        super().__init__()
        self._hash_factory: Callable[[], Any] = getattr(hashlib, hash_name)
        self._limits = limits
        self._deadline = time.monotonic() + limits.time_budget_s
        self._n_degree_calls = 0

    def _check_time(self) -> None:
        if time.monotonic() > self._deadline:
            raise CanonicalizationLimitError(
                f"canonicalisation exceeded {self._limits.time_budget_s}s"
            )

    def create_hash(self) -> Any:
        return self._hash_factory()

    def hash_first_degree_quads(self, id_: str) -> str:
        """§4.6, over each quad once: pyld lists a quad twice in the blank node to quads map
        when the node is both its subject and object (``_:a <p> _:a``), which changes the
        hash; rdf-canonize (JS) and oxigraph keep a set, as the map's definition implies."""
        self._check_time()
        info = self.blank_node_info[id_]
        if "hash" not in info:
            unique: dict[int, Any] = {}
            for quad in info["quads"]:
                unique.setdefault(id(quad), quad)
            info["quads"] = list(unique.values())
        result: str = super().hash_first_degree_quads(id_)
        return result

    def hash_n_degree_quads(self, id_: str, issuer: Any) -> dict[str, Any]:
        self._n_degree_calls += 1
        if self._n_degree_calls > self._limits.max_n_degree_calls:
            raise CanonicalizationLimitError(
                f"more than {self._limits.max_n_degree_calls} Hash N-Degree Quads calls"
            )
        self._check_time()
        result: dict[str, Any] = super().hash_n_degree_quads(id_, issuer)
        return result

    def create_hash_to_related(self, id_: str, issuer: Any) -> dict[str, list[str]]:
        related: dict[str, list[str]] = super().create_hash_to_related(id_, issuer)
        for group in related.values():
            if len(group) > self._limits.max_related_group:
                raise CanonicalizationLimitError(
                    f"{len(group)} indistinguishable related blank nodes "
                    f"(limit {self._limits.max_related_group})"
                )
        return related


def _blank_node_count(dataset: RdfDataset, limits: CanonicalizationLimits) -> None:
    quads = 0
    blank: set[str] = set()
    for graph_name, triples in dataset.items():
        if graph_name.startswith("_:"):
            blank.add(graph_name)
        quads += len(triples)
        for triple in triples:
            for position in ("subject", "object"):
                component = triple[position]
                if component["type"] == "blank node":
                    blank.add(component["value"])
    if quads > limits.max_quads:
        raise CanonicalizationLimitError(f"{quads} quads (limit {limits.max_quads})")
    if len(blank) > limits.max_blank_nodes:
        raise CanonicalizationLimitError(
            f"{len(blank)} blank nodes (limit {limits.max_blank_nodes})"
        )


def canonicalize_dataset(
    dataset: RdfDataset,
    *,
    hash_name: HashName = "sha256",
    limits: CanonicalizationLimits = DEFAULT_LIMITS,
) -> str:
    """RDFC-1.0 canonical N-Quads of a dataset (consumed: pyld annotates its quads)."""
    _blank_node_count(dataset, limits)
    algorithm = _BoundedURDNA2015(hash_name, limits)
    try:
        result: str = algorithm.main(dataset, {"format": "application/n-quads"})
    except RecursionError:
        raise CanonicalizationLimitError("canonicalisation recursed too deep") from None
    return result


def canonicalize(
    document: Mapping[str, Any],
    registry: ContextRegistry,
    *,
    hash_name: HashName = "sha256",
    limits: CanonicalizationLimits = DEFAULT_LIMITS,
    safe: bool = True,
) -> str:
    """Canonical N-Quads (RDFC-1.0) of a JSON-LD document, as UTF-8 text.

    ``safe`` as in :func:`to_rdf`: on by default, as for every signature and verification.
    """
    dataset = to_rdf(document, registry, safe=safe)
    return canonicalize_dataset(dataset, hash_name=hash_name, limits=limits)
