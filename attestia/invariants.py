"""Database invariants that must hold after any load, crash or restart (design: "Data that
must never be lost"; issue #9, load and crash safety).

:func:`check_invariants` reads the issuer's and the verifier's tables with plain SQL (so it
also runs on a copy whose constraints were dropped, or on a crafted dataset) and, when given
what the clients observed (:class:`ClientObservations`), cross-checks the two:

- ``status_index_reused``: a (list, index) pair allocated twice, or shared by two register
  rows; ``status_index_out_of_range``: an index outside its list.
- ``credential_without_allocation``: a register row whose status index was never allocated.
- ``pre_authorized_code_redeemed_twice``: more than one access token for a pre-authorized
  offer, a client that got two tokens for one code, or more token successes than redeemed
  offers.
- ``nonce_redeemed_twice``: a client that got two credential responses for one ``c_nonce``,
  or more successful credential responses than ``c_nonce`` rows marked used.
- ``credential_missing_from_register``: a credential returned to a client whose SHA-256
  (:func:`issuer.minting.minter.credential_digest`) is not in the register.
- ``transaction_answered_twice``: an OpenID4VP transaction whose response was accepted twice.
- ``server_error``: any HTTP 5xx seen by a client.

Allocations without a register row are *burned* indices (never reused, never handed out):
counted in :attr:`InvariantReport.facts`, not a violation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, inspect, text


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken invariant: a stable ``code`` and what was found."""

    code: str
    detail: str


@dataclass(slots=True)
class ClientObservations:
    """What the load's clients saw; keys are digests, never the secret values themselves.

    ``token_successes`` counts 200 token responses per pre-authorized code digest,
    ``credential_successes`` 200 credential responses per ``c_nonce`` digest,
    ``response_acceptances`` accepted OpenID4VP responses per transaction id.
    """

    returned_digests: list[str] = field(default_factory=list)
    token_successes: Counter[str] = field(default_factory=Counter)
    credential_successes: Counter[str] = field(default_factory=Counter)
    response_acceptances: Counter[str] = field(default_factory=Counter)
    server_errors: Counter[str] = field(default_factory=Counter)

    def merge(self, other: ClientObservations) -> None:
        self.returned_digests.extend(other.returned_digests)
        self.token_successes.update(other.token_successes)
        self.credential_successes.update(other.credential_successes)
        self.response_acceptances.update(other.response_acceptances)
        self.server_errors.update(other.server_errors)


@dataclass(slots=True)
class InvariantReport:
    violations: list[Violation] = field(default_factory=list)
    facts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.violations

    def codes(self) -> set[str]:
        return {v.code for v in self.violations}

    def add(self, code: str, detail: str) -> None:
        self.violations.append(Violation(code, detail))

    def summary(self) -> str:
        lines = [f"{name}: {value}" for name, value in sorted(self.facts.items())]
        if self.ok:
            lines.append("invariants: all hold")
        lines.extend(f"VIOLATION {v.code}: {v.detail}" for v in self.violations)
        return "\n".join(lines)


def _rows(connection: Connection, sql: str) -> list[tuple[object, ...]]:
    return [tuple(row) for row in connection.execute(text(sql))]


def _count(connection: Connection, sql: str) -> int:
    value = connection.execute(text(sql)).scalar()
    return int(str(value or 0))


def _status(connection: Connection, report: InvariantReport) -> None:
    for list_id, index, times in _rows(
        connection,
        "SELECT list_id, idx, COUNT(*) FROM issuer_status_allocations "
        "GROUP BY list_id, idx HAVING COUNT(*) > 1",
    ):
        report.add("status_index_reused", f"list {list_id} index {index} allocated {times} times")
    for list_id, index, times in _rows(
        connection,
        "SELECT status_list_id, status_index, COUNT(*) FROM issuer_credentials "
        "GROUP BY status_list_id, status_index HAVING COUNT(*) > 1",
    ):
        report.add(
            "status_index_reused", f"list {list_id} index {index} carried by {times} credentials"
        )
    for list_id, index, size in _rows(
        connection,
        "SELECT a.list_id, a.idx, l.size FROM issuer_status_allocations a "
        "LEFT JOIN issuer_status_lists l ON l.id = a.list_id "
        "WHERE l.id IS NULL OR a.idx < 0 OR a.idx >= l.size",
    ):
        report.add("status_index_out_of_range", f"list {list_id} (size {size}) index {index}")
    for credential_id, list_id, index in _rows(
        connection,
        "SELECT c.id, c.status_list_id, c.status_index FROM issuer_credentials c "
        "LEFT JOIN issuer_status_allocations a "
        "ON a.list_id = c.status_list_id AND a.idx = c.status_index WHERE a.list_id IS NULL",
    ):
        report.add(
            "credential_without_allocation",
            f"credential {credential_id} uses list {list_id} index {index}, never allocated",
        )
    report.facts["status_allocations"] = _count(
        connection, "SELECT COUNT(*) FROM issuer_status_allocations"
    )
    report.facts["register_rows"] = _count(connection, "SELECT COUNT(*) FROM issuer_credentials")
    report.facts["burned_indices"] = _count(
        connection,
        "SELECT COUNT(*) FROM issuer_status_allocations a LEFT JOIN issuer_credentials c "
        "ON c.status_list_id = a.list_id AND c.status_index = a.idx WHERE c.id IS NULL",
    )


