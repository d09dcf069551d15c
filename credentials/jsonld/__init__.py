"""JSON-LD 1.1 contexts, a frozen document loader and RDFC-1.0 canonicalisation.

- :mod:`credentials.jsonld.registry`: the embedded standard contexts (checked against their
  published SHA-256) and :class:`ContextRegistry`, the only document loader used anywhere.
- :mod:`credentials.jsonld.canonicalization`: JSON-LD → RDF (JSON-LD 1.1 API §8.3) and
  RDFC-1.0 (https://www.w3.org/TR/rdf-canon/) with input and work bounds.
"""

from credentials.jsonld.canonicalization import (
    CanonicalizationLimits,
    canonicalize,
    check_input_bounds,
    to_rdf,
)
from credentials.jsonld.errors import (
    CanonicalizationLimitError,
    ContextConflictError,
    ContextIntegrityError,
    InputTooLargeError,
    JsonLdError,
    UnknownContextError,
)
from credentials.jsonld.registry import ContextRegistry

__all__ = [
    "CanonicalizationLimitError",
    "CanonicalizationLimits",
    "ContextConflictError",
    "ContextIntegrityError",
    "ContextRegistry",
    "InputTooLargeError",
    "JsonLdError",
    "UnknownContextError",
    "canonicalize",
    "check_input_bounds",
    "to_rdf",
]
