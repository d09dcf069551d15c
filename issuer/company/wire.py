"""Defensive readers for register JSON: wrong types become :class:`MalformedResponse`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from issuer.company.errors import MalformedResponse


class Reader:
    """Reads fields of one source's JSON, naming the source in every error."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, detail: str) -> MalformedResponse:
        return MalformedResponse(source=self.source, detail=detail)

    def obj(self, value: Any, what: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(f"{what} is not an object")
        return value

    def opt_obj(self, value: Any, what: str) -> Mapping[str, Any] | None:
        return None if value is None else self.obj(value, what)

    def items(self, value: Any, what: str) -> Sequence[Any]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(f"{what} is not an array")
        return value

    def text(self, mapping: Mapping[str, Any], key: str) -> str:
        value = mapping.get(key)
        if not isinstance(value, str) or not value:
            raise self.fail(f"{key} is missing or not a string")
        return value

    def opt_text(self, mapping: Mapping[str, Any], key: str) -> str | None:
        value = mapping.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            raise self.fail(f"{key} is not a string")
        return value

    def opt_bool(self, mapping: Mapping[str, Any], key: str) -> bool | None:
        value = mapping.get(key)
        if value is None or isinstance(value, bool):
            return value
        raise self.fail(f"{key} is not a boolean")

    def opt_date(self, mapping: Mapping[str, Any], key: str) -> date | None:
        value = self.opt_text(mapping, key)
        if value is None:
            return None
        try:
            return date.fromisoformat(value[:10])
        except ValueError as exc:
            raise self.fail(f"{key} is not a date") from exc

    def opt_timestamp_date(self, mapping: Mapping[str, Any], key: str) -> date | None:
        """A date given as a unix timestamp in seconds (API Entreprise ``date_creation``)."""
        value = mapping.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(f"{key} is not a unix timestamp")
        return datetime.fromtimestamp(value, UTC).date()


def join_words(*parts: str | None) -> str | None:
    """Join the non-empty parts with single spaces (street number, type, name…)."""
    words = [p.strip() for p in parts if p and p.strip()]
    return " ".join(words) or None
