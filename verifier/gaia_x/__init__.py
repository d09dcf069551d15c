"""Verifying Gaia-X participant presentations, Loire and Tagus (reference gaia-x.md).

:func:`verify_gaia_x_presentation` is the verifier pipeline's entry point: signatures (VC-JWT
/ JsonWebSignature2020) with the x5u chain rule, SHACL with pyshacl against configured
shapes, the compliance service's business rules, and compliance-credential integrity.
"""

from verifier.gaia_x.presentation import (
    GaiaXShapes,
    GaiaXVerifyOptions,
    load_subdivision_codes,
    verify_gaia_x_presentation,
)
from verifier.gaia_x.shacl import ShapesError, ShapesGraph, load_shapes
from verifier.gaia_x.x5u import ChainPolicy, X5uChainError

__all__ = [
    "ChainPolicy",
    "GaiaXShapes",
    "GaiaXVerifyOptions",
    "ShapesError",
    "ShapesGraph",
    "X5uChainError",
    "load_shapes",
    "load_subdivision_codes",
    "verify_gaia_x_presentation",
]
