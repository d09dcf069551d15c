"""The project JSON-LD vocabulary ``https://w3id.org/attestia/v1``: protected, pinned, and
defining every claim so that nothing falls back to the VCDM 2.0 ``@vocab``."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from credentials.jsonld import ContextRegistry, JsonLdError, to_rdf
from credentials.jsonld.errors import ContextIntegrityError
from credentials.keys import SoftwareSigner, generate_private_key
from credentials.multiformats import b64url_decode
from issuer.catalogue import ATTESTIA_V1, VOCAB_BASE, load_catalogue
from issuer.catalogue.vocabulary import context_bytes, context_document, context_sha256, register
from issuer.gaia_x import gaia_x_registry
from issuer.minting.gaia_x import GaiaXMinting, build_participant
from tests.issuer.minting.samples import claims_for

ISSUER_DEPENDENT = "https://www.w3.org/ns/credentials/issuer-dependent#"
REGISTRY = register(ContextRegistry.standard())
CATALOGUE = load_catalogue("https://issuer.example")


def test_context_is_protected_and_maps_terms_under_the_vocabulary() -> None:
    context = context_document()["@context"]
    assert context["@protected"] is True
    assert context["@version"] == 1.1
    for term, definition in context.items():
        if term.startswith("@") or term in ("attestia", "xsd"):
            continue
        assert definition["@id"] == f"attestia:{term}"


def test_registered_by_its_digest() -> None:
    assert ATTESTIA_V1 in REGISTRY
    assert REGISTRY.digest(ATTESTIA_V1) == context_sha256()
    assert REGISTRY.load(ATTESTIA_V1) == json.loads(context_bytes())


def test_registering_twice_is_idempotent_and_a_different_document_is_refused() -> None:
    assert ATTESTIA_V1 in register(REGISTRY)
    with pytest.raises(ContextIntegrityError):
        ContextRegistry.standard().with_documents(
            {ATTESTIA_V1: b'{"@context": {}}'}, digests={ATTESTIA_V1: context_sha256()}
        )


def _credential(kind: str) -> dict[str, Any]:
    configuration = CATALOGUE.by_kind(kind)[0]
    return {
        "@context": configuration.contexts,
        "id": "urn:uuid:3f0d8f5e-5a1c-4c52-9b7e-0d1e2f3a4b5c",
        "type": configuration.credential_types,
        "issuer": "did:web:issuer.example",
        "validFrom": "2026-03-02T09:30:15Z",
        "credentialSubject": {"id": "did:example:holder", **claims_for(kind)},
    }


#: Kinds written in the project vocabulary. Gaia-X kinds are not: their claims are inputs of
#: a Gaia-X builder, whose credentials use the Gaia-X vocabulary (checked below).
ATTESTIA_KINDS = sorted(k for k, spec in CATALOGUE.kinds.items() if spec.vocabulary == "attestia")
GAIA_X_CONFIGURATIONS = sorted(c.id for c in CATALOGUE.configurations.values() if c.builder)


@pytest.mark.parametrize("kind", ATTESTIA_KINDS)
def test_every_claim_expands_to_the_project_vocabulary(kind: str) -> None:
    dataset = to_rdf(_credential(kind), REGISTRY)
    predicates = {q["predicate"]["value"] for quads in dataset.values() for q in quads}
    objects = {q["object"]["value"] for quads in dataset.values() for q in quads}
    assert not any(p.startswith(ISSUER_DEPENDENT) for p in predicates | objects)
    claim_names = {name for claim in CATALOGUE.kinds[kind].claims for name in claim.path}
    assert {VOCAB_BASE + name for name in claim_names if name != "address"} <= predicates | {
        VOCAB_BASE + n for n in ("address",)
    }
    assert VOCAB_BASE + CATALOGUE.kinds[kind].credential_type in objects


def test_gaia_x_kinds_are_the_only_ones_outside_the_project_vocabulary() -> None:
    assert set(CATALOGUE.kinds) - set(ATTESTIA_KINDS) == {"gaia_x_participant"}
    assert GAIA_X_CONFIGURATIONS == ["gaia_x_participant_jwt_vc", "gaia_x_participant_ldp_vc"]


def _local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@pytest.mark.parametrize("configuration_id", GAIA_X_CONFIGURATIONS)
def test_gaia_x_credential_terms_are_defined_by_the_gaia_x_contexts(
    configuration_id: str,
) -> None:
    """The built credential has no issuer-dependent term, and each claims-description path
    of the metadata names terms its RDF uses."""
    configuration = CATALOGUE.get(configuration_id)
    assert configuration.builder is not None
    registry = gaia_x_registry(REGISTRY)
    now = datetime(2026, 3, 2, tzinfo=UTC)
    signer = SoftwareSigner(generate_private_key("RSA"), kid="did:web:issuer.example#rsa")
    built = build_participant(
        configuration.builder,
        claims_for("gaia_x_participant"),
        signer=signer,
        setup=GaiaXMinting("https://issuer.example", "did:web:issuer.example", registry),
        now=now,
        valid_until=now + timedelta(days=365),
    )
    if isinstance(built, str):
        document = json.loads(b64url_decode(built.split(".")[1]))
    else:
        document = {k: v for k, v in built.items() if k != "proof"}
    assert document["@context"][: len(configuration.contexts)] == configuration.contexts
    dataset = to_rdf(document, registry)
    predicates = {q["predicate"]["value"] for quads in dataset.values() for q in quads}
    assert not any(p.startswith(ISSUER_DEPENDENT) for p in predicates)
    used = {_local_name(p) for p in predicates}
    for claim in configuration.issuer_metadata()["credential_metadata"]["claims"]:
        for term in claim["path"][1:]:
            assert term.split(":", 1)[-1] in used, (claim["path"], sorted(used))


def test_a_later_context_cannot_redefine_a_protected_term() -> None:
    redefining = "https://contexts.example/redefine"
    registry = REGISTRY.with_documents(
        {redefining: {"@context": {"siren": "https://evil.example/siren"}}}
    )
    document = copy.deepcopy(_credential("company_registration"))
    document["@context"] = [*document["@context"], redefining]
    with pytest.raises(JsonLdError):
        to_rdf(document, registry)
