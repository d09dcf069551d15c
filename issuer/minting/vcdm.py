"""The unsecured VCDM 2.0 credential each VCDM configuration signs.

VCDM 2.0: ``@context`` (credentials v2, then ``https://w3id.org/attestia/v1``), ``id``
(``urn:uuid:``, §4.4), ``type`` (§4.5), ``issuer`` (the issuer's did:web, §4.7),
``validFrom``/``validUntil`` (§4.9), ``credentialSubject`` whose ``id`` is the holder DID
(§4.8), and ``credentialStatus`` (§4.10): two ``BitstringStatusListEntry`` objects, one per
purpose (``revocation``, ``suspension``), at the same index of the list pair.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from credentials.status_list.bitstring import build_status_entry
from issuer.catalogue import CredentialConfiguration
from issuer.status.publication import BITSTRING_PURPOSES, StatusListUrls


def xsd_datetime(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def status_entries(urls: StatusListUrls, list_id: str, index: int) -> list[dict[str, Any]]:
    return [
        build_status_entry(
            status_list_credential=urls.bitstring(list_id, purpose),
            index=index,
            purpose=purpose,
        )
        for purpose in BITSTRING_PURPOSES
    ]


def build_credential(
    configuration: CredentialConfiguration,
    *,
    credential_id: str,
    issuer: str,
    subject_id: str,
    claims: Mapping[str, Any],
    valid_from: datetime,
    valid_until: datetime,
    status: list[dict[str, Any]],
) -> dict[str, Any]:
    if "id" in claims:
        raise ValueError("credentialSubject.id is the holder DID, not a claim")
    return {
        "@context": configuration.contexts,
        "id": credential_id,
        "type": configuration.credential_types,
        "issuer": issuer,
        "validFrom": xsd_datetime(valid_from),
        "validUntil": xsd_datetime(valid_until),
        "credentialSubject": {"id": subject_id, **claims},
        "credentialStatus": status,
    }
