"""SHACL validation of Gaia-X credential subjects with pyshacl (W3C SHACL Core).

Shapes are never shipped with the package: :func:`load_shapes` reads them from a configured
path (Turtle ``.ttl`` or JSON-LD ``.json``/``.jsonld``) or URL (through an injected
:class:`~credentials.net.Fetcher`), once, at start. The Tagus trustframework document is a
JSON-LD graph of ``sh:NodeShape``; the Loire ``gx.shacl.ttl`` is Turtle and needs the
ontology's ``rdfs:subClassOf`` axioms (``gx:VatID ⊑ gx:RegistrationNumber``,
``gx:LegalPerson ⊑ gx:Participant``) for its ``sh:class`` constraints (reference gaia-x.md
§4). Only the subclass axioms of the ontology are kept.

What is validated: the graph of the credential *subjects* of every credential in the
presentation, merged (Loire references such as ``gx:registrationNumber`` must reach a typed
node). The credential envelope is left out: Loire types the credential itself as
``gx:LegalPerson``, and the closed shape would then reject ``issuer`` and ``validFrom``.

Speed: the Loire shapes graph holds ~165,000 triples and a whole-graph run takes over a
minute. A run only needs the shapes whose ``sh:targetClass`` is a class of the data (or a
superclass of one); :meth:`ShapesGraph.for_classes` extracts those (with every blank node
they reach and every shape they name), which gives the same report in ~0.3 s.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from pyld import jsonld
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from credentials.errors import CredentialError
from credentials.jsonld import ContextRegistry
from credentials.net import Fetcher

SH: Final = Namespace("http://www.w3.org/ns/shacl#")
XSD_STRING: Final = "http://www.w3.org/2001/XMLSchema#string"
MAX_SHAPES_BYTES: Final = 16 * 1024 * 1024
_TARGETS: Final = (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


class ShapesError(CredentialError):
    """The configured shapes or ontology cannot be loaded."""

    code = "shacl"


def _read(source: str | Path, fetcher: Fetcher | None) -> tuple[bytes, str]:
    text = str(source)
    if text.startswith(("https://", "http://")):
        if fetcher is None:
            raise ShapesError(f"shapes at {text} need a fetcher")
        document = fetcher.fetch(
            text, accept="text/turtle, application/ld+json", max_bytes=MAX_SHAPES_BYTES
        )
        if document.status != 200:
            raise ShapesError(f"shapes at {text} answered HTTP {document.status}")
        media = document.media_type or ""
        return document.body, "turtle" if "turtle" in media or text.endswith(".ttl") else "json-ld"
    path = Path(source)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ShapesError(f"cannot read shapes {path}: {exc}") from None
    return raw, "turtle" if path.suffix == ".ttl" else "json-ld"


def _parse(raw: bytes, syntax: str) -> Graph:
    graph = Graph()
    try:
        if syntax == "turtle":
            graph.parse(data=raw, format="turtle")
            return graph
        document = json.loads(raw)
        # Self-contained JSON-LD (inline prefixes): an empty loader keeps pyld off the network.
        dataset = jsonld.to_rdf(document, {"documentLoader": _no_remote})
        add_dataset(graph, dataset)
    except (ValueError, SyntaxError, jsonld.JsonLdError) as exc:
        raise ShapesError(f"unreadable shapes: {str(exc)[:200]}") from None
    return graph


def _term(component: Mapping[str, Any]) -> Node:
    value = str(component["value"])
    if component["type"] == "IRI":
        return URIRef(value)
    if component["type"] == "blank node":
        return BNode(value.removeprefix("_:"))
    language = component.get("language")
    if language:
        return Literal(value, lang=language)
    datatype = component.get("datatype", XSD_STRING)
    if datatype == XSD_STRING:  # RDF 1.1 simple literal; rdflib compares them datatype-less
        return Literal(value)
    return Literal(value, datatype=URIRef(datatype))


def add_dataset(graph: Graph, dataset: Mapping[str, Any]) -> None:
    """Add every triple of a pyld RDF dataset (all its graphs, merged) to ``graph``.

    (rdflib's N-Quads parser is avoided: it warns about its own deprecated API.)
    """
    for triples in dataset.values():
        for triple in triples:
            graph.add(
                (_term(triple["subject"]), _term(triple["predicate"]), _term(triple["object"]))
            )


def _no_remote(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    raise ShapesError(f"shapes documents must not load remote contexts ({url[:100]})")


def _closure(start: Node, graph: Graph) -> Iterable[tuple[Node, Node, Node]]:
    """Triples about ``start`` and, transitively, about every blank node they reach."""
    stack, seen = [start], set()
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        for predicate, value in graph.predicate_objects(node):
            yield node, predicate, value
            if isinstance(value, BNode):
                stack.append(value)


@dataclass(slots=True)
class ShapesGraph:
    """A parsed shapes graph, the subclass axioms to use with it, and a per-class cache."""

    shapes: Graph
    subclasses: Graph = field(default_factory=Graph)
    _cache: dict[frozenset[Node], Graph] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def superclasses(self, classes: Iterable[Node]) -> set[Node]:
        found = set(classes)
        stack = list(found)
        while stack:
            for parent in self.subclasses.objects(stack.pop(), RDFS.subClassOf):
                if parent not in found:
                    found.add(parent)
                    stack.append(parent)
        return found

    def for_classes(self, classes: Iterable[Node]) -> Graph:
        """The shapes that can have a focus node among instances of ``classes``."""
        key = frozenset(self.superclasses(classes))
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached
        selected: set[Node] = set()
        for shape, target in self.shapes.subject_objects(SH.targetClass):
            if target in key:
                selected.add(shape)
        for target_predicate in _TARGETS:
            selected.update(self.shapes.subjects(target_predicate, None))
        pruned = Graph()
        stack = list(selected)
        done: set[Node] = set()
        while stack:
            shape = stack.pop()
            if shape in done:
                continue
            done.add(shape)
            for triple in _closure(shape, self.shapes):
                pruned.add(triple)
                value = triple[2]
                if isinstance(value, URIRef) and (value, RDF.type, SH.NodeShape) in self.shapes:
                    stack.append(value)
        with self._lock:
            self._cache[key] = pruned
        return pruned


def load_shapes(
    source: str | Path,
    *,
    ontology: str | Path | None = None,
    fetcher: Fetcher | None = None,
) -> ShapesGraph:
    """Parse shapes (and the ``rdfs:subClassOf`` axioms of ``ontology``) from path or URL."""
    shapes = _parse(*_read(source, fetcher))
    if not any(shapes.subjects(RDF.type, SH.NodeShape)):
        raise ShapesError(f"{source} holds no sh:NodeShape")
    subclasses = Graph()
    if ontology is not None:
        for child, parent in _parse(*_read(ontology, fetcher)).subject_objects(RDFS.subClassOf):
            if isinstance(parent, URIRef):
                subclasses.add((child, RDFS.subClassOf, parent))
    return ShapesGraph(shapes, subclasses)


@dataclass(frozen=True, slots=True)
class ShaclReport:
    conforms: bool
    violations: tuple[str, ...]


def subjects_graph(credentials: Sequence[Mapping[str, Any]], registry: ContextRegistry) -> Graph:
    """RDF of every credential's ``credentialSubject``, each read in its credential's context."""
    graph = Graph()
    options = {**registry.pyld_options(), "base": ""}
    for credential in credentials:
        subjects = credential.get("credentialSubject")
        items = subjects if isinstance(subjects, list) else [subjects]
        document = {
            "@context": credential.get("@context"),
            "@graph": [s for s in items if isinstance(s, Mapping)],
        }
        try:
            dataset = jsonld.to_rdf(document, options)
        except CredentialError:
            raise
        except (jsonld.JsonLdError, TypeError, ValueError) as exc:
            raise ShapesError(
                f"credential subject is not valid JSON-LD: {str(exc)[:200]}"
            ) from None
        add_dataset(graph, dataset)
    return graph


def _message(result: Node, report: Graph) -> str:
    focus = report.value(result, SH.focusNode)
    path = report.value(result, SH.resultPath)
    message = report.value(result, SH.resultMessage)
    shape = report.value(result, SH.sourceShape)
    return f"{shape} on {focus} {path or ''}: {message}".replace("  ", " ")


def validate(data: Graph, shapes: ShapesGraph) -> ShaclReport:
    """Run pyshacl (SHACL Core, no inference) with the shapes relevant to ``data``."""
    import pyshacl

    classes = set(data.objects(None, RDF.type))
    relevant = shapes.for_classes(classes)
    ontology = Graph()
    for child in shapes.superclasses(classes):
        for parent in shapes.subclasses.objects(child, RDFS.subClassOf):
            ontology.add((child, RDFS.subClassOf, parent))
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=relevant, ont_graph=ontology, inference="none", abort_on_first=False
    )
    if conforms:
        return ShaclReport(True, ())
    if not isinstance(report, Graph):
        raise ShapesError("pyshacl returned no report graph")
    violations = tuple(
        sorted(
            _message(result, report) for result in report.subjects(RDF.type, SH.ValidationResult)
        )
    )
    return ShaclReport(False, violations)
