"""OWF sd-jwt-python test cases (../shared/vectors/sd-jwt), one test per case folder.

Each case is issued by our issuer from ``user_claims`` (``!sd`` tags become :class:`SD`
markers), presented by our holder with the paths ``holder_disclosed_claims`` selects
(OWF semantics), and verified by our verifier, which must return exactly
``expect_verified_user_claims`` plus the ``iss``/``iat``/``exp`` the runner adds and, with
key binding, ``cnf``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from credentials.sd_jwt import SD, KeyBindingRequest, create_presentation, issue_sd_jwt
from credentials.sd_jwt.holder import ClaimPath
from credentials.sd_jwt.verifier import SdJwtPolicy, check_sd_jwt
from tests.conftest import SHARED, requires_shared
from tests.credentials.sd_jwt.conftest import fixed_key, signer_from_jwk

pytestmark = [pytest.mark.shared, requires_shared]

CASES_DIR = SHARED / "vectors" / "sd-jwt" if SHARED else None

#: Cases left out on purpose, with the reason.
SKIPPED: dict[str, str] = {
    "json_serialization_flattened": "JSON serialization (RFC 9901 §8) is not implemented",
    "json_serialization_general": "JSON serialization (RFC 9901 §8) is not implemented",
}


class _SpecLoader(yaml.SafeLoader):
    """YAML with ``!sd`` marking a mapping key or a sequence element as disclosable."""


def _construct_sd(loader: yaml.SafeLoader, node: yaml.Node) -> SD[Any]:
    if isinstance(node, yaml.ScalarNode):
        tag = (
            "tag:yaml.org,2002:str"
            if node.style in ('"', "'")
            else loader.resolve(yaml.ScalarNode, node.value, (True, False))
        )
        return SD(loader.construct_object(yaml.ScalarNode(tag, node.value)))
    if isinstance(node, yaml.MappingNode):
        return SD(loader.construct_mapping(node, deep=True))
    if isinstance(node, yaml.SequenceNode):
        return SD(loader.construct_sequence(node, deep=True))
    raise TypeError(f"unsupported !sd node {node!r}")


_SpecLoader.add_constructor("!sd", _construct_sd)


def _markers(value: Any) -> Any:
    """Move ``!sd`` from mapping keys onto their values: ``{SD(k): v}`` → ``{k: SD(v)}``."""
    if isinstance(value, SD):
        return SD(_markers(value.value))
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, child in value.items():
            if isinstance(key, SD):
                out[key.value] = SD(_markers(child))
            else:
                out[key] = _markers(child)
        return out
    if isinstance(value, list):
        return [_markers(element) for element in value]
    return value


def load_case(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        spec = yaml.load(handle, Loader=_SpecLoader)  # noqa: S506 (SafeLoader subclass)
    assert isinstance(spec, dict)
    spec["user_claims"] = _markers(spec["user_claims"])
    return spec


def disclosed_paths(spec: Any, prefix: tuple[str | int, ...] = ()) -> Iterator[ClaimPath]:
    """OWF ``holder_disclosed_claims`` as claim paths.

    In an object a truthy value discloses the property; in an array anything but
    ``False``/``None`` discloses the element; nested objects/arrays select inside.
    """
    if isinstance(spec, dict):
        for key, value in spec.items():
            if value:
                yield (*prefix, key)
                if isinstance(value, dict | list):
                    yield from disclosed_paths(value, (*prefix, key))
    elif isinstance(spec, list):
        for index, value in enumerate(spec):
            if value is None or value is False:
                continue
            yield (*prefix, index)
            if isinstance(value, dict | list):
                yield from disclosed_paths(value, (*prefix, index))


def _case_ids() -> list[str]:
    if CASES_DIR is None:
        return []
    return sorted(p.name for p in CASES_DIR.iterdir() if (p / "specification.yml").is_file())


def _settings() -> dict[str, Any]:
    assert CASES_DIR is not None
    with (CASES_DIR / "settings.yml").open(encoding="utf-8") as handle:
        settings = yaml.safe_load(handle)
    assert isinstance(settings, dict)
    return settings


def test_every_case_folder_is_collected() -> None:
    assert len(_case_ids()) >= 15


@pytest.mark.parametrize("case", _case_ids())
def test_owf_case(case: str) -> None:
    if case in SKIPPED:
        pytest.skip(SKIPPED[case])
    assert CASES_DIR is not None
    settings = _settings()
    spec = load_case(CASES_DIR / case / "specification.yml")
    keys = settings["key_settings"]
    issuer = signer_from_jwk(keys["issuer_keys"][0])
    holder = signer_from_jwk(keys["holder_key"])
    key_binding = bool(spec.get("key_binding", False))
    iss = settings["identifiers"]["issuer"]
    aud = settings["identifiers"]["verifier"]
    nonce = settings["key_binding_nonce"]
    iat, exp = settings["iat"], settings["exp"]

    claims = {"iss": iss, "iat": iat, "exp": exp, **spec["user_claims"]}
    if key_binding:
        claims["cnf"] = {"jwk": holder.public_jwk()}
    issued = issue_sd_jwt(
        claims,
        issuer,
        typ="example+sd-jwt",
        header=spec.get("extra_header_parameters"),
        decoys=2,
    )
    paths = list(disclosed_paths(spec["holder_disclosed_claims"]))
    request = KeyBindingRequest(holder, nonce, aud, iat + 5) if key_binding else None
    presentation = create_presentation(issued.compact, paths, key_binding=request)

    result, _ = check_sd_jwt(
        presentation,
        issuer_key=fixed_key(issuer.public_key()),
        now=iat + 10,
        require_key_binding=key_binding,
        expected_nonce=nonce if key_binding else None,
        expected_aud=aud if key_binding else None,
        policy=SdJwtPolicy(typ=("example+sd-jwt",)),
    )
    assert result.verified, result.failed
    expected = {"iss": iss, "iat": iat, "exp": exp, **spec["expect_verified_user_claims"]}
    if key_binding:
        expected["cnf"] = {"jwk": holder.public_jwk()}
    assert result.claims == expected