def _grants(connection: Connection, report: InvariantReport) -> None:
    for offer_id, tokens in _rows(
        connection,
        "SELECT o.id, COUNT(t.token_hash) FROM issuer_oid4vci_offer o "
        "JOIN issuer_oid4vci_access_token t ON t.offer_id = o.id "
        "WHERE o.grant_type = 'pre-authorized_code' GROUP BY o.id HAVING COUNT(*) > 1",
    ):
        report.add(
            "pre_authorized_code_redeemed_twice", f"offer {offer_id} has {tokens} access tokens"
        )
    report.facts["offers_redeemed"] = _count(
        connection, "SELECT COUNT(*) FROM issuer_oid4vci_offer WHERE redeemed_at IS NOT NULL"
    )
    report.facts["nonces_used"] = _count(
        connection, "SELECT COUNT(*) FROM issuer_oid4vci_c_nonce WHERE used_at IS NOT NULL"
    )


def _observed(
    connection: Connection, report: InvariantReport, observed: ClientObservations
) -> None:
    for code, times in observed.token_successes.items():
        if times > 1:
            report.add(
                "pre_authorized_code_redeemed_twice",
                f"code sha256 {code[:16]}… got {times} tokens",
            )
    if sum(observed.token_successes.values()) > report.facts["offers_redeemed"]:
        report.add(
            "pre_authorized_code_redeemed_twice",
            f"{sum(observed.token_successes.values())} token successes for "
            f"{report.facts['offers_redeemed']} redeemed offers",
        )
    for nonce, times in observed.credential_successes.items():
        if times > 1:
            report.add("nonce_redeemed_twice", f"c_nonce sha256 {nonce[:16]}… used {times} times")
    if sum(observed.credential_successes.values()) > report.facts["nonces_used"]:
        report.add(
            "nonce_redeemed_twice",
            f"{sum(observed.credential_successes.values())} credential responses for "
            f"{report.facts['nonces_used']} used c_nonce values",
        )
    for transaction, times in observed.response_acceptances.items():
        if times > 1:
            report.add(
                "transaction_answered_twice", f"transaction {transaction} accepted {times} times"
            )
    missing = _missing_digests(connection, observed.returned_digests)
    for digest in missing[:20]:
        report.add("credential_missing_from_register", f"credential sha256 {digest}")
    if len(missing) > 20:
        report.add("credential_missing_from_register", f"… and {len(missing) - 20} more")
    report.facts["credentials_returned"] = len(observed.returned_digests)
    for where, times in sorted(observed.server_errors.items()):
        report.add("server_error", f"{times} × {where}")


def _missing_digests(connection: Connection, digests: Iterable[str]) -> list[str]:
    wanted = set(digests)
    if not wanted:
        return []
    known = {
        str(row[0])
        for row in connection.execute(text("SELECT digest_sha256 FROM issuer_credentials"))
    }
    return sorted(wanted - known)


def _transactions(connection: Connection, report: InvariantReport) -> None:
    if not inspect(connection).has_table("verifier_oid4vp_transactions"):
        return
    statuses: Mapping[str, int] = {
        str(status): int(str(count))
        for status, count in _rows(
            connection, "SELECT status, COUNT(*) FROM verifier_oid4vp_transactions GROUP BY status"
        )
    }
    for status, count in statuses.items():
        report.facts[f"oid4vp_transactions_{status}"] = count


def check_invariants(engine: Engine, observed: ClientObservations | None = None) -> InvariantReport:
    """Check every invariant on ``engine``'s database (and against ``observed``)."""
    report = InvariantReport()
    with engine.connect() as connection:
        _status(connection, report)
        _grants(connection, report)
        _transactions(connection, report)
        if observed is not None:
            _observed(connection, report, observed)
    return report
