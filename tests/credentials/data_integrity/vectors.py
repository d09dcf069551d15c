"""Loading the Data Integrity test vectors of w3c/vc-di-eddsa and w3c/vc-di-ecdsa.

Each case names a vector folder in ``../shared/vectors`` and the file-name suffix the
working group used there; files are read at run time through the ``shared`` fixture.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from credentials import multiformats as mf
from credentials.jsonld.registry import ContextRegistry
from credentials.keys import PrivateKey, SoftwareSigner

CITIZENSHIP_V4RC1 = "https://w3id.org/citizenship/v4rc1"
CITIZENSHIP_FILE = "contexts/w3id.org_citizenship_v4rc1.jsonld"


@dataclass(frozen=True)
class VectorCase:
    id: str
    folder: str
    suffix: str
    key_file: str
    unsigned_file: str
    key_type: str

    def path(self, shared: Path, stem: str, ext: str) -> Path:
        return shared / "vectors" / self.folder / f"{stem}{self.suffix}.{ext}"

    def text(self, shared: Path, stem: str) -> str:
        return self.path(shared, stem, "txt").read_text("utf-8")

    def json(self, shared: Path, stem: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.path(shared, stem, "json").read_text("utf-8"))
        return data

    def unsigned(self, shared: Path) -> dict[str, Any]:
        top = self.folder.split("/")[0]
        data: dict[str, Any] = json.loads(
            (shared / "vectors" / top / self.unsigned_file).read_text("utf-8")
        )
        return data

    def key_pair(self, shared: Path) -> dict[str, str]:
        top = self.folder.split("/")[0]
        data: dict[str, str] = json.loads((shared / "vectors" / top / self.key_file).read_text())
        return data


def _cases() -> list[VectorCase]:
    cases = []
    for employ in (False, True):
        tail = "/employ" if employ else ""
        unsigned = "employmentAuth.json" if employ else "unsigned.json"
        name = "-employ" if employ else ""
        cases.append(
            VectorCase(
                f"eddsa-rdfc-2022{name}",
                f"di-eddsa-rdfc-2022{tail}",
                "DataInt",
                "keyPair.json",
                unsigned,
                "Ed25519",
            )
        )
        for curve in ("256", "384"):
            cases.append(
                VectorCase(
                    f"ecdsa-rdfc-2019-p{curve}{name}",
                    f"di-ecdsa-rdfc-2019/ecdsa-rdfc-2019-p{curve}{tail}",
                    f"ECDSAP{curve}",
                    f"p{curve}KeyPair.json",
                    unsigned,
                    f"P-{curve}",
                )
            )
    return cases


CASES = _cases()


def registry_for(shared: Path) -> ContextRegistry:
    """Standard contexts plus the citizenship v4rc1 context the employ vectors use, pinned."""
    index = json.loads((shared / "contexts" / "index.json").read_text())
    raw = (shared / CITIZENSHIP_FILE).read_bytes()
    return ContextRegistry.standard().with_documents(
        {CITIZENSHIP_V4RC1: raw}, digests={CITIZENSHIP_V4RC1: index[CITIZENSHIP_V4RC1]["sha256"]}
    )


def private_key_from_multikey(secret: str) -> PrivateKey:
    """Decode a Multikey secret key (ed25519-priv 0x1300, p256-priv 0x1306, p384-priv 0x1307)."""
    code, raw = mf.multicodec_unwrap(mf.multibase_decode(secret))
    if code == mf.ED25519_PRIV:
        return ed25519.Ed25519PrivateKey.from_private_bytes(raw)
    curves: dict[int, ec.EllipticCurve] = {
        mf.P256_PRIV: ec.SECP256R1(),
        mf.P384_PRIV: ec.SECP384R1(),
    }
    return ec.derive_private_key(int.from_bytes(raw, "big"), curves[code])


def signer_for(case: VectorCase, shared: Path, verification_method: str) -> SoftwareSigner:
    pair = case.key_pair(shared)
    secret = pair.get("secretKeyMultibase") or pair["privateKeyMultibase"]
    return SoftwareSigner(private_key_from_multikey(secret), verification_method)


def controller_document(verification_method: str, public_key_multibase: str) -> dict[str, Any]:
    """The did:key-style controller document of a vector key (Multikey, both relationships)."""
    did = verification_method.split("#", 1)[0]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {
                "id": verification_method,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": public_key_multibase,
            }
        ],
        "assertionMethod": [verification_method],
        "authentication": [verification_method],
    }
