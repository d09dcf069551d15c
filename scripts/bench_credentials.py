"""Sign and verify throughput of every credential format, against the raw signature cost.

For each format, on one core: operations per second for signing and for verifying, and
the ratio of verification throughput to the bound set by the raw signature verifications
it contains (measured in the same run, on the same keys):

- SD-JWT VC, 10 claims all selectively disclosable, presented with 5 disclosed and a
  KB-JWT (ES256 issuer + ES256 holder): verification = 2 raw ES256 verifications;
- ``vc+jwt`` (ES256): 1 raw verification;
- Data Integrity ``eddsa-rdfc-2022`` (Ed25519) and ``ecdsa-rdfc-2019`` (P-256): 1 raw
  verification each, plus RDF canonicalisation of document and proof options.

Targets from issue #3: SD-JWT VC verification at >= 40 % of its raw bound; Data Integrity
verification of a 10-claim credential at >= 400/s.

Usage: ``.venv/bin/python scripts/bench_credentials.py [--seconds 1.0]``
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from credentials.data_integrity import (
    ECDSA_RDFC_2019,
    EDDSA_RDFC_2022,
    AssertionMethodPurpose,
    StaticResolver,
    add_proof,
    verify,
)
from credentials.did.document import PublishedKey, build_did_document
from credentials.jsonld import ContextRegistry
from credentials.keys import SoftwareSigner, generate_private_key, verify_raw
from credentials.sd_jwt import SD, KeyBindingRequest, create_presentation
from credentials.sd_jwt_vc import build_payload, check_sd_jwt_vc, issue_sd_jwt_vc
from credentials.vc_jose import sign_vc_jwt, verify_vc_jwt

NOW = datetime(2026, 3, 1, tzinfo=UTC)
NOW_TS = NOW.timestamp()
ISSUER = "did:web:issuer.example"
HOLDER = "did:jwk:holder"
AUDIENCE = "x509_san_dns:verifier.example"

CLAIMS: dict[str, Any] = {
    "siren": "356000000",
    "siret": "35600000000048",
    "legal_name": "Exemple Industries",
    "legal_form": "5710",
    "naf": "62.01Z",
    "vat_number": "FR39356000000",
    "activity": "active",
    "creation_date": "1991-01-01",
    "postal_code": "75015",
    "locality": "Paris",
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
    print(f"  {label:<44} {per_second:>9.0f} /s  ({1000 / per_second:7.3f} ms)")
    return per_second


def report(name: str, verify_rate: float, raw_rate: float, raw_count: int) -> None:
    bound = raw_rate / raw_count
    print(
        f"  -> {name} verification at {100 * verify_rate / bound:.0f} % of its raw bound "
        f"({raw_count} raw verification(s) = {bound:.0f}/s)"
    )


def vcdm_credential() -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://www.w3.org/ns/credentials/examples/v2",
        ],
        "id": "urn:uuid:7a6f1c52-3d0e-4d53-9b7e-0c1d2e3f4a5b",
        "type": ["VerifiableCredential", "ExampleCompanyCredential"],
        "issuer": ISSUER,
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": "2027-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
            **CLAIMS,
        },
    }


def raw_rate(alg: str, key_type: str, seconds: float) -> float:
    key = generate_private_key(key_type)  # type: ignore[arg-type]
    signer = SoftwareSigner(key, "k")
    message = b"\x01" * 256
    signature = signer.sign(message)
    public = key.public_key()
    return rate(f"raw {alg} verify", lambda: verify_raw(public, alg, message, signature), seconds)


def bench_sd_jwt_vc(seconds: float) -> None:
    print("SD-JWT VC (dc+sd-jwt), 10 SD claims, 5 disclosed, KB-JWT, ES256")
    issuer_key = generate_private_key("P-256")
    holder_key = generate_private_key("P-256")
    issuer = SoftwareSigner(issuer_key, f"{ISSUER}#p256")
    holder = SoftwareSigner(holder_key, HOLDER)
    payload = build_payload(
        vct="https://issuer.example/vct/company",
        iss=ISSUER,
        iat=int(NOW_TS) - 60,
        exp=int(NOW_TS) + 86400,
        claims={name: SD(value) for name, value in CLAIMS.items()},
        holder_jwk=holder.public_jwk(),
    )
    issued = issue_sd_jwt_vc(payload, issuer)
    disclose = [(name,) for name in list(CLAIMS)[:5]]

    def present() -> str:
        return create_presentation(
            issued.compact,
            disclose,
            key_binding=KeyBindingRequest(holder, "n-0S6_WzA2Mj", AUDIENCE, int(NOW_TS)),
        )

    presentation = present()
    public = issuer_key.public_key()

    def check() -> None:
        result = check_sd_jwt_vc(
            presentation,
            issuer_key=lambda _header, _payload: public,
            now=NOW_TS,
            require_key_binding=True,
            expected_nonce="n-0S6_WzA2Mj",
            expected_aud=AUDIENCE,
        )
        if not result.verified:
            raise SystemExit(f"SD-JWT VC did not verify: {result.failed}")

    rate("issue (sign)", lambda: issue_sd_jwt_vc(payload, issuer), seconds)
    rate("present with KB-JWT (holder sign)", present, seconds)
    verified = rate("verify (issuer + KB-JWT)", check, seconds)
    report("SD-JWT VC", verified, raw_rate("ES256", "P-256", seconds), 2)


def bench_vc_jwt(seconds: float) -> None:
    print("VCDM 2.0 secured as vc+jwt, ES256")
    key = generate_private_key("P-256")
    signer = SoftwareSigner(key, f"{ISSUER}#p256")
    credential = vcdm_credential()
    token = sign_vc_jwt(credential, signer)
    public = key.public_key()

    def check() -> None:
        if not verify_vc_jwt(token, key_resolver=lambda _h: public, now=NOW).verified:
            raise SystemExit("vc+jwt did not verify")

    rate("sign", lambda: sign_vc_jwt(credential, signer), seconds)
    verified = rate("verify", check, seconds)
    report("vc+jwt", verified, raw_rate("ES256", "P-256", seconds), 1)


def bench_data_integrity(suite: Any, key_type: str, alg: str, seconds: float) -> None:
    print(f"VCDM 2.0 with DataIntegrityProof {suite.name} ({key_type})")
    registry = ContextRegistry.standard()
    key = generate_private_key(key_type)  # type: ignore[arg-type]
    signer = SoftwareSigner(key, f"{ISSUER}#key-1")
    document = build_did_document(
        ISSUER, [PublishedKey("key-1", key.public_key(), ("assertionMethod",))]
    )
    resolver = StaticResolver([document])
    purpose = AssertionMethodPurpose()
    credential = vcdm_credential()

    def sign() -> Mapping[str, Any]:
        return add_proof(
            credential, suite=suite, purpose=purpose, signer=signer, registry=registry, created=NOW
        )

    secured = sign()

    def check() -> None:
        outcome = verify(secured, purpose=purpose, resolver=resolver, registry=registry, now=NOW)
        if not outcome.verified:
            raise SystemExit(f"{suite.name} did not verify: {outcome.failed}")

    rate("sign", sign, seconds)
    verified = rate("verify", check, seconds)
    report(suite.name, verified, raw_rate(alg, key_type, seconds), 1)
    print(f"  -> target >= 400 verify/s: {'met' if verified >= 400 else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="time per measurement")
    seconds = parser.parse_args().seconds
    bench_sd_jwt_vc(seconds)
    bench_vc_jwt(seconds)
    bench_data_integrity(EDDSA_RDFC_2022, "Ed25519", "EdDSA", seconds)
    bench_data_integrity(ECDSA_RDFC_2019, "P-256", "ES256", seconds)


if __name__ == "__main__":
    main()
