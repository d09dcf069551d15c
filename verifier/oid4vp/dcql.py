"""Digital Credentials Query Language (OpenID4VP 1.0 §6): the model and its validation.

https://openid.net/specs/openid-4-verifiable-presentations-1_0.html#section-6

:func:`parse_dcql_query` turns JSON into frozen dataclasses or raises :class:`DcqlError`
(``invalid_request``) listing every problem with its JSON path. §6 says implementations
"MUST ignore any unknown properties"; that is the *wallet's* duty. A relying party that
sends ``"claim"`` for ``"claims"`` would silently ask for nothing, so the verifier parses
its own callers' queries with ``strict=True`` (unknown members refused) and the spec
examples with ``strict=False``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from verifier.oid4vp.errors import InvalidRequest

#: §6.1: "a non-empty string consisting of alphanumeric, underscore (_), or hyphen (-)".
IDENTIFIER: Final = re.compile(r"[A-Za-z0-9_-]+")

FORMAT_SD_JWT_VC: Final = "dc+sd-jwt"
FORMAT_MDOC: Final = "mso_mdoc"
FORMAT_JWT_VC_JSON: Final = "jwt_vc_json"
FORMAT_LDP_VC: Final = "ldp_vc"
W3C_FORMATS: Final = frozenset({FORMAT_JWT_VC_JSON, FORMAT_LDP_VC})

_QUERY_KEYS: Final = frozenset({"credentials", "credential_sets"})
_CREDENTIAL_KEYS: Final = frozenset(
    {
        "id",
        "format",
        "multiple",
        "meta",
        "trusted_authorities",
        "require_cryptographic_holder_binding",
        "claims",
        "claim_sets",
    }
)
_CLAIM_KEYS: Final = frozenset({"id", "path", "values"})
#: Appendix B.2.4: mdoc claims queries may carry ``intent_to_retain``.
_MDOC_CLAIM_KEYS: Final = _CLAIM_KEYS | {"intent_to_retain"}
_SET_KEYS: Final = frozenset({"options", "required"})
_AUTHORITY_KEYS: Final = frozenset({"type", "values"})
_META_KEYS: Final[Mapping[str, frozenset[str]]] = {
    FORMAT_SD_JWT_VC: frozenset({"vct_values"}),
    FORMAT_MDOC: frozenset({"doctype_value"}),
    FORMAT_JWT_VC_JSON: frozenset({"type_values"}),
    FORMAT_LDP_VC: frozenset({"type_values"}),
}

PathComponent = str | int | None
ClaimValue = str | int | bool


class DcqlError(InvalidRequest):
    """The DCQL query is not valid (§6); ``problems`` lists each one."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("invalid dcql_query: " + "; ".join(self.problems))


@dataclass(frozen=True, slots=True)
class ClaimsQuery:
    """§6.3: one claim, by claims path pointer (§7), optionally with accepted values."""

    path: tuple[PathComponent, ...]
    id: str | None = None
    values: tuple[ClaimValue, ...] | None = None
    intent_to_retain: bool | None = None


@dataclass(frozen=True, slots=True)
class TrustedAuthority:
    """§6.1.1: ``aki``, ``etsi_tl``, ``openid_federation`` or another type."""

    type: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CredentialQuery:
    """§6.1: one requested credential."""

    id: str
    format: str
    meta: Mapping[str, Any]
    multiple: bool = False
    require_cryptographic_holder_binding: bool = True
    claims: tuple[ClaimsQuery, ...] | None = None
    claim_sets: tuple[tuple[str, ...], ...] | None = None
    trusted_authorities: tuple[TrustedAuthority, ...] | None = None

    @property
    def vct_values(self) -> tuple[str, ...] | None:
        values = self.meta.get("vct_values")
        return tuple(values) if isinstance(values, list) else None

    @property
    def type_values(self) -> tuple[tuple[str, ...], ...] | None:
        values = self.meta.get("type_values")
        return tuple(tuple(v) for v in values) if isinstance(values, list) else None

    def claim_by_id(self, claim_id: str) -> ClaimsQuery:
        for claim in self.claims or ():
            if claim.id == claim_id:
                return claim
        raise KeyError(claim_id)


@dataclass(frozen=True, slots=True)
class CredentialSetQuery:
    """§6.2: alternative sets of credential query ids; ``required`` defaults to true."""

    options: tuple[tuple[str, ...], ...]
    required: bool = True


