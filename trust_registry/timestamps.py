"""UTC timestamps: one wire form (RFC 3339 with ``Z``) and one stored form (aware UTC).

Every time the registry records or publishes goes through :func:`utc` and
:func:`format_time`, so that a history replayed from the database and the same history
read back from a trusted list compare equal to the microsecond.
"""

from __future__ import annotations

from datetime import UTC, datetime

from trust_registry.errors import InvalidEntryError


def utc(value: datetime) -> datetime:
    """``value`` in UTC; naive datetimes are refused (their zone is a guess)."""
    if not isinstance(value, datetime):
        raise InvalidEntryError("a datetime is required")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidEntryError("datetimes must be timezone-aware")
    return value.astimezone(UTC)


def format_time(value: datetime) -> str:
    """RFC 3339 in UTC with ``Z``; microseconds only when present."""
    moment = utc(value)
    spec = "microseconds" if moment.microsecond else "seconds"
    return moment.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def parse_time(text: str) -> datetime:
    """Parse an RFC 3339 date-time that carries an offset; returns it in UTC."""
    if not isinstance(text, str):
        raise InvalidEntryError("a date-time string is required")
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidEntryError(f"not an RFC 3339 date-time: {text[:64]!r}") from None
    return utc(value)
