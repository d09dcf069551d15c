"""The Notification Endpoint (§11).

§11.1: ``event`` "MUST be a case sensitive string whose value is either
``credential_accepted``, ``credential_failure``, or ``credential_deleted``"; the
notification "is idempotent": repeating it succeeds. §11.3: ``invalid_notification_id``
for an unknown id, ``invalid_notification_request`` for a malformed request. The id must
belong to the access token's grant.
"""

from __future__ import annotations

import logging
import re
from typing import Final

from issuer.oid4vci.access_token import AccessGrant
from issuer.oid4vci.context import Oid4vciContext
from issuer.oid4vci.errors import InvalidNotificationId, InvalidNotificationRequest
from issuer.oid4vci.json_body import parse_object
from issuer.oid4vci.models import NotificationRow

EVENTS: Final = frozenset({"credential_accepted", "credential_failure", "credential_deleted"})
#: §11.1: "Values for the event_description parameter MUST NOT include characters outside
#: the set %x20-21 / %x23-5B / %x5D-7E."
_DESCRIPTION: Final = re.compile(r"^[\x20\x21\x23-\x5b\x5d-\x7e]{0,1000}$")

logger = logging.getLogger("issuer.oid4vci.notification")


def notify(ctx: Oid4vciContext, grant: AccessGrant, raw_body: bytes) -> None:
    request = parse_object(raw_body, InvalidNotificationRequest)
    notification_id = request.get("notification_id")
    event = request.get("event")
    description = request.get("event_description")
    if not isinstance(notification_id, str) or not notification_id:
        raise InvalidNotificationRequest("notification_id is required")
    if event not in EVENTS:
        raise InvalidNotificationRequest(f"event must be one of {sorted(EVENTS)}")
    if description is not None and (
        not isinstance(description, str) or not _DESCRIPTION.match(description)
    ):
        raise InvalidNotificationRequest(
            "event_description must be printable ASCII without quotes or backslashes"
        )
    now = ctx.now()
    with ctx.transaction() as session:
        row = session.get(NotificationRow, notification_id)
        if row is None or row.offer_id != grant.offer_id or row.expires_at <= now:
            raise InvalidNotificationId("notification_id is unknown")
        row.event = str(event)
        row.event_at = now
    logger.info(
        "wallet notification %s for %d credential(s) of %s",
        event,
        len(row.credential_ids),
        row.configuration_id,
    )
