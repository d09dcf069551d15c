"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def shared_dir() -> Path | None:
    """The project's ``shared/`` folder (spec vectors, reference data), when present.

    CI lays it beside the clone; a user's clone does not have it. ``ATTESTIA_SHARED_DIR``
    overrides the location.
    """
    configured = os.environ.get("ATTESTIA_SHARED_DIR")
    candidate = Path(configured) if configured else REPO_ROOT.parent / "shared"
    return candidate if candidate.is_dir() else None


SHARED = shared_dir()
requires_shared = pytest.mark.skipif(
    SHARED is None,
    reason="../shared (spec vectors and reference data) is not beside this clone; "
    "set ATTESTIA_SHARED_DIR to run these tests",
)


@pytest.fixture
def shared() -> Path:
    if SHARED is None:
        pytest.skip("../shared is not beside this clone; set ATTESTIA_SHARED_DIR")
    return SHARED
