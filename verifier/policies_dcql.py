"""A named verification policy as a DCQL query (OpenID4VP 1.0 §6).

Each credential requirement of the policy becomes one Credential Query per format the
policy accepts (``dc+sd-jwt`` with ``vct_values``; ``jwt_vc_json`` and ``ldp_vc`` with
``type_values``, claims under ``credentialSubject``), tied together by a required
Credential Set Query whose options are those alternatives (§6.2): the wallet presents the
requirement in whichever format it holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from verifier.oid4vp.dcql import FORMAT_JWT_VC_JSON, FORMAT_LDP_VC, FORMAT_SD_JWT_VC
from verifier.policies import Policy, PolicyRegistry

#: Policy format names → the DCQL Credential Format Identifier that carries them.
_W3C_FORMATS: dict[str, str] = {
    "vc+jwt": FORMAT_JWT_VC_JSON,
    "vp+jwt": FORMAT_JWT_VC_JSON,
    "ldp_vc": FORMAT_LDP_VC,
    "ldp_vp": FORMAT_LDP_VC,
}


def _claims(paths: Sequence[Sequence[Any]], prefix: Sequence[str]) -> list[dict[str, Any]]:
    return [{"path": [*prefix, *path]} for path in paths]


def policy_to_dcql(policy: Policy) -> dict[str, Any]:
    """The DCQL query asking for what ``policy`` requires."""
    formats = [str(name) for name in policy.formats]
    credentials: list[dict[str, Any]] = []
    sets: list[dict[str, Any]] = []
    for requirement in policy.credentials:
        options: list[list[str]] = []
        paths = [list(path) for path in requirement.claims]
        if FORMAT_SD_JWT_VC in formats and requirement.vct:
            query: dict[str, Any] = {
                "id": f"{requirement.id}_sd_jwt",
                "format": FORMAT_SD_JWT_VC,
                "meta": {"vct_values": list(requirement.vct)},
            }
            if paths:
                query["claims"] = _claims(paths, ())
            if not policy.require_holder_binding:
                query["require_cryptographic_holder_binding"] = False
            credentials.append(query)
            options.append([query["id"]])
        for dcql_format in dict.fromkeys(_W3C_FORMATS[f] for f in formats if f in _W3C_FORMATS):
            if not requirement.types:
                continue
            suffix = "jwt" if dcql_format == FORMAT_JWT_VC_JSON else "ldp"
            query = {
                "id": f"{requirement.id}_{suffix}",
                "format": dcql_format,
                "meta": {"type_values": [[t] for t in requirement.types]},
            }
            if paths:
                query["claims"] = _claims(paths, ("credentialSubject",))
            if not policy.require_holder_binding:
                query["require_cryptographic_holder_binding"] = False
            credentials.append(query)
            options.append([query["id"]])
        if options:
            sets.append({"options": options, "required": True})
    return {"credentials": credentials, "credential_sets": sets}


def dcql_for_policy(registry: PolicyRegistry, policy_id: str) -> dict[str, Any]:
    """The DCQL query of the policy named ``policy_id`` (KeyError when there is none)."""
    return policy_to_dcql(registry[policy_id])
