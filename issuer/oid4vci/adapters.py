"""Fit the catalogue (:class:`issuer.catalogue.Catalogue`) and the minter
(:class:`issuer.minting.CredentialMinter`) to the protocols of :mod:`.context`.

The minter's own errors become OpenID4VCI errors here: a holder key the configuration
cannot bind is an ``invalid_proof``; claims that do not fit the kind (a register answer that
changed shape) are a ``credential_request_denied``. Either rolls the request back.

The register row's person digest of a mandate credential (legal representative, executive
certification) is the one the offer's subject carries as ``mandate_digest``: the digest of
the matched mandate's names *as the register records them* (what ``attestia revalidate``
recomputes, :mod:`issuer.revalidation`), not one built from the claims — an executive
certification states the ProConnect names, which the register may spell otherwise.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Final

from sqlalchemy.orm import Session

from credentials.errors import HolderBindingError
from issuer.catalogue import Catalogue, ClaimsError, UnknownConfigurationError
from issuer.minting import CredentialMinter, HolderBinding, SubjectIdentifiers
from issuer.minting.services import IssuerServices
from issuer.observability import SILENT, IssuanceObserver
from issuer.oid4vci.config import Oid4vciConfig
from issuer.oid4vci.context import (
    ConfigurationView,
    HolderKey,
    IssuedCredential,
    Oid4vciContext,
    autocommit_sessions,
    writer_limit,
)
from issuer.oid4vci.errors import (
    CredentialRequestDenied,
    InvalidProof,
    UnknownCredentialConfiguration,
)


class CatalogueAdapter:
    """:class:`~issuer.oid4vci.context.CatalogueView` over the loaded catalogue."""

    def __init__(self, catalogue: Catalogue) -> None:
        self._catalogue = catalogue

    def configurations(self) -> Mapping[str, ConfigurationView]:
        return self._catalogue.configurations


#: Kinds whose register row keeps the matched mandate's digest (``subject["mandate_digest"]``).
MANDATE_KINDS: Final = frozenset({"legal_representative", "executive_certification"})
_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def subject_identifiers(
    kind: str, claims: Mapping[str, Any], subject: Mapping[str, Any]
) -> SubjectIdentifiers:
    """What the register row records about the subject of a credential of ``kind``.

    For a mandate kind the person digest is ``subject["mandate_digest"]``. Without one, a
    legal representative keeps the digest of its claims (they are the mandate's own
    names); an executive certification records none (``revalidate`` reports it
    unverifiable rather than judging it on the ProConnect spelling).
    """
    sub = subject.get("sub")
    identifiers = SubjectIdentifiers.from_claims(
        claims, person_sub=sub if isinstance(sub, str) else None
    )
    if kind not in MANDATE_KINDS:
        return identifiers
    digest = subject.get("mandate_digest")
    if isinstance(digest, str) and _DIGEST.match(digest):
        return replace(identifiers, person_digest=digest)
    if kind == "legal_representative":
        return identifiers
    return replace(identifiers, person_digest=None)


class MinterAdapter:
    """:class:`~issuer.oid4vci.context.Minter` over :class:`CredentialMinter`."""

    def __init__(self, minter: CredentialMinter) -> None:
        self._minter = minter

    def mint(
        self,
        session: Session,
        *,
        configuration_id: str,
        claims: Mapping[str, Any],
        subject: Mapping[str, Any],
        holder: HolderKey,
    ) -> IssuedCredential:
        try:
            kind = self._minter.catalogue.get(configuration_id).kind_name
            binding = HolderBinding(jwk=holder.jwk, did=holder.did)
            minted = self._minter.mint(
                session,
                configuration_id=configuration_id,
                claims=claims,
                holder=binding,
                subject=subject_identifiers(kind, claims, subject),
            )
        except HolderBindingError as exc:
            raise InvalidProof(f"the proof key cannot be bound: {exc}") from None
        except UnknownConfigurationError:
            raise UnknownCredentialConfiguration("credential_configuration_id is unknown") from None
        except ClaimsError as exc:
            raise CredentialRequestDenied(f"the credential data is not issuable: {exc}") from None
        return IssuedCredential(credential=minted.credential, credential_id=minted.credential_id)


def build_context(
    config: Oid4vciConfig,
    issuer: IssuerServices,
    *,
    observer: IssuanceObserver = SILENT,
    nonce_key: bytes | None = None,
) -> Oid4vciContext:
    """The protocol context over the issuer's shared services; ``nonce_key`` must be the
    same in every process sharing the database (else a fresh one, for one process)."""
    context = Oid4vciContext(
        config=config,
        sessions=issuer.sessions,
        catalogue=CatalogueAdapter(issuer.catalogue),
        minter=MinterAdapter(issuer.minter),
        observer=observer,
        writers=threading.BoundedSemaphore(writer_limit(issuer.sessions)),
        single_statements=autocommit_sessions(issuer.sessions),
    )
    return context if nonce_key is None else replace(context, nonce_key=nonce_key)
