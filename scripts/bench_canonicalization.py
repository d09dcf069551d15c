"""Benchmark RDFC-1.0 canonicalisation and eddsa-rdfc-2022 on a 10-claim VCDM 2.0 credential.

Prints, on one core:

- canonicalisations/s: full JSON-LD → canonical N-Quads with pyld + our bounded RDFC-1.0,
  and with pyld's JSON-LD → RDF followed by pyoxigraph's RDFC-1.0; then the canonicalisation
  step alone (from an RDF dataset) for both;
- eddsa-rdfc-2022 ``add_proof`` and ``verify`` operations/s, and the ratio of ``verify`` to a
  raw Ed25519 signature verification measured in the same run.

Usage: ``.venv/bin/python scripts/bench_canonicalization.py [--seconds 1.0]``
"""

from __future__ import annotations

import argparse
import copy
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pyoxigraph as ox
from pyld.nquads import serialize_nquads

from credentials.data_integrity import (
    EDDSA_RDFC_2022,
    AssertionMethodPurpose,
    StaticResolver,
    add_proof,
    verify,
)
from credentials.did.document import PublishedKey, build_did_document
from credentials.jsonld import ContextRegistry, canonicalize, to_rdf
from credentials.jsonld.canonicalization import canonicalize_dataset
from credentials.keys import SoftwareSigner, generate_private_key

NOW = datetime(2026, 3, 1, tzinfo=UTC)
ISSUER = "did:web:issuer.example"


def credential() -> dict[str, Any]:
    """A VCDM 2.0 credential with ten subject claims (one nested, like an address)."""
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://www.w3.org/ns/credentials/examples/v2",
        ],
        "id": "urn:uuid:7a6f1c52-3d0e-4d53-9b7e-0c1d2e3f4a5b",
        "type": ["VerifiableCredential", "CompanyRegistrationCredential"],
        "issuer": ISSUER,
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": "2027-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
            "siren": "356000000",
            "siret": "35600000000048",
            "legalName": "La Poste",
            "legalForm": "5510",
            "nafCode": "53.10Z",
            "vatNumber": "FR39356000000",
            "active": True,
            "creationDate": "1991-01-01",
            "employees": 200000,
            "address": {
                "streetAddress": "9 rue du Colonel Pierre Avia",
                "postalCode": "75015",
                "addressLocality": "Paris",
            },
        },
    }


def rate(label: str, operation: Callable[[], object], seconds: float) -> float:
    operation()
    count = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        operation()
        count += 1
    per_second = count / (time.perf_counter() - started)
    print(f"{label:<58} {per_second:>10.0f} /s  ({1000 / per_second:.3f} ms)")
    return per_second


def oxigraph_canonical(nquads: str) -> str:
    dataset = ox.Dataset(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return "".join(sorted(f"{quad} .\n" for quad in dataset))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="time per measurement")
    seconds = parser.parse_args().seconds

    registry = ContextRegistry.standard()
    document = credential()
    expected = canonicalize(document, registry)
    nquads = serialize_nquads(to_rdf(document, registry))
    if oxigraph_canonical(nquads) != expected:
        raise SystemExit("pyoxigraph and pyld disagree on the benchmark credential")
    print(f"credential: {len(expected.splitlines())} canonical quads")

    rate(
        "canonicalise, pyld to_rdf + bounded RDFC-1.0",
        lambda: canonicalize(document, registry),
        seconds,
    )
    rate(
        "canonicalise, pyld to_rdf + pyoxigraph RDFC-1.0",
        lambda: oxigraph_canonical(serialize_nquads(to_rdf(document, registry))),
        seconds,
    )
    rate(
        "  JSON-LD -> RDF only (pyld, cached contexts)", lambda: to_rdf(document, registry), seconds
    )
    dataset = to_rdf(document, registry)
    rate(
        "  RDFC-1.0 only, bounded pyld (incl. dataset deep copy)",
        lambda: canonicalize_dataset(copy.deepcopy(dataset)),
        seconds,
    )
    rate("  RDFC-1.0 only, pyoxigraph (from N-Quads)", lambda: oxigraph_canonical(nquads), seconds)

    key = generate_private_key("Ed25519")
    signer = SoftwareSigner(key, f"{ISSUER}#key-1")
    resolver = StaticResolver(
        [
            build_did_document(
                ISSUER, [PublishedKey("key-1", key.public_key(), ("assertionMethod",))]
            )
        ]
    )
    purpose = AssertionMethodPurpose()

    def sign() -> dict[str, Any]:
        return add_proof(
            document,
            suite=EDDSA_RDFC_2022,
            purpose=purpose,
            signer=signer,
            registry=registry,
            created=NOW,
        )

    secured = sign()

    def check() -> None:
        if not verify(
            secured, purpose=purpose, resolver=resolver, registry=registry, now=NOW
        ).verified:
            raise SystemExit("verification failed")

    public_key = key.public_key()
    message = b"\x01" * 64
    signature = key.sign(message)
    rate("eddsa-rdfc-2022 add_proof", sign, seconds)
    verify_rate = rate("eddsa-rdfc-2022 verify", check, seconds)
    raw_rate = rate(
        "raw Ed25519 verify (64-byte message)",
        lambda: public_key.verify(signature, message),
        seconds,
    )
    print(
        f"verify / raw Ed25519 verify: {raw_rate / verify_rate:.0f}x slower; "
        f"target >= 400 verify/s: {'met' if verify_rate >= 400 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
