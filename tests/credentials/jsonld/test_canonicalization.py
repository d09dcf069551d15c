"""RDFC-1.0 canonicalisation: vectors, differential check against pyoxigraph, and bounds.

RDFC-1.0 §4.4: "Implementations MUST prevent against potential denial-of-service attacks";
the poison graphs below (cliques of blank nodes with identical shapes, the W3C test
``test074c`` family) must be refused quickly with ``canonicalization_limit``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyld.nquads import parse_nquads, serialize_nquads

from credentials.jsonld import (
    CanonicalizationLimitError,
    CanonicalizationLimits,
    ContextRegistry,
    InputTooLargeError,
    JsonLdError,
    canonicalize,
    check_input_bounds,
    to_rdf,
)
from credentials.jsonld.canonicalization import HashName, canonicalize_dataset
from tests.credentials.data_integrity.vectors import registry_for

P = "http://example.org/p"
VECTOR_DIRS = [
    "di-eddsa-rdfc-2022",
    "di-eddsa-rdfc-2022/employ",
    "di-ecdsa-rdfc-2019/ecdsa-rdfc-2019-p256",
    "di-ecdsa-rdfc-2019/ecdsa-rdfc-2019-p256/employ",
    "di-ecdsa-rdfc-2019/ecdsa-rdfc-2019-p384",
    "di-ecdsa-rdfc-2019/ecdsa-rdfc-2019-p384/employ",
]


def _oxigraph(nquads: str, hash_name: str = "sha256") -> str:
    algorithm = {
        "sha256": ox.CanonicalizationAlgorithm.RDFC_1_0,
        "sha384": ox.CanonicalizationAlgorithm.RDFC_1_0_SHA_384,
    }[hash_name]
    dataset = ox.Dataset(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    dataset.canonicalize(algorithm)
    return "".join(sorted(f"{quad} .\n" for quad in dataset))


@pytest.mark.shared
@pytest.mark.parametrize("folder", VECTOR_DIRS)
@pytest.mark.parametrize("what", ["canonDoc", "proofCanon"])
def test_pyld_and_oxigraph_agree_with_the_vector(folder: str, what: str, shared: Path) -> None:
    base = shared / "vectors" / folder
    hash_name: HashName = "sha384" if "p384" in folder else "sha256"
    expected = next(base.glob(f"{what}*.txt")).read_text()
    if what == "canonDoc":
        document = json.loads(next(base.glob("signed*.json")).read_text())
        del document["proof"]
    else:
        document = json.loads(next(base.glob("proofConfig*.json")).read_text())
    registry = registry_for(shared)
    assert canonicalize(document, registry, hash_name=hash_name) == expected
    nquads = serialize_nquads(to_rdf(document, registry))
    assert _oxigraph(nquads, hash_name) == expected


def _clique(size: int) -> list[dict[str, Any]]:
    nodes = [f"_:n{i}" for i in range(size)]
    return [
        {"@id": node, P: [{"@id": other} for other in nodes if other != node]} for node in nodes
    ]


def _rings(count: int, length: int) -> list[dict[str, Any]]:
    """``count`` identical rings of blank nodes: every node needs Hash N-Degree Quads."""
    out = []
    for ring in range(count):
        for i in range(length):
            out.append({"@id": f"_:r{ring}x{i}", P: {"@id": f"_:r{ring}x{(i + 1) % length}"}})
    return out


def test_poison_clique_is_refused_quickly() -> None:
    started = time.monotonic()
    with pytest.raises(CanonicalizationLimitError) as caught:
        canonicalize({"@graph": _clique(12)}, ContextRegistry.standard())
    assert caught.value.code == "canonicalization_limit"
    assert time.monotonic() - started < 1.0


def test_n_degree_call_budget_is_enforced() -> None:
    limits = CanonicalizationLimits(max_n_degree_calls=50, max_related_group=12)
    with pytest.raises(CanonicalizationLimitError, match="Hash N-Degree"):
        canonicalize({"@graph": _rings(20, 4)}, ContextRegistry.standard(), limits=limits)


def test_time_budget_is_enforced() -> None:
    limits = CanonicalizationLimits(
        max_n_degree_calls=10**9, max_related_group=12, time_budget_s=0.05
    )
    started = time.monotonic()
    with pytest.raises(CanonicalizationLimitError, match="exceeded"):
        canonicalize({"@graph": _clique(9)}, ContextRegistry.standard(), limits=limits)
    assert time.monotonic() - started < 2.0


def test_blank_node_count_is_enforced() -> None:
    graph = [{"@id": f"_:b{i}", P: str(i)} for i in range(600)]
    with pytest.raises(CanonicalizationLimitError, match="blank nodes"):
        canonicalize({"@graph": graph}, ContextRegistry.standard())


def test_small_symmetric_graph_still_canonicalises() -> None:
    """Two identical anonymous objects are legitimate and stay under the limits."""
    document = {"@id": "urn:x", P: [{P: "same"}, {P: "same"}]}
    canonical = canonicalize(document, ContextRegistry.standard())
    assert canonical.count("_:c14n") == 4


def test_deep_input_is_refused() -> None:
    deep: dict[str, Any] = {"v": 1}
    for _ in range(40):
        deep = {"k": deep}
    with pytest.raises(InputTooLargeError) as caught:
        check_input_bounds(deep)
    assert caught.value.code == "input_too_large"


def test_oversized_input_is_refused() -> None:
    with pytest.raises(InputTooLargeError):
        canonicalize({"@id": "urn:x", P: "a" * 600_000}, ContextRegistry.standard())


def test_too_many_values_are_refused() -> None:
    with pytest.raises(InputTooLargeError):
        check_input_bounds({"list": list(range(30_000))})


def test_invalid_jsonld_is_malformed() -> None:
    with pytest.raises(JsonLdError) as caught:
        canonicalize({"@context": 42, "x": 1}, ContextRegistry.standard())
    assert caught.value.code == "invalid_jsonld"


@st.composite
def _graphs(draw: st.DrawFn) -> str:
    size = draw(st.integers(min_value=1, max_value=6))
    nodes = [f"_:g{i}" for i in range(size)]
    terms = st.sampled_from([*nodes, "<urn:a>", "<urn:b>"])
    predicates = st.sampled_from(["<urn:p>", "<urn:q>"])
    lines = draw(
        st.lists(st.tuples(st.sampled_from(nodes), predicates, terms), min_size=1, max_size=12)
    )
    return "".join(f"{s} {p} {o} .\n" for s, p, o in sorted(set(lines)))


@settings(max_examples=150, deadline=None)
@given(nquads=_graphs(), seed=st.randoms(use_true_random=False))
def test_canonical_form_ignores_blank_node_labels_and_matches_oxigraph(
    nquads: str, seed: Any
) -> None:
    labels = sorted({token for token in nquads.split() if token.startswith("_:")})
    shuffled = labels[:]
    seed.shuffle(shuffled)
    renamed = nquads
    for old, new in zip(labels, shuffled, strict=True):
        renamed = renamed.replace(f"{old} ", f"{new.replace('_:g', '_:tmp')} ")
    renamed = renamed.replace("_:tmp", "_:g")
    limits = CanonicalizationLimits(max_related_group=8)
    first = canonicalize_dataset(parse_nquads(nquads), limits=limits)
    second = canonicalize_dataset(parse_nquads(renamed), limits=limits)
    assert first == second
    assert first == _oxigraph(nquads)


def test_self_referencing_blank_node_is_hashed_once_per_quad() -> None:
    """RDFC-1.0 §4.6: each quad mentioning the node is serialised once. pyld alone lists
    ``_:g0 <p> _:g0`` twice and labels this graph differently from oxigraph and rdf-canonize."""
    nquads = "_:g0 <urn:p> _:g0 .\n_:g1 <urn:p> <urn:a> .\n"
    expected = "_:c14n0 <urn:p> <urn:a> .\n_:c14n1 <urn:p> _:c14n1 .\n"
    assert canonicalize_dataset(parse_nquads(nquads)) == expected
    assert _oxigraph(nquads) == expected


@pytest.mark.parametrize("document", ["https://www.w3.org/ns/credentials/v2", [], 3])
def test_only_json_objects_are_canonicalised(document: Any) -> None:
    """A string would make pyld dereference it as a URL; only objects are accepted."""
    with pytest.raises(JsonLdError):
        to_rdf(document, ContextRegistry.standard())
