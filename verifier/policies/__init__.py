"""Named verification policies as data files, validated at start.

:func:`load_policies` reads ``definitions/*.json`` (one file per policy, named after its
id) into a :class:`PolicyRegistry`; :mod:`verifier.policies.model` defines the shape and
:mod:`verifier.policies.evaluate` applies a policy to verified credentials.
"""

from verifier.policies.loader import PolicyError, PolicyRegistry, load_policies, parse_policy
from verifier.policies.model import (
    ASSURANCE_RANKS,
    AssuranceRule,
    CredentialRequirement,
    Policy,
    PolicyFormat,
)

__all__ = [
    "ASSURANCE_RANKS",
    "AssuranceRule",
    "CredentialRequirement",
    "Policy",
    "PolicyError",
    "PolicyFormat",
    "PolicyRegistry",
    "load_policies",
    "parse_policy",
]
