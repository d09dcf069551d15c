"""Reading a credential's facts, and checking its validity period against a given clock.

Helpers tolerate any JSON: they return ``None``/empty for absent or ill-shaped values, so
run :func:`credentials.vcdm.validate_credential` first when the answer matters.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from credentials.errors import DataModelError
from credentials.vcdm.validator import data_model_version
from credentials.vcdm.values import DateTimeError, Problem, as_list, parse_date_time_stamp

#: Upper bound on the clock skew any caller may allow, as for JWT time claims.
MAX_LEEWAY: Final = timedelta(minutes=5)


def _party_id(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def issuer_id(document: Mapping[str, Any]) -> str | None:
    """The issuer's identifier: ``issuer`` or ``issuer.id`` (VCDM 2.0 §4.7)."""
    return _party_id(document.get("issuer"))


def holder_id(document: Mapping[str, Any]) -> str | None:
    """The holder's identifier: ``holder`` or ``holder.id`` (VCDM 2.0 §4.12)."""
    return _party_id(document.get("holder"))


def types(document: Mapping[str, Any]) -> list[str]:
    """The ``type`` values as a list of strings (VCDM 2.0 §4.5)."""
    return [t for t in as_list(document.get("type")) if isinstance(t, str)]


def subject_ids(document: Mapping[str, Any]) -> list[str]:
    """The ``id`` of each credential subject that has one (VCDM 2.0 §4.8)."""
    subjects = as_list(document.get("credentialSubject"))
    return [s["id"] for s in subjects if isinstance(s, Mapping) and isinstance(s.get("id"), str)]


def _names(document: Mapping[str, Any]) -> tuple[str, str]:
    if data_model_version(document) == "1.1":
        return "issuanceDate", "expirationDate"
    return "validFrom", "validUntil"


def validity_window(document: Mapping[str, Any]) -> tuple[datetime | None, datetime | None]:
    """(start, end) of the validity period as aware UTC datetimes, None where unbounded.

    VCDM 2.0 §4.9 ``validFrom``/``validUntil``; VCDM 1.1 §4.6/§4.7 ``issuanceDate`` /
    ``expirationDate``. Raises :class:`DataModelError` if a present value does not parse.
    """
    start_name, end_name = _names(document)
    bounds: list[datetime | None] = []
    for name in (start_name, end_name):
        if name not in document:
            bounds.append(None)
            continue
        try:
            bounds.append(parse_date_time_stamp(document[name]))
        except DateTimeError as exc:
            raise DataModelError(f"{name}: {exc}") from None
    return bounds[0], bounds[1]


def _aware(now: datetime | float) -> datetime:
    if isinstance(now, datetime):
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        return now.astimezone(UTC)
    return datetime.fromtimestamp(now, UTC)


def check_validity_window(
    document: Mapping[str, Any],
    *,
    now: datetime | float,
    leeway: timedelta | float = timedelta(seconds=60),
) -> list[Problem]:
    """Problems coded ``expired`` / ``not_yet_valid`` (or ``datetime``) at ``now``.

    VCDM 2.0 §4.9: a credential is not valid before ``validFrom`` nor after
    ``validUntil``. ``now`` is a timezone-aware datetime or seconds since the epoch; the
    leeway (clock skew) is clamped to [0, 5 minutes].
    """
    when = _aware(now)
    skew = leeway if isinstance(leeway, timedelta) else timedelta(seconds=leeway)
    skew = min(max(skew, timedelta(0)), MAX_LEEWAY)
    start_name, end_name = _names(document)
    try:
        start, end = validity_window(document)
    except DataModelError as exc:
        return [Problem("", exc.detail, "datetime")]
    problems: list[Problem] = []
    if start is not None and when < start - skew:
        problems.append(
            Problem(f"/{start_name}", f"not valid before {start.isoformat()}", "not_yet_valid")
        )
    if end is not None and when >= end + skew:
        problems.append(Problem(f"/{end_name}", f"expired at {end.isoformat()}", "expired"))
    return problems