@dataclass(frozen=True, slots=True)
class DcqlQuery:
    """§6: a parsed, validated query; :attr:`raw` is what goes into the request object."""

    credentials: tuple[CredentialQuery, ...]
    credential_sets: tuple[CredentialSetQuery, ...] | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def credential(self, query_id: str) -> CredentialQuery:
        for query in self.credentials:
            if query.id == query_id:
                return query
        raise KeyError(query_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(query.id for query in self.credentials)

    @property
    def formats(self) -> frozenset[str]:
        return frozenset(query.format for query in self.credentials)


class _Checker:
    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def keys(self, where: str, value: Mapping[str, Any], allowed: frozenset[str]) -> None:
        if self.strict:
            for name in sorted(set(value) - allowed):
                self.problem(where, f"unknown member {name!r}")

    def obj(self, where: str, value: object) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.problem(where, "must be an object")
            return None
        return value

    def nonempty_list(self, where: str, value: object) -> list[Any] | None:
        if not isinstance(value, list) or not value:
            self.problem(where, "must be a non-empty array")
            return None
        return value

    def identifier(self, where: str, value: object) -> str | None:
        if not isinstance(value, str) or not IDENTIFIER.fullmatch(value):
            self.problem(where, "must be a non-empty string of letters, digits, '_' or '-'")
            return None
        return value

    def boolean(self, where: str, value: object, default: bool) -> bool:
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problem(where, "must be a boolean")
            return default
        return value

    def strings(self, where: str, value: object) -> tuple[str, ...] | None:
        items = self.nonempty_list(where, value)
        if items is None:
            return None
        if not all(isinstance(item, str) and item for item in items):
            self.problem(where, "must hold non-empty strings")
            return None
        return tuple(items)


def _path(check: _Checker, where: str, value: object, fmt: str) -> tuple[PathComponent, ...]:
    """§7: "a non-empty array of strings, nulls and non-negative integers"."""
    items = check.nonempty_list(where, value)
    if items is None:
        return ()
    for index, item in enumerate(items):
        ok = (
            item is None
            or isinstance(item, str)
            or (isinstance(item, int) and not isinstance(item, bool) and item >= 0)
        )
        if not ok:
            check.problem(f"{where}[{index}]", "must be a string, null or a non-negative integer")
            return ()
    if fmt == FORMAT_MDOC and (len(items) != 2 or not all(isinstance(i, str) for i in items)):
        check.problem(where, "an mdoc claims path is [namespace, data element identifier] (§7.2)")
        return ()
    return tuple(items)


def _claim(check: _Checker, where: str, value: object, fmt: str) -> ClaimsQuery | None:
    data = check.obj(where, value)
    if data is None:
        return None
    check.keys(where, data, _MDOC_CLAIM_KEYS if fmt == FORMAT_MDOC else _CLAIM_KEYS)
    claim_id = check.identifier(f"{where}.id", data["id"]) if "id" in data else None
    if "path" not in data:
        check.problem(where, "path is required")
    path = _path(check, f"{where}.path", data.get("path"), fmt)
    values: tuple[ClaimValue, ...] | None = None
    if "values" in data:
        items = check.nonempty_list(f"{where}.values", data["values"])
        if items is not None:
            if all(isinstance(v, str | int | bool) for v in items):
                values = tuple(items)
            else:
                check.problem(f"{where}.values", "must hold strings, integers or booleans")
    retain = data.get("intent_to_retain")
    if retain is not None and not isinstance(retain, bool):
        check.problem(f"{where}.intent_to_retain", "must be a boolean")
        retain = None
    return ClaimsQuery(path=path, id=claim_id, values=values, intent_to_retain=retain)


def _meta(check: _Checker, where: str, value: object, fmt: str) -> Mapping[str, Any]:
    data = check.obj(where, value)
    if data is None:
        return {}
    allowed = _META_KEYS.get(fmt)
    if allowed is not None:
        check.keys(where, data, allowed)
    if fmt == FORMAT_SD_JWT_VC:
        check.strings(f"{where}.vct_values", data.get("vct_values"))
    elif fmt == FORMAT_MDOC:
        if not isinstance(data.get("doctype_value"), str) or not data["doctype_value"]:
            check.problem(f"{where}.doctype_value", "must be a non-empty string")
    elif fmt in W3C_FORMATS:
        outer = check.nonempty_list(f"{where}.type_values", data.get("type_values"))
        for index, inner in enumerate(outer or ()):
            check.strings(f"{where}.type_values[{index}]", inner)
    return dict(data)


def _credential(check: _Checker, where: str, value: object) -> CredentialQuery | None:
    data = check.obj(where, value)
    if data is None:
        return None
    check.keys(where, data, _CREDENTIAL_KEYS)
    query_id = check.identifier(f"{where}.id", data.get("id"))
    fmt = data.get("format")
    if not isinstance(fmt, str) or not fmt:
        check.problem(f"{where}.format", "must be a non-empty string")
        fmt = ""
    if "meta" not in data:
        check.problem(where, "meta is required (§6.1)")
    meta = _meta(check, f"{where}.meta", data.get("meta", {}), fmt)
    claims: tuple[ClaimsQuery, ...] | None = None
    if "claims" in data:
        items = check.nonempty_list(f"{where}.claims", data["claims"])
        parsed = [_claim(check, f"{where}.claims[{i}]", c, fmt) for i, c in enumerate(items or ())]
        claims = tuple(c for c in parsed if c is not None)
        _check_claims(check, f"{where}.claims", claims)
    claim_sets = _claim_sets(check, where, data, claims)
    authorities = _authorities(check, f"{where}.trusted_authorities", data)
    return CredentialQuery(
        id=query_id or "",
        format=fmt,
        meta=meta,
        multiple=check.boolean(f"{where}.multiple", data.get("multiple"), False),
        require_cryptographic_holder_binding=check.boolean(
            f"{where}.require_cryptographic_holder_binding",
            data.get("require_cryptographic_holder_binding"),
            True,
        ),
        claims=claims,
        claim_sets=claim_sets,
        trusted_authorities=authorities,
    )


def _check_claims(check: _Checker, where: str, claims: tuple[ClaimsQuery, ...]) -> None:
    """§6.1: "Verifiers MUST NOT point to the same claim more than once"; ids unique (§6.3)."""
    seen_ids: set[str] = set()
    seen_paths: set[tuple[PathComponent, ...]] = set()
    for claim in claims:
        if claim.id is not None:
            if claim.id in seen_ids:
                check.problem(where, f"claim id {claim.id!r} appears more than once")
            seen_ids.add(claim.id)
        if claim.path and claim.path in seen_paths:
            check.problem(where, f"path {list(claim.path)} appears more than once")
        seen_paths.add(claim.path)


def _claim_sets(
    check: _Checker, where: str, data: Mapping[str, Any], claims: tuple[ClaimsQuery, ...] | None
) -> tuple[tuple[str, ...], ...] | None:
    if "claim_sets" not in data:
        return None
    if claims is None:
        check.problem(f"{where}.claim_sets", "must not be present without claims (§6.4.1)")
        return None
    if any(claim.id is None for claim in claims):
        check.problem(f"{where}.claims", "every claim needs an id when claim_sets is present")
    known = {claim.id for claim in claims}
    result = []
    for index, option in enumerate(
        check.nonempty_list(f"{where}.claim_sets", data["claim_sets"]) or ()
    ):
        ids = check.strings(f"{where}.claim_sets[{index}]", option)
        for claim_id in ids or ():
            if claim_id not in known:
                check.problem(f"{where}.claim_sets[{index}]", f"unknown claim id {claim_id!r}")
        result.append(ids or ())
    return tuple(result)


def _authorities(
    check: _Checker, where: str, data: Mapping[str, Any]
) -> tuple[TrustedAuthority, ...] | None:
    if "trusted_authorities" not in data:
        return None
    result = []
    for index, item in enumerate(check.nonempty_list(where, data["trusted_authorities"]) or ()):
        entry = check.obj(f"{where}[{index}]", item)
        if entry is None:
            continue
        check.keys(f"{where}[{index}]", entry, _AUTHORITY_KEYS)
        kind = entry.get("type")
        if not isinstance(kind, str) or not kind:
            check.problem(f"{where}[{index}].type", "must be a non-empty string")
            continue
        values = check.strings(f"{where}[{index}].values", entry.get("values"))
        result.append(TrustedAuthority(type=kind, values=values or ()))
    return tuple(result)


def _credential_sets(
    check: _Checker, value: object, ids: set[str]
) -> tuple[CredentialSetQuery, ...] | None:
    sets = []
    for index, item in enumerate(check.nonempty_list("credential_sets", value) or ()):
        where = f"credential_sets[{index}]"
        entry = check.obj(where, item)
        if entry is None:
            continue
        check.keys(where, entry, _SET_KEYS)
        options = []
        for number, option in enumerate(
            check.nonempty_list(f"{where}.options", entry.get("options")) or ()
        ):
            members = check.strings(f"{where}.options[{number}]", option)
            for member in members or ():
                if member not in ids:
                    check.problem(
                        f"{where}.options[{number}]", f"unknown credential query id {member!r}"
                    )
            options.append(members or ())
        required = check.boolean(f"{where}.required", entry.get("required"), True)
        sets.append(CredentialSetQuery(options=tuple(options), required=required))
    return tuple(sets)


def parse_dcql_query(value: object, *, strict: bool = True) -> DcqlQuery:
    """Validate a DCQL query (§6) and return its model; :class:`DcqlError` lists problems."""
    check = _Checker(strict)
    data = check.obj("dcql_query", value)
    if data is None:
        raise DcqlError(check.problems)
    check.keys("dcql_query", data, _QUERY_KEYS)
    items = check.nonempty_list("credentials", data.get("credentials"))
    credentials = []
    seen: set[str] = set()
    for index, item in enumerate(items or ()):
        query = _credential(check, f"credentials[{index}]", item)
        if query is None:
            continue
        if query.id and query.id in seen:
            check.problem(f"credentials[{index}].id", f"{query.id!r} appears more than once")
        seen.add(query.id)
        credentials.append(query)
    sets = None
    if "credential_sets" in data:
        sets = _credential_sets(check, data["credential_sets"], seen)
    if check.problems:
        raise DcqlError(check.problems)
    return DcqlQuery(credentials=tuple(credentials), credential_sets=sets, raw=dict(data))
