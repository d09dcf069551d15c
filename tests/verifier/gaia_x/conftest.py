"""Session fixtures: the official shapes from ../shared/gaia-x, parsed once (pyshacl is slow
to load the 2.3 MB Loire shapes, fast to run once they are pruned per target class)."""

from __future__ import annotations

from pathlib import Path

import pytest

from credentials.jsonld import ContextRegistry
from issuer.gaia_x import gaia_x_registry
from tests.conftest import SHARED
from verifier.gaia_x import GaiaXShapes, ShapesGraph, load_shapes, load_subdivision_codes

_SKIP = (
    "../shared/gaia-x (official Gaia-X shapes) is not beside this clone; set ATTESTIA_SHARED_DIR"
)


def _gaia_x_dir() -> Path:
    if SHARED is None or not (SHARED / "gaia-x").is_dir():
        pytest.skip(_SKIP)
    return SHARED / "gaia-x"


@pytest.fixture(scope="session")
def loire_shapes() -> ShapesGraph:
    folder = _gaia_x_dir() / "loire"
    return load_shapes(folder / "gx.shacl.ttl", ontology=folder / "gx.owl.ttl")


@pytest.fixture(scope="session")
def tagus_shapes() -> ShapesGraph:
    return load_shapes(_gaia_x_dir() / "tagus" / "trustframework_context.json")


@pytest.fixture(scope="session")
def shapes(loire_shapes: ShapesGraph, tagus_shapes: ShapesGraph) -> GaiaXShapes:
    return GaiaXShapes(loire=loire_shapes, tagus=tagus_shapes)


@pytest.fixture(scope="session")
def subdivision_codes() -> frozenset[str]:
    return load_subdivision_codes(_gaia_x_dir() / "tagus" / "iso-3166-2-country-codes.json")


@pytest.fixture(scope="session")
def registry() -> ContextRegistry:
    return gaia_x_registry()
