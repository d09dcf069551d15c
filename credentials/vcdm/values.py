"""Value-level rules shared by VCDM 1.1 and 2.0: problems, URLs, date-time stamps.

VCDM 2.0 §4.4: identifiers "MUST be a URL"; §4.8: ``validFrom``/``validUntil`` are
``dateTimeStamp`` strings (XML Schema 1.1 §3.3.8: a ``dateTime`` whose time zone offset is
required). VCDM 1.1 §4.6 and §4.7 ask for RFC 3339 combined date-times, which also carry
an offset; the same parser serves both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Final, Literal

#: Stable codes carried by :class:`Problem`.
ProblemCode = Literal[
    "required",
    "shape",
    "empty",
    "context",
    "type",
    "url",
    "datetime",
    "validity_period",
    "envelope",
    "expired",
    "not_yet_valid",
]


@dataclass(frozen=True, slots=True)
class Problem:
    """One rule a document breaks: where (an RFC 6901 JSON Pointer), what, and a stable code."""

    path: str
    message: str
    code: ProblemCode

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message, "code": self.code}

    def __str__(self) -> str:
        return f"{self.path or '/'}: {self.message} ({self.code})"


def pointer(*parts: str | int) -> str:
    """An RFC 6901 JSON Pointer to ``parts`` (``~`` and ``/`` escaped)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def child(base: str, *parts: str | int) -> str:
    return base + pointer(*parts)


# RFC 3986 §3.1 scheme, then something that is not whitespace. The WHATWG URL Standard is
# more lenient on input; a credential is produced by software and can be held to this.
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+")


def is_url(value: object) -> bool:
    """True for an absolute URL/URI string (``https:``, ``did:``, ``urn:``, ``data:``…)."""
    return isinstance(value, str) and _URL.fullmatch(value) is not None


# XML Schema 1.1 Part 2 §3.3.8 dateTimeStamp lexical space (dateTime with explicit offset).
_DATE_TIME_STAMP: Final = re.compile(
    r"(?P<year>-?(?:[1-9][0-9]{3,}|0[0-9]{3}))-(?P<month>0[1-9]|1[0-2])"
    r"-(?P<day>0[1-9]|[12][0-9]|3[01])"
    r"T(?:(?P<hour>[01][0-9]|2[0-3]):(?P<minute>[0-5][0-9]):(?P<second>[0-5][0-9])"
    r"(?:\.(?P<fraction>[0-9]+))?|(?P<midnight>24:00:00(?:\.0+)?))"
    r"(?P<tz>Z|[+\-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))",
    re.ASCII,
)


class DateTimeError(ValueError):
    """A string is not a dateTimeStamp, or names a moment Python cannot represent."""


def parse_date_time_stamp(value: object) -> datetime:
    """Parse an XML Schema ``dateTimeStamp`` into an aware UTC :class:`datetime`.

    Fractions finer than a microsecond are truncated; ``24:00:00`` is the next midnight.
    Years outside 1..9999 are refused as unrepresentable rather than guessed.
    """
    if not isinstance(value, str):
        raise DateTimeError("a date-time must be a string")
    match = _DATE_TIME_STAMP.fullmatch(value)
    if match is None:
        raise DateTimeError(f"{value!r} is not a dateTimeStamp with a time zone offset")
    year = int(match["year"])
    if not 1 <= year <= 9999:
        raise DateTimeError(f"year {year} is outside the supported range")
    tz_text = match["tz"]
    if tz_text == "Z":
        tz = UTC
    else:
        sign = -1 if tz_text[0] == "-" else 1
        offset = timedelta(hours=int(tz_text[1:3]), minutes=int(tz_text[4:6]))
        tz = timezone(sign * offset)
    try:
        if match["midnight"] is not None:
            moment = datetime(year, int(match["month"]), int(match["day"]), tzinfo=tz)
            moment += timedelta(days=1)
        else:
            micro = int((match["fraction"] or "0")[:6].ljust(6, "0"))
            moment = datetime(
                year,
                int(match["month"]),
                int(match["day"]),
                int(match["hour"]),
                int(match["minute"]),
                int(match["second"]),
                micro,
                tzinfo=tz,
            )
        return moment.astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise DateTimeError(f"{value!r} is not a valid date: {exc}") from None


def as_list(value: Any) -> list[Any]:
    """JSON-LD sets: a single value stands for a set of one."""
    return value if isinstance(value, list) else [value]


def format_date_time(moment: datetime) -> str:
    """A dateTimeStamp in UTC with second precision (``2025-01-01T00:00:00Z``)."""
    if moment.tzinfo is None:
        raise ValueError("a dateTimeStamp needs an aware datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
