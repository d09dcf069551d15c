"""Does a verified ``vp_token`` satisfy the DCQL query? (OpenID4VP 1.0 §6.4, §8.1, §8.6)

The wallet selects; the verifier checks that what came back is what it asked for: only
query ids it sent, one presentation per query unless ``multiple`` (§8.1), the format, the
type (``vct_values`` exactly, or one ``type_values`` alternative), every requested claim
(or one ``claim_sets`` option) present with an accepted value, and every required
``credential_sets`` entry satisfied by one of its options (§6.4.2). §6.3 warns that
``values`` is best effort for the *wallet*; the verifier still refuses a claim whose value
is not one of those it asked for, since it asked for no other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from verifier.oid4vp.claims_path import ClaimsPathError, same_value, select
from verifier.oid4vp.dcql import W3C_FORMATS, ClaimsQuery, CredentialQuery, DcqlQuery


@dataclass(frozen=True, slots=True)
class PresentedCredential:
    """What the verification pipeline learnt about one presented credential.

    ``claims`` is the credential root claims paths apply to (the processed SD-JWT payload;
    the W3C credential, not the presentation: Appendix B.1.2). ``types`` are the ``type``
    values as written and, when the pipeline expanded them with JSON-LD, their IRIs too.
    """

    format: str
    claims: Mapping[str, Any]
    vct: str | None = None
    types: tuple[str, ...] = ()
    issuer: str | None = None


@dataclass(slots=True)
class MatchReport:
    """Per query id, what did not match; ``satisfied`` when the whole token is acceptable."""

    problems: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def add(self, query_id: str, message: str) -> None:
        self.problems.setdefault(query_id, []).append(message)

    @property
    def satisfied(self) -> bool:
        return not self.general and not any(self.problems.values())

    def messages(self) -> list[str]:
        out = list(self.general)
        for query_id, items in self.problems.items():
            out.extend(f"{query_id}: {message}" for message in items)
        return out


def _claim_matches(credential: PresentedCredential, claim: ClaimsQuery) -> str | None:
    try:
        selected = select(credential.claims, claim.path)
    except ClaimsPathError as exc:
        return f"claim {list(claim.path)} is missing ({exc})"
    if claim.values is not None and not any(
        same_value(found, wanted) for found in selected for wanted in claim.values
    ):
        return f"claim {list(claim.path)} has none of the requested values"
    return None


def _claims_problems(credential: PresentedCredential, query: CredentialQuery) -> list[str]:
    if not query.claims:
        return []
    if query.claim_sets is None:
        found = (_claim_matches(credential, claim) for claim in query.claims)
        return [problem for problem in found if problem is not None]
    for option in query.claim_sets:
        if all(_claim_matches(credential, query.claim_by_id(cid)) is None for cid in option):
            return []
    return ["no claim_sets option is satisfied"]


def _type_problems(credential: PresentedCredential, query: CredentialQuery) -> list[str]:
    vct_values = query.vct_values
    if vct_values is not None and credential.vct not in vct_values:
        return [f"vct {credential.vct!r} is not one of {list(vct_values)}"]
    type_values = query.type_values
    if query.format in W3C_FORMATS and type_values is not None:
        present = set(credential.types)
        if not any(set(alternative) <= present for alternative in type_values):
            return [f"types {sorted(present)} match no type_values alternative"]
    return []


def credential_problems(credential: PresentedCredential, query: CredentialQuery) -> list[str]:
    """Why ``credential`` does not answer ``query`` (empty when it does)."""
    if credential.format != query.format:
        return [f"format {credential.format!r} is not the requested {query.format!r}"]
    return _type_problems(credential, query) + _claims_problems(credential, query)


def check_token_shape(query: DcqlQuery, vp_token: Mapping[str, Any]) -> list[str]:
    """§8.1 structure: known ids, non-empty arrays, a single element unless ``multiple``."""
    problems = []
    for key, value in vp_token.items():
        try:
            credential_query = query.credential(key)
        except KeyError:
            problems.append(f"{key!r} is not a credential query id of the request")
            continue
        if not isinstance(value, list) or not value:
            problems.append(f"{key}: must be a non-empty array of presentations")
        elif len(value) > 1 and not credential_query.multiple:
            problems.append(f"{key}: one presentation expected (multiple is false)")
    return problems


def _sets_problems(query: DcqlQuery, answered: set[str]) -> list[str]:
    """§6.4.2 selecting credentials."""
    if query.credential_sets is None:
        missing = [qid for qid in query.ids if qid not in answered]
        return [f"no presentation for required credential query {qid!r}" for qid in missing]
    problems = []
    referenced: set[str] = set()
    for index, credential_set in enumerate(query.credential_sets):
        for option in credential_set.options:
            referenced.update(option)
        if credential_set.required and not any(
            set(option) <= answered for option in credential_set.options
        ):
            problems.append(f"credential_sets[{index}]: no option is fully presented")
    for qid in sorted(answered - referenced):
        problems.append(f"{qid!r} is in no credential set")
    return problems


def match_vp_token(
    query: DcqlQuery, presented: Mapping[str, Sequence[PresentedCredential]]
) -> MatchReport:
    """Match the credentials of each query id against the query, then the sets (§6.4).

    ``presented`` holds, per query id of the ``vp_token``, the credentials the pipeline
    verified (a presentation that failed verification is left out by the caller, §8.6:
    "the effected Presentation MUST be discarded").
    """
    report = MatchReport()
    answered: set[str] = set()
    for query_id, credentials in presented.items():
        try:
            credential_query = query.credential(query_id)
        except KeyError:
            report.general.append(f"{query_id!r} is not a credential query id of the request")
            continue
        good = 0
        for index, credential in enumerate(credentials):
            problems = credential_problems(credential, credential_query)
            for problem in problems:
                report.add(query_id, f"[{index}] {problem}")
            good += not problems
        if credentials and good == len(credentials):
            answered.add(query_id)
    report.general.extend(_sets_problems(query, answered))
    return report
