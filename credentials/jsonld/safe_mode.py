"""JSON-LD "safe mode": refuse documents whose expansion would silently lose data.

JSON-LD 1.1 Processing Algorithms §5.1 "Expansion Algorithm" drops, without error, every
key that does not expand to an absolute IRI or a keyword (step 13.3: "If expanded property
is null or it neither contains a colon (:) nor it is a keyword, drop key by continuing to
the next key"), free-floating values (step 19), and ``@value: null``; §8.3 "Deserialize
JSON-LD to RDF" then skips relative IRIs (steps 1.3.1, 1.3.2.2, 1.3.2.5.1) and blank-node
predicates, and loses ``@direction`` when no ``rdfDirection`` is chosen. A Data Integrity
proof signs the RDF, so whatever was dropped is *not signed*: an undefined
``credentialSubject.siren`` can be changed at will without breaking the signature.

jsonld.js (used by jsonld-signatures for every canonicalisation) turns these silent drops
into *events* and, with ``safe: true``, throws on any of them. This module does the same for
pyld 3.x, which exposes only a dropped-property callback:

- ``invalid property`` (the callback): a key that is undefined, mapped to ``null``, a
  relative IRI, or keyword-like (``@foo``);
- ``dropped value`` (jsonld.js: ``free-floating scalar``, ``empty object``,
  ``object with only @id|@value|@list|@language``, ``null @value value``): an element whose
  expansion returned nothing;
- on the expanded output: ``relative @id reference``, ``relative @type reference``,
  ``blank node predicate``, ``invalid @language value`` (the BCP 47 shape jsonld.js checks)
  and ``rdfDirection not set``.

Any of them raises :class:`~credentials.jsonld.errors.UnsafeJsonLdError` (``unsafe_jsonld``)
naming the event, the term or value, and its path in the document (compact keys).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

from credentials.jsonld.errors import UnsafeJsonLdError
from credentials.jsonld.processor import ProcessedContextCache, RegistryProcessor

#: jsonld.js ``_isAbsoluteIri``: a scheme, a colon, no whitespace.
_ABSOLUTE_IRI: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s]*")
#: The well-formedness check jsonld.js applies to ``@language`` (BCP 47 shape only).
_LANGUAGE_TAG: Final = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
#: Events beyond this many are counted, not kept.
MAX_EVENTS: Final = 16


@dataclass(frozen=True, slots=True)
class SafeModeEvent:
    """One thing JSON-LD processing would have dropped or left unsigned.

    ``code`` is the jsonld.js event code (``invalid property``, ``relative @id reference``…),
    ``value`` the offending term or IRI, ``path`` where it sits (dotted keys of the input
    for expansion events, expanded property IRIs for events found on the expanded form).
    """

    code: str
    value: str
    path: str

    def __str__(self) -> str:
        where = f" at {self.path}" if self.path else ""
        return f"{self.code} {self.value!r}{where}"


def is_absolute_iri(value: object) -> bool:
    return isinstance(value, str) and _ABSOLUTE_IRI.fullmatch(value) is not None


def _is_node_reference(value: object) -> bool:
    """An absolute IRI or a blank node identifier: something RDF keeps as a node."""
    return isinstance(value, str) and (value.startswith("_:") or is_absolute_iri(value))


class SafeModeProcessor(RegistryProcessor):
    """A pyld processor that records every safe-mode event of one expansion.

    Single use: one instance per document. :meth:`expand` raises
    :class:`UnsafeJsonLdError` after expanding when anything was recorded, so
    ``to_rdf`` (which expands first) refuses the document before building any quad.
    """

    def __init__(self, processed: ProcessedContextCache) -> None:
        super().__init__(processed, on_property_dropped=self._property_dropped)
        self.events: list[SafeModeEvent] = []
        self.event_count = 0
        self._path: list[str] = []

    def _record(self, code: str, value: object, path: str) -> None:
        self.event_count += 1
        if len(self.events) < MAX_EVENTS:
            shown = value if isinstance(value, str) else repr(value)
            self.events.append(SafeModeEvent(code, shown[:200], path[:400]))

    def _here(self, term: object | None = None) -> str:
        parts = [*self._path, term] if isinstance(term, str) else self._path
        return ".".join(parts)

    def _property_dropped(self, expanded_property: str | None) -> None:
        if expanded_property is None:
            self._record(
                "invalid property", "(a term mapped to null or keyword-like)", self._here()
            )
        else:
            self._record("invalid property", expanded_property, self._here(expanded_property))

    def _expand(
        self,
        active_ctx: Any,
        active_property: Any,
        element: Any,
        options: Any,
        inside_list: bool = False,
        inside_index: bool = False,
        type_scoped_ctx: Any = None,
    ) -> Any:
        nested = isinstance(element, dict) and isinstance(active_property, str)
        if nested:
            self._path.append(active_property)
        try:
            result = super()._expand(
                active_ctx,
                active_property,
                element,
                options,
                inside_list=inside_list,
                inside_index=inside_index,
                type_scoped_ctx=type_scoped_ctx,
            )
        finally:
            if nested:
                self._path.pop()
        if result is None and element is not None:
            shown = element if isinstance(element, str | int | float | bool) else "an object"
            self._record("dropped value", str(shown), self._here(active_property))
        return result

    def expand(self, input_: Any, options: Any) -> list[Any]:
        expanded: list[Any] = super().expand(input_, options)
        for event in _expanded_events(expanded):
            self._record(event.code, event.value, event.path)
        if self.event_count:
            raise UnsafeJsonLdError.from_events(self.events, self.event_count)
        return expanded


#: A path in the expanded document, built lazily: ``(parent, local name)`` or ``None``.
_Path = tuple[Any, str] | None


def _path_text(path: _Path) -> str:
    names: list[str] = []
    while path is not None:
        path, iri = path
        names.append(_short(iri))
    return ".".join(reversed(names))


def _short(iri: str) -> str:
    """The local name of an expanded property, for readable paths."""
    return re.split(r"[#/]", iri)[-1] or iri


def _expanded_events(expanded: list[Any]) -> list[SafeModeEvent]:
    """Walk an expanded document for what §8.3 would skip or not sign."""
    events: list[SafeModeEvent] = []

    def found(code: str, value: object, path: _Path) -> None:
        events.append(SafeModeEvent(code, str(value), _path_text(path)))

    stack: list[tuple[Any, _Path]] = [(expanded, None)]
    while stack:
        item, path = stack.pop()
        if type(item) is list:
            stack.extend((entry, path) for entry in item)
            continue
        if not isinstance(item, dict):
            continue
        if "@value" in item:
            language = item.get("@language")
            if language is not None and (
                not isinstance(language, str) or _LANGUAGE_TAG.fullmatch(language) is None
            ):
                found("invalid @language value", language, path)
            if "@direction" in item:
                found("rdfDirection not set", item["@direction"], path)
            continue
        if "@id" in item and not _is_node_reference(item["@id"]):
            found("relative @id reference", item["@id"], path)
        for type_ in item.get("@type", ()):
            if not _is_node_reference(type_):
                found("relative @type reference", type_, path)
        for key, value in item.items():
            if key[0] != "@":
                properties: dict[str, Any] = {key: value}
                child: _Path = path
            elif key == "@reverse" and isinstance(value, dict):
                properties, child = value, (path, "@reverse")
            else:
                if key in ("@list", "@set", "@graph", "@included"):
                    stack.append((value, path))
                continue
            for predicate, objects in properties.items():
                if predicate.startswith("_:"):
                    found("blank node predicate", predicate, path)
                elif not is_absolute_iri(predicate):
                    found("relative property reference", predicate, path)
                stack.append((objects, (child, predicate)))
    return events
