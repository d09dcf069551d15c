"""Errors of JSON-LD loading and RDF canonicalisation, each with a stable ``code``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from credentials.errors import CredentialError, DataModelError, MalformedError

if TYPE_CHECKING:
    from credentials.jsonld.safe_mode import SafeModeEvent


class UnknownContextError(CredentialError):
    """A document names a context URL that is not in the frozen registry.

    VC Data Integrity 1.0 §4.6 "Context Validation": a verifier validates that every
    ``@context`` value is one it knows and expects; nothing is fetched from the network.
    """

    code = "unknown_context"


class ContextIntegrityError(CredentialError):
    """A context document's bytes do not match its pinned SHA-256 digest."""

    code = "context_integrity"


class ContextConflictError(CredentialError):
    """An application tried to register a different document under a URL already known."""

    code = "context_conflict"


class InputTooLargeError(MalformedError):
    """The JSON-LD input exceeds the size or nesting bounds set before any processing."""

    code = "input_too_large"


class CanonicalizationLimitError(CredentialError):
    """RDF canonicalisation ran past its work budget and was abandoned.

    RDFC-1.0 §4.4 (security considerations): "Implementations MUST prevent against
    potential denial-of-service attacks" caused by poison graphs that make Hash N-Degree
    Quads explode combinatorially.
    """

    code = "canonicalization_limit"


class JsonLdError(MalformedError):
    """The document is not valid JSON-LD (expansion or RDF conversion failed)."""

    code = "invalid_jsonld"


class UnsafeJsonLdError(DataModelError):
    """JSON-LD processing would drop data or leave it unsigned ("safe mode" refusal).

    VC Data Integrity 1.0 §4.1 and §5 (security considerations): what canonicalisation
    drops is not covered by the proof. Like jsonld-signatures' ``safe: true``, a document
    with an undefined term, a relative IRI or any other lossy construct is refused when
    signing and when verifying; ``events`` lists what was found (see
    :mod:`credentials.jsonld.safe_mode`).
    """

    code = "unsafe_jsonld"

    def __init__(self, detail: str, *, events: Sequence[SafeModeEvent] = ()) -> None:
        super().__init__(detail)
        self.events: tuple[SafeModeEvent, ...] = tuple(events)

    @classmethod
    def from_events(cls, events: Sequence[SafeModeEvent], count: int) -> UnsafeJsonLdError:
        shown = "; ".join(str(event) for event in events[:5])
        more = f" (and {count - 5} more)" if count > 5 else ""
        return cls(
            f"JSON-LD safe mode: {shown}{more}; such data would not be signed",
            events=events,
        )
