from __future__ import annotations

import pytest

from tests.verifier.pipeline.world import World
from verifier.pipeline import VerificationPipeline


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def pipeline(world: World) -> VerificationPipeline:
    return world.pipeline()
