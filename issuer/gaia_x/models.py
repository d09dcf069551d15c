"""Compliance credentials returned by a GXDCH compliance service, as a table of :class:`IssuerBase`.

``issuer_gaia_x_compliance_credentials``: one row per successful submission, never updated
(a new submission adds a row; the latest row per SIREN is the one shown). The credential is
stored as received (VC-JWT or JSON), with the SHA-256 of that text, so that what is shown
can be traced to what the service signed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from issuer.db import IssuerBase
from issuer.gaia_x.compliance import ComplianceCredential


class GaiaXComplianceRecord(IssuerBase):
    __tablename__ = "issuer_gaia_x_compliance_credentials"
    __table_args__ = (CheckConstraint("flavour IN ('loire', 'tagus')", name="flavour"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    siren: Mapped[str] = mapped_column(String(9), index=True)
    flavour: Mapped[str] = mapped_column(String(8))
    service: Mapped[str] = mapped_column(String(512))
    credential: Mapped[str] = mapped_column(Text)
    credential_sha256: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True, slots=True)
class StoredCompliance:
    """A stored compliance credential, as shown in the portal."""

    siren: str
    flavour: str
    service: str
    credential: str
    credential_sha256: str
    submitted_at: datetime


def record_compliance(
    session: Session, *, siren: str, outcome: ComplianceCredential, now: datetime
) -> StoredCompliance:
    """Add a row for ``outcome`` (the caller commits)."""
    text = outcome.serialized
    row = GaiaXComplianceRecord(
        siren=siren,
        flavour=outcome.flavour,
        service=outcome.service,
        credential=text,
        credential_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        submitted_at=now,
    )
    session.add(row)
    session.flush()
    return _stored(row)


def latest_compliance(session: Session, siren: str) -> StoredCompliance | None:
    """The most recent compliance credential obtained for ``siren``, if any."""
    row = session.scalar(
        select(GaiaXComplianceRecord)
        .where(GaiaXComplianceRecord.siren == siren)
        .order_by(GaiaXComplianceRecord.submitted_at.desc(), GaiaXComplianceRecord.id.desc())
        .limit(1)
    )
    return _stored(row) if row is not None else None


def _stored(row: GaiaXComplianceRecord) -> StoredCompliance:
    return StoredCompliance(
        siren=row.siren,
        flavour=row.flavour,
        service=row.service,
        credential=row.credential,
        credential_sha256=row.credential_sha256,
        submitted_at=row.submitted_at,
    )
