"""JSON-LD 1.1 contexts, a frozen document loader and RDFC-1.0 canonicalisation.

- :mod:`credentials.jsonld.registry`: the embedded standard contexts (checked against their
  published SHA-256) and :class:`ContextRegistry`, the only document loader used anywhere.
- :mod:`credentials.jsonld.canonicalization`: JSON-LD → RDF (JSON-LD 1.1 API §8.3) and
  RDFC-1.0 (https://www.w3.org/TR/rdf-canon/) with input and work bounds.
- :mod:`credentials.jsonld.safe_mode`: jsonld.js-style "safe mode", on by default, which
  refuses any document whose expansion would drop data (undefined terms, relative IRIs…)
  so that nothing unsigned can ride along with a proof.
"""

from credentials.jsonld.canonicalization import (
    CanonicalizationLimits,
    canonicalize,
    check_input_bounds,
    expand,
    to_rdf,
    unsafe_events,
)
from credentials.jsonld.errors import (
    CanonicalizationLimitError,
    ContextConflictError,
    ContextIntegrityError,
    InputTooLargeError,
    JsonLdError,
    UnknownContextError,
    UnsafeJsonLdError,
)
from credentials.jsonld.registry import ContextRegistry
from credentials.jsonld.safe_mode import SafeModeEvent

__all__ = [
    "CanonicalizationLimitError",
    "CanonicalizationLimits",
    "ContextConflictError",
    "ContextIntegrityError",
    "ContextRegistry",
    "InputTooLargeError",
    "JsonLdError",
    "SafeModeEvent",
    "UnknownContextError",
    "UnsafeJsonLdError",
    "canonicalize",
    "check_input_bounds",
    "expand",
    "to_rdf",
    "unsafe_events",
]
