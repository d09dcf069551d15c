"""The catalogue: every data file loads, every entry uses the OpenID4VCI 1.0 Final names,
and a broken file is refused at start with an error naming the file and the field."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from issuer.catalogue import (
    FORMATS,
    Catalogue,
    CatalogueError,
    UnknownConfigurationError,
    load_catalogue,
)

BASE = "https://issuer.example"
CATALOGUE = load_catalogue(BASE)
PACKAGE = Path(str(resources.files("issuer.catalogue")))
CONFIGURATION_FILES = sorted(p.stem for p in (PACKAGE / "configurations").glob("*.json"))

#: OpenID4VCI 1.0 §12.2.4 and Appendix A: the names a configuration may carry.
COMMON = {
    "format",
    "scope",
    "credential_signing_alg_values_supported",
    "cryptographic_binding_methods_supported",
    "proof_types_supported",
    "credential_metadata",
}
PER_FORMAT = {
    "dc+sd-jwt": {"vct"},
    "jwt_vc_json": {"credential_definition"},
    "ldp_vc": {"credential_definition"},
}
EXAMPLES = {
    "dc+sd-jwt": "credential_metadata_sd_jwt_vc.json",
    "jwt_vc_json": "credential_metadata_jwt_vc_json.json",
    "ldp_vc": "credential_metadata_ldp_vc.json",
}


#: Kinds built by the Gaia-X builders exist in the two formats Gaia-X defines: Loire
#: VC-JWT (``jwt_vc_json``) and Tagus JSON-LD with JsonWebSignature2020 (``ldp_vc``);
#: Gaia-X has no SD-JWT VC profile (reference gaia-x.md §1.2).
GAIA_X_FORMATS = {"jwt_vc_json", "ldp_vc"}


def test_each_kind_is_offered_in_every_format() -> None:
    for kind in CATALOGUE.kinds:
        formats = {c.format for c in CATALOGUE.by_kind(kind)}
        if CATALOGUE.kinds[kind].vocabulary == "gaia-x":
            assert formats == GAIA_X_FORMATS
        else:
            assert formats == set(FORMATS)
    assert len(CATALOGUE.configurations) == 14
    assert set(CONFIGURATION_FILES) == set(CATALOGUE.configurations)


@pytest.mark.parametrize("configuration_id", CONFIGURATION_FILES)
def test_metadata_entry_uses_the_final_names(configuration_id: str) -> None:
    configuration = CATALOGUE.get(configuration_id)
    entry = configuration.issuer_metadata()
    assert set(entry) == COMMON | PER_FORMAT[configuration.format]
    assert entry["format"] == configuration.format
    assert entry["scope"] == configuration_id
    assert entry["proof_types_supported"] == {
        "jwt": {"proof_signing_alg_values_supported": ["ES256", "EdDSA"]}
    }
    metadata = entry["credential_metadata"]
    assert set(metadata) == {"display", "claims"}
    assert {d["locale"] for d in metadata["display"]} == {"fr", "en"}
    for display in metadata["display"]:
        assert set(display) <= {
            "name",
            "locale",
            "description",
            "background_color",
            "text_color",
            "logo",
        }
    paths = [tuple(c["path"]) for c in metadata["claims"]]
    assert len(set(paths)) == len(paths)
    for claim in metadata["claims"]:
        assert set(claim) <= {"path", "mandatory", "display"}
        assert {d["locale"] for d in claim["display"]} == {"fr", "en"}
        assert all(set(d) <= {"name", "locale", "description"} for d in claim["display"])
    if configuration.format == "dc+sd-jwt":
        assert entry["vct"] == f"{BASE}/issuer/vct/{configuration.kind_name}"
        assert entry["cryptographic_binding_methods_supported"] == ["jwk"]
        assert entry["credential_signing_alg_values_supported"] == ["ES256"]
        assert all(c["path"][0] != "credentialSubject" for c in metadata["claims"])
    elif configuration.builder is not None:
        _check_gaia_x_entry(configuration, entry)
    else:
        definition = entry["credential_definition"]
        assert definition["type"] == ["VerifiableCredential", configuration.kind.credential_type]
        assert entry["cryptographic_binding_methods_supported"] == ["did:key", "did:jwk"]
        assert all(c["path"][0] == "credentialSubject" for c in metadata["claims"])
        if configuration.format == "ldp_vc":
            assert definition["@context"] == [
                "https://www.w3.org/ns/credentials/v2",
                "https://w3id.org/attestia/v1",
            ]
            assert entry["credential_signing_alg_values_supported"] == ["eddsa-rdfc-2022"]
        else:
            assert set(definition) == {"type"}
    json.dumps(entry)


def _check_gaia_x_entry(configuration: Any, entry: dict[str, Any]) -> None:
    """A Gaia-X builder's entry names what the builder issues: Loire ``gx:LegalPerson``
    signed PS256, or the Tagus credential (its subject typed ``gx:LegalParticipant``) with
    a JsonWebSignature2020 proof in the Tagus contexts."""
    definition = entry["credential_definition"]
    claims = entry["credential_metadata"]["claims"]
    assert entry["cryptographic_binding_methods_supported"] == ["did:key", "did:jwk"]
    assert claims
    assert all(c["path"][0] == "credentialSubject" for c in claims)
    if configuration.builder == "gaia_x_loire":
        assert configuration.format == "jwt_vc_json"
        assert definition == {"type": ["VerifiableCredential", "gx:LegalPerson"]}
        assert entry["credential_signing_alg_values_supported"] == ["PS256"]
    else:
        assert configuration.format == "ldp_vc"
        assert definition["type"] == ["VerifiableCredential"]
        assert definition["@context"][0] == "https://www.w3.org/2018/credentials/v1"
        assert "https://w3id.org/security/suites/jws-2020/v1" in definition["@context"]
        assert entry["credential_signing_alg_values_supported"] == ["JsonWebSignature2020"]


@pytest.mark.shared
@pytest.mark.parametrize("format_id", FORMATS)
def test_entries_have_the_shape_of_the_spec_examples(shared: Path, format_id: str) -> None:
    """Every name the spec example uses for this format (key attestations aside) is one
    we emit, at the same place."""
    example_file = shared / "vectors/openid4vc-examples/openid4vci" / EXAMPLES[format_id]
    example = next(
        iter(json.loads(example_file.read_text())["credential_configurations_supported"].values())
    )
    ours = next(
        c for c in CATALOGUE.configurations.values() if c.format == format_id
    ).issuer_metadata()
    assert set(example) <= set(ours)
    assert set(example.get("credential_definition", {})) == set(
        ours.get("credential_definition", {})
    )
    assert set(example["credential_metadata"]) == set(ours["credential_metadata"])
    assert set(example.get("proof_types_supported", {})) <= set(ours["proof_types_supported"])


def test_credential_configurations_supported_is_keyed_by_id() -> None:
    supported = CATALOGUE.credential_configurations_supported()
    assert set(supported) == set(CONFIGURATION_FILES)


def test_trust_registry_types() -> None:
    types = CATALOGUE.trust_registry_types()
    assert f"{BASE}/issuer/vct/company_registration" in types
    assert "PublicAgentCredential" in types


def test_lookup_helpers() -> None:
    assert [c.id for c in CATALOGUE.by_scope("public_agent_ldp_vc")] == ["public_agent_ldp_vc"]
    with pytest.raises(UnknownConfigurationError):
        CATALOGUE.get("nope")
    with pytest.raises(UnknownConfigurationError):
        CATALOGUE.type_metadata("nope")


def test_base_url_is_injected() -> None:
    other = load_catalogue("https://attestia.gouv.example/tenant/")
    assert other.get("company_registration_sd_jwt").vct == (
        "https://attestia.gouv.example/tenant/issuer/vct/company_registration"
    )


def test_signing_key_types() -> None:
    assert CATALOGUE.get("company_registration_sd_jwt").signing_key_type == "P-256"
    assert CATALOGUE.get("company_registration_jwt_vc").signing_key_type == "P-256"
    assert CATALOGUE.get("company_registration_ldp_vc").signing_key_type == "Ed25519"
    ecdsa = load_catalogue(BASE, cryptosuite="ecdsa-rdfc-2019")
    assert ecdsa.get("company_registration_ldp_vc").signing_key_type == "P-256"


# Refusals at start: one broken copy of the package's files per case.


def _copy(tmp_path: Path) -> Path:
    for folder in ("kinds", "configurations"):
        shutil.copytree(PACKAGE / folder, tmp_path / folder)
    return tmp_path


def _edit(root: Path, name: str, change: Any) -> None:
    path = root / name
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


BROKEN = [
    (
        "configurations/public_agent_sd_jwt.json",
        lambda d: d.update(validity_days=0),
        "validity_days",
    ),
    ("configurations/public_agent_sd_jwt.json", lambda d: d.update(format="mso_mdoc"), "format"),
    ("configurations/public_agent_sd_jwt.json", lambda d: d.pop("vct"), "(file)"),
    (
        "configurations/public_agent_sd_jwt.json",
        lambda d: d.update(vct="https://evil.example/x"),
        "vct",
    ),
    ("configurations/public_agent_sd_jwt.json", lambda d: d.update(extra=1), "extra"),
    (
        "configurations/public_agent_sd_jwt.json",
        lambda d: d.update(selectively_disclosable=["email"]),
        "selectively_disclosable.0",
    ),
    (
        "configurations/public_agent_sd_jwt.json",
        lambda d: d.update(cryptographic_binding_methods_supported=["did:key"]),
        "(file)",
    ),
    (
        "configurations/public_agent_sd_jwt.json",
        lambda d: d.update(trust_registry_types=["Other"]),
        "trust_registry_types",
    ),
    ("configurations/public_agent_sd_jwt.json", lambda d: d.update(kind="unknown_kind"), "kind"),
    ("configurations/public_agent_sd_jwt.json", lambda d: d.update(id="renamed"), "id"),
    (
        "configurations/public_agent_jwt_vc.json",
        lambda d: d.update(scope="public_agent_sd_jwt"),
        "scope",
    ),
    (
        "configurations/public_agent_jwt_vc.json",
        lambda d: d.update(credential_signing_alg_values_supported=["none"]),
        "credential_signing_alg_values_supported.0",
    ),
    (
        "configurations/public_agent_ldp_vc.json",
        lambda d: d.update(cryptosuites_supported=["ecdsa-rdfc-2019"]),
        "cryptosuites_supported",
    ),
    (
        "configurations/public_agent_ldp_vc.json",
        lambda d: d.update(
            proof_types_supported={"jwt": {"proof_signing_alg_values_supported": ["HS256"]}}
        ),
        "proof_types_supported.jwt.proof_signing_alg_values_supported.0",
    ),
    ("kinds/public_agent.json", lambda d: d["display"].pop(), "(file)"),
    (
        "kinds/public_agent.json",
        lambda d: d["claims"].append({"path": ["email"], "display": d["claims"][0]["display"]}),
        "claims.6.path",
    ),
    ("kinds/public_agent.json", lambda d: d["claims"].append(d["claims"][0]), "(file)"),
    (
        "kinds/public_agent.json",
        lambda d: d["display"][0].update(background_color="red"),
        "display.0.background_color",
    ),
]


@pytest.mark.parametrize(
    ("file_name", "change", "field"),
    BROKEN,
    ids=[
        "validity-zero",
        "unknown-format",
        "sd-jwt-without-vct",
        "vct-outside-issuer",
        "unknown-member",
        "sd-unknown-claim",
        "sd-jwt-did-binding",
        "trust-types-without-vct",
        "unknown-kind",
        "id-not-file-name",
        "duplicate-scope",
        "alg-none",
        "cryptosuite-unlisted",
        "proof-alg-hmac",
        "display-without-english",
        "claim-outside-vocabulary",
        "duplicate-claim-path",
        "colour-not-hex",
    ],
)
def test_broken_file_is_refused_naming_file_and_field(
    tmp_path: Path, file_name: str, change: Any, field: str
) -> None:
    root = _copy(tmp_path)
    _edit(root, file_name, change)
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(BASE, directory=root)
    assert caught.value.file in (file_name, "configurations/public_agent_sd_jwt.json")
    assert caught.value.field == field
    assert caught.value.file in str(caught.value)


def test_file_that_is_not_json(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "configurations/public_agent_sd_jwt.json").write_text("{not json")
    with pytest.raises(CatalogueError, match=r"configurations/public_agent_sd_jwt\.json: line 1"):
        load_catalogue(BASE, directory=root)


def test_empty_catalogue_refused(tmp_path: Path) -> None:
    (tmp_path / "kinds").mkdir()
    (tmp_path / "configurations").mkdir()
    with pytest.raises(CatalogueError, match="no configuration"):
        load_catalogue(BASE, directory=tmp_path)


def test_base_url_must_be_absolute() -> None:
    with pytest.raises(CatalogueError, match="base_url"):
        load_catalogue("issuer.example")


def test_catalogue_is_immutable() -> None:
    assert isinstance(CATALOGUE, Catalogue)
    with pytest.raises(TypeError):
        CATALOGUE.configurations["x"] = CATALOGUE.get("public_agent_sd_jwt")  # type: ignore[index]
