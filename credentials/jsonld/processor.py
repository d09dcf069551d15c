"""The pyld processor every call here uses: a registry's context caches, memoised scoping.

JSON-LD 1.1 Processing Algorithms §4.1 "Context Processing" runs each time a node picks up
a type-scoped or property-scoped context (§4.1.2 step 5.13, §5.1 steps 7–8 and 11):
a VCDM credential re-processes the ``VerifiableCredential`` type-scoped context of
https://www.w3.org/ns/credentials/v2 (18 term definitions) and, for a proof configuration,
the ``DataIntegrityProof`` one, on every canonicalisation. pyld caches processed contexts
per *active context identifier*, but a type-scoped context is applied to a fresh clone
(``propagate: false``), so its cache never hits, and every inline scoped context is first
serialised to canonical JSON to find its cache key.

:class:`RegistryProcessor` memoises ``_process_context`` for the stable inputs only — an
immutable (frozen) active context and a scoped context object that lives in a term
definition — keyed by their identities, so a credential's scoped contexts are processed
once per registry. The cache holds the objects it is keyed by (their identities cannot be
reused while cached) and is emptied when it reaches :data:`PROCESSED_CONTEXT_CACHE_SIZE`
entries or :data:`PROCESSED_CONTEXT_CACHE_TERMS` term definitions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from frozendict import frozendict
from pyld.jsonld import JsonLdProcessor

#: Memoised context-processing results kept per registry before the cache is emptied.
PROCESSED_CONTEXT_CACHE_SIZE: Final = 256
#: …and the total term definitions they may hold (each result owns its ``mappings`` dict),
#: so that documents with huge inline contexts cannot make the cache large.
PROCESSED_CONTEXT_CACHE_TERMS: Final = 50_000

_Key = tuple[int, int, bool, bool, bool, object, object]
_Entry = tuple[object, object, Any]


class ProcessedContextCache:
    """Memoised §4.1 results for one registry; plain ``dict`` operations, thread-safe."""

    __slots__ = ("_entries", "_terms")

    def __init__(self) -> None:
        self._entries: dict[_Key, _Entry] = {}
        self._terms = 0

    def get(self, key: _Key, active_ctx: object, local_ctx: object) -> Any | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] is not active_ctx or entry[1] is not local_ctx:
            return None
        return entry[2]

    def put(self, key: _Key, active_ctx: object, local_ctx: object, result: Any) -> None:
        mappings = result.get("mappings") if isinstance(result, Mapping) else None
        terms = len(mappings) + 1 if isinstance(mappings, Mapping) else 1
        if (
            len(self._entries) >= PROCESSED_CONTEXT_CACHE_SIZE
            or self._terms + terms > PROCESSED_CONTEXT_CACHE_TERMS
        ):
            self._entries.clear()
            self._terms = 0
        if terms <= PROCESSED_CONTEXT_CACHE_TERMS:
            self._entries[key] = (active_ctx, local_ctx, result)
            self._terms += terms

    def __len__(self) -> int:
        return len(self._entries)


class RegistryProcessor(JsonLdProcessor):  # type: ignore[misc]
    """A pyld processor that reuses a registry's processed scoped contexts."""

    def __init__(self, processed: ProcessedContextCache, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._processed = processed

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: Any,
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        # Only a frozen active context and a dict scoped context are stable inputs; the
        # pre-validation pass (``cycles`` given) runs on a context still being built.
        memoise = (
            cycles is None
            and isinstance(active_ctx, frozendict)
            and isinstance(local_ctx, dict | frozendict)
        )
        if not memoise:
            return super()._process_context(
                active_ctx,
                local_ctx,
                options,
                override_protected=override_protected,
                propagate=propagate,
                validate_scoped=validate_scoped,
                cycles=cycles,
            )
        key: _Key = (
            id(active_ctx),
            id(local_ctx),
            override_protected,
            propagate,
            validate_scoped,
            options.get("base"),
            options.get("processingMode"),
        )
        cached = self._processed.get(key, active_ctx, local_ctx)
        if cached is not None:
            return cached
        result = super()._process_context(
            active_ctx,
            local_ctx,
            options,
            override_protected=override_protected,
            propagate=propagate,
            validate_scoped=validate_scoped,
        )
        self._processed.put(key, active_ctx, local_ctx, result)
        return result
