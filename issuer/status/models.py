"""The issued-credential register and the status lists, as tables of :class:`IssuerBase`.

- ``issuer_status_lists``: one row per published list. ``kind`` ``token`` is an IETF Token
  Status List (2-bit values, for SD-JWT VC); ``bitstring`` is a pair of W3C Bitstring Status
  List credentials (``revocation`` and ``suspension``, 1 bit each) sharing one index space,
  for VCDM credentials. ``version`` grows with every status change in the list (the ETag);
  ``state`` becomes ``full`` once the fill threshold is reached.
- ``issuer_status_allocations``: one row per used index. The primary key (list, index) is
  the database guarantee that an index is never handed out twice, across processes too.
- ``issuer_credentials``: the register. One row per issued credential, written in the same
  transaction as its allocation; personal data is reduced to the ProConnect ``sub`` and a
  SHA-256 of the person's names.
- ``issuer_credential_status_changes``: append-only history of revocations, suspensions
  and reinstatements: who, when, why.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from issuer.db import IssuerBase

ListKind = Literal["token", "bitstring"]
CredentialState = Literal["valid", "suspended", "revoked"]
ActorKind = Literal["holder", "administrator", "system"]


class StatusList(IssuerBase):
    __tablename__ = "issuer_status_lists"
    __table_args__ = (
        CheckConstraint("kind IN ('token', 'bitstring')", name="kind"),
        CheckConstraint("state IN ('open', 'full')", name="state"),
        CheckConstraint("size > 0 AND capacity > 0 AND capacity <= size", name="size"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    size: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(8), default="open", index=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StatusAllocation(IssuerBase):
    __tablename__ = "issuer_status_allocations"

    list_id: Mapped[str] = mapped_column(ForeignKey(StatusList.id), primary_key=True)
    idx: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    allocated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IssuedCredential(IssuerBase):
    __tablename__ = "issuer_credentials"
    __table_args__ = (
        UniqueConstraint("status_list_id", "status_index"),
        ForeignKeyConstraint(
            ["status_list_id", "status_index"],
            [StatusAllocation.list_id, StatusAllocation.idx],
        ),
        CheckConstraint("state IN ('valid', 'suspended', 'revoked')", name="state"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    configuration_id: Mapped[str] = mapped_column(String(80), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    format: Mapped[str] = mapped_column(String(20))
    subject_siren: Mapped[str | None] = mapped_column(String(9), index=True)
    subject_siret: Mapped[str | None] = mapped_column(String(14))
    person_sub: Mapped[str | None] = mapped_column(String(255), index=True)
    person_digest: Mapped[str | None] = mapped_column(String(64))
    holder_thumbprint: Mapped[str] = mapped_column(String(64))
    status_list_id: Mapped[str] = mapped_column(String(64))
    status_index: Mapped[int] = mapped_column(Integer)
    signing_kid: Mapped[str] = mapped_column(String(512))
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    valid_from: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    valid_until: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    digest_sha256: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(12), default="valid")
    state_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CredentialStatusChange(IssuerBase):
    __tablename__ = "issuer_credential_status_changes"
    __table_args__ = (
        CheckConstraint("actor_kind IN ('holder', 'administrator', 'system')", name="actor_kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    credential_id: Mapped[str] = mapped_column(ForeignKey(IssuedCredential.id), index=True)
    from_state: Mapped[str] = mapped_column(String(12))
    to_state: Mapped[str] = mapped_column(String(12))
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str] = mapped_column(String(255))
    reason: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
