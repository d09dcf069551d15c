"""Minting: claims → a signed credential in the configuration's format, recorded.

:meth:`CredentialMinter.mint` runs inside the caller's transaction:

1. check the claims against the kind and the holder binding against the configuration;
2. allocate a random status index (:class:`~issuer.status.allocation.StatusAllocator`);
3. sign: ``dc+sd-jwt`` with ES256 (issuer P-256 key), claims listed as selectively
   disclosable blinded, ``cnf.jwk``, ``status.status_list``; ``jwt_vc_json`` as a
   VC-JOSE ``vc+jwt`` with ES256; ``ldp_vc`` with a ``DataIntegrityProof``
   (``eddsa-rdfc-2022`` with the Ed25519 key, or ``ecdsa-rdfc-2019`` with P-256);
4. record the credential in the register (its SHA-256, never its content) and flush.

Configurations with a Gaia-X ``builder`` are signed by the Gaia-X builders
(:mod:`issuer.minting.gaia_x`, PS256 with the issuer's RSA key). Their credentials carry
no status entry and no holder key (the subject is the company), but they are recorded in
the register like any other: a bitstring index is still allocated, because the register's
key is (list, index); it is never published in a credential, and a revocation of such a
credential changes the register only (``status_uri`` is empty).

The caller commits, and returns the credential to the wallet only after the commit
succeeded. If anything fails before the commit, the transaction rolls back: the allocation
row disappears with the credential that was never delivered, so nothing that any holder
holds ever points at a reused index. ``iat``/``nbf``/``validFrom`` come from the injected
clock (whole seconds), ``exp``/``validUntil`` from the configuration's validity.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from credentials.data_integrity import (
    ECDSA_RDFC_2019,
    EDDSA_RDFC_2022,
    AssertionMethodPurpose,
    add_proof,
)
from credentials.errors import HolderBindingError
from credentials.jsonld import ContextRegistry
from credentials.keys import Signer
from credentials.sd_jwt import SD
from credentials.sd_jwt.disclosure import SaltSource
from credentials.sd_jwt.issuer import default_salt
from credentials.sd_jwt_vc import StatusListReference, build_payload, issue_sd_jwt_vc
from credentials.vc_jose import sign_vc_jwt
from issuer.catalogue import Catalogue, CredentialConfiguration, check_claims
from issuer.db import table_of
from issuer.gaia_x import gaia_x_registry
from issuer.minting.gaia_x import GaiaXMinting, build_participant
from issuer.minting.holder import HolderBinding, did_method
from issuer.minting.vcdm import build_credential, status_entries
from issuer.status.allocation import StatusAllocator
from issuer.status.models import IssuedCredential, ListKind
from issuer.status.publication import SignerSource, StatusListUrls
from issuer.status.register import SubjectIdentifiers

URN_UUID = "urn:uuid:"
_INSERT_ISSUED = insert(table_of(IssuedCredential))


@dataclass(frozen=True, slots=True)
class MintedCredential:
    """A signed, recorded credential. ``credential`` is the Credential Response value:
    a string for ``dc+sd-jwt`` and ``jwt_vc_json``, a JSON object for ``ldp_vc``
    (OpenID4VCI 1.0 Appendix A)."""

    credential_id: str
    configuration_id: str
    format: str
    credential: str | dict[str, Any]
    status_list_id: str
    status_index: int
    status_uri: str
    holder_thumbprint: str
    signing_kid: str
    issued_at: datetime
    valid_until: datetime
    digest_sha256: str

    def response_item(self) -> dict[str, Any]:
        """One element of the Credential Response ``credentials`` array (§8.3)."""
        return {"credential": self.credential}


def credential_digest(credential: str | Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the credential as delivered: the compact string, or the JSON object
    serialised with sorted keys and no whitespace."""
    if isinstance(credential, str):
        data = credential.encode()
    else:
        data = json.dumps(
            credential, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()
    return hashlib.sha256(data).hexdigest()


class CredentialMinter:
    """Turns claims into signed, recorded credentials for every catalogue configuration."""

    def __init__(
        self,
        *,
        catalogue: Catalogue,
        allocator: StatusAllocator,
        signers: SignerSource,
        urls: StatusListUrls,
        issuer_did: str,
        context_registry: ContextRegistry,
        clock: Callable[[], datetime],
        salt: SaltSource = default_salt,
        new_id: Callable[[], uuid.UUID] = uuid.uuid4,
    ) -> None:
        self._catalogue = catalogue
        self._allocator = allocator
        self._signers = signers
        self._urls = urls
        self._did = issuer_did
        self._registry = context_registry
        self._clock = clock
        self._salt = salt
        self._new_id = new_id
        self._gaia_x: GaiaXMinting | None = None

    @property
    def catalogue(self) -> Catalogue:
        return self._catalogue

    def mint(
        self,
        session: Session,
        *,
        configuration_id: str,
        claims: Mapping[str, Any],
        holder: HolderBinding,
        subject: SubjectIdentifiers,
    ) -> MintedCredential:
        """Sign and record one credential in ``session`` (the caller commits).

        Raises :class:`~issuer.catalogue.UnknownConfigurationError`,
        :class:`~issuer.catalogue.ClaimsError`, :class:`HolderBindingError` (a holder DID
        method the configuration does not accept) or a signing error.
        """
        configuration = self._catalogue.get(configuration_id)
        check_claims(configuration.kind, claims)
        if configuration.format != "dc+sd-jwt":
            method = did_method(holder.subject_did())
            if method not in configuration.binding_methods:
                raise HolderBindingError(f"{configuration.id} does not bind {method} holders")
        now = self._clock().replace(microsecond=0)
        valid_until = now + configuration.validity
        kind: ListKind = "token" if configuration.format == "dc+sd-jwt" else "bitstring"
        allocation = self._allocator.allocate(session, kind, now=now)
        credential_id = str(self._new_id())
        signer = self._signers(configuration.signing_key_type)
        credential: str | dict[str, Any]
        if configuration.builder is not None:
            status_uri = ""
            credential = build_participant(
                configuration.builder,
                claims,
                signer=signer,
                setup=self._gaia_x_setup(),
                now=now,
                valid_until=valid_until,
            )
        elif configuration.format == "dc+sd-jwt":
            status_uri = self._urls.token(allocation.list_id)
            credential = self._sd_jwt_vc(
                configuration,
                claims,
                holder,
                now,
                valid_until,
                allocation.index,
                status_uri,
                signer,
            )
        else:
            status_uri = self._urls.bitstring(allocation.list_id, "revocation")
            document = build_credential(
                configuration,
                credential_id=URN_UUID + credential_id,
                issuer=self._did,
                subject_id=holder.subject_did(),
                claims=claims,
                valid_from=now,
                valid_until=valid_until,
                status=status_entries(self._urls, allocation.list_id, allocation.index),
            )
            if configuration.format == "jwt_vc_json":
                credential = sign_vc_jwt(
                    document,
                    signer,
                    issued_at=int(now.timestamp()),
                    expires_at=int(valid_until.timestamp()),
                )
            else:
                suite = (
                    EDDSA_RDFC_2022
                    if configuration.cryptosuite == "eddsa-rdfc-2022"
                    else ECDSA_RDFC_2019
                )
                credential = add_proof(
                    document,
                    suite=suite,
                    purpose=AssertionMethodPurpose(),
                    signer=signer,
                    registry=self._registry,
                    created=now,
                )
        digest = credential_digest(credential)
        session.execute(
            _INSERT_ISSUED,
            {
                "id": credential_id,
                "configuration_id": configuration.id,
                "kind": configuration.kind_name,
                "format": configuration.format,
                "subject_siren": subject.siren,
                "subject_siret": subject.siret,
                "person_sub": subject.person_sub,
                "person_digest": subject.person_digest,
                "holder_thumbprint": holder.thumbprint,
                "status_list_id": allocation.list_id,
                "status_index": allocation.index,
                "signing_kid": signer.kid,
                "issued_at": now,
                "valid_from": now,
                "valid_until": valid_until,
                "digest_sha256": digest,
                "state": "valid",
                "state_changed_at": None,
            },
        )
        return MintedCredential(
            credential_id=URN_UUID + credential_id,
            configuration_id=configuration.id,
            format=configuration.format,
            credential=credential,
            status_list_id=allocation.list_id,
            status_index=allocation.index,
            status_uri=status_uri,
            holder_thumbprint=holder.thumbprint,
            signing_kid=signer.kid,
            issued_at=now,
            valid_until=valid_until,
            digest_sha256=digest,
        )

    def _gaia_x_setup(self) -> GaiaXMinting:
        """The Gaia-X builders' setup, with the Gaia-X contexts added once."""
        if self._gaia_x is None:
            self._gaia_x = GaiaXMinting(
                base_url=self._urls.base_url.rstrip("/"),
                issuer_did=self._did,
                registry=gaia_x_registry(self._registry),
            )
        return self._gaia_x

    def _sd_jwt_vc(
        self,
        configuration: CredentialConfiguration,
        claims: Mapping[str, Any],
        holder: HolderBinding,
        now: datetime,
        valid_until: datetime,
        index: int,
        status_uri: str,
        signer: Signer,
    ) -> str:
        marked = {
            name: SD(value) if name in configuration.selectively_disclosable else value
            for name, value in claims.items()
        }
        assert configuration.vct is not None
        iat = int(now.timestamp())
        payload = build_payload(
            vct=configuration.vct,
            iss=self._did,
            iat=iat,
            nbf=iat,
            exp=int(valid_until.timestamp()),
            holder_jwk=holder.jwk,
            status=StatusListReference(idx=index, uri=status_uri),
            claims=marked,
        )
        return issue_sd_jwt_vc(payload, signer, salt=self._salt).compact
