"""Gaia-X business rules on top of SHACL (reference gaia-x.md §1.2, §5 "tf2210" rules).

Each rule appends checks with a stable code to a :class:`VerificationResult`:

- ``terms_and_conditions``: every issuer in the presentation (except configured trusted
  notaries and compliance services) issued a terms-and-conditions credential — Tagus
  ``gx:GaiaXTermsAndConditions`` with the exact 22.10 text, Loire ``gx:Issuer`` with an
  accepted ``gx:gaiaxTermsAndConditions`` hash;
- ``subdivision_code``: ISO 3166-2 codes (Tagus ``gx:countrySubdivisionCode`` of the legal
  and headquarters addresses, Loire ``gx:subdivisionCountryCode``) are in the configured
  list — which has ``FR-75C`` for Paris, not ``FR-75``;
- ``registration_join``: the participant names a registration number, and each reference
  is the subject ``id`` of a registration-number credential of the presentation;
- ``did_resolution``: every ``did:web`` the participant subjects mention, and every
  issuer's did:web, resolves through the injected resolver (CPR08_CheckDid).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal, Protocol

from credentials.errors import CredentialError
from credentials.result import VerificationResult
from verifier.gaia_x.vocabulary import (
    REGISTRATION_NUMBER_TYPES,
    gx,
    issuer_of,
    local_types,
    reference_ids,
    subjects,
)

Flavour = Literal["loire", "tagus"]


class DidDocumentResolver(Protocol):
    """What the rules need of a DID resolver (:class:`credentials.did.DidResolver` fits)."""

    def resolve(self, did: str) -> dict[str, Any]: ...


def _typed(
    credentials: Sequence[Mapping[str, Any]], kind: str | frozenset[str]
) -> Iterator[tuple[Mapping[str, Any], Mapping[str, Any]]]:
    kinds = {kind} if isinstance(kind, str) else set(kind)
    for credential in credentials:
        for subject in subjects(credential):
            if local_types(subject) & kinds:
                yield credential, subject


def terms_and_conditions(
    result: VerificationResult,
    credentials: Sequence[Mapping[str, Any]],
    *,
    flavour: Flavour,
    tagus_text: str,
    loire_hashes: frozenset[str],
    exempt_issuers: frozenset[str],
) -> None:
    accepted: dict[str, bool] = {}
    kind = "GaiaXTermsAndConditions" if flavour == "tagus" else "Issuer"
    for credential, subject in _typed(credentials, kind):
        issuer = issuer_of(credential)
        if issuer is None:
            continue
        if flavour == "tagus":
            ok = gx(subject, "termsAndConditions") == tagus_text
        else:
            ok = gx(subject, "gaiaxTermsAndConditions") in loire_hashes
        accepted[issuer] = accepted.get(issuer, False) or ok
    issuers = {issuer_of(c) for c in credentials} - {None} - set(exempt_issuers)
    for issuer in sorted(i for i in issuers if i is not None):
        if accepted.get(issuer):
            result.passed("terms_and_conditions", f"{issuer} agreed to the Gaia-X T&C")
        elif issuer in accepted:
            what = "text" if flavour == "tagus" else "hash"
            result.fail("terms_and_conditions", f"{issuer}: the T&C {what} is not the expected one")
        else:
            result.fail(
                "terms_and_conditions", f"{issuer} has no T&C credential in the presentation"
            )


def _subdivision_values(flavour: Flavour, subject: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    if flavour == "tagus":
        for name in ("legalAddress", "headquarterAddress"):
            address = gx(subject, name)
            if isinstance(address, Mapping):
                yield name, gx(address, "countrySubdivisionCode")
            else:
                yield name, None
    else:
        value = gx(subject, "subdivisionCountryCode")
        if value is not None:
            yield "subdivisionCountryCode", value


def subdivision_codes(
    result: VerificationResult,
    credentials: Sequence[Mapping[str, Any]],
    *,
    flavour: Flavour,
    codes: frozenset[str],
) -> None:
    kinds = frozenset({"LegalParticipant"}) if flavour == "tagus" else REGISTRATION_NUMBER_TYPES
    checked = 0
    for _, subject in _typed(credentials, kinds):
        for name, value in _subdivision_values(flavour, subject):
            checked += 1
            if not codes:
                result.fail("subdivision_code", "no ISO 3166-2 code list is configured")
            elif isinstance(value, str) and value in codes:
                result.passed("subdivision_code", f"{name} {value} is an ISO 3166-2 code")
            else:
                result.fail("subdivision_code", f"{name} {value!r} is not in the ISO 3166-2 list")
    if flavour == "loire" and checked == 0:
        result.passed("subdivision_code", "no subdivision code stated")


def registration_join(
    result: VerificationResult, credentials: Sequence[Mapping[str, Any]], *, flavour: Flavour
) -> None:
    if flavour == "tagus":
        participant_kind, property_name = "LegalParticipant", "legalRegistrationNumber"
        number_kinds = frozenset({"legalRegistrationNumber"})
    else:
        participant_kind, property_name = "LegalPerson", "registrationNumber"
        number_kinds = REGISTRATION_NUMBER_TYPES
    numbers = {
        subject.get("id") for _, subject in _typed(credentials, number_kinds) if "id" in subject
    }
    participants = list(_typed(credentials, participant_kind))
    if not participants:
        result.fail("registration_join", f"no gx:{participant_kind} credential")
    for _, subject in participants:
        references = reference_ids(gx(subject, property_name))
        if not references:
            result.fail("registration_join", f"gx:{participant_kind} has no gx:{property_name}")
        for reference in references:
            if reference in numbers:
                result.passed("registration_join", f"gx:{property_name} {reference} joins")
            else:
                result.fail(
                    "registration_join",
                    f"gx:{property_name} {reference} is no registration-number subject id",
                )


def _did_webs(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        if value.startswith("did:web:"):
            yield value.split("#", 1)[0]
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _did_webs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _did_webs(item)


def did_resolution(
    result: VerificationResult,
    credentials: Sequence[Mapping[str, Any]],
    *,
    resolver: DidDocumentResolver,
    flavour: Flavour,
) -> None:
    participant_kind = "LegalParticipant" if flavour == "tagus" else "LegalPerson"
    dids: set[str] = set()
    for _, subject in _typed(credentials, participant_kind):
        dids.update(_did_webs(dict(subject)))
    for credential in credentials:
        issuer = issuer_of(credential)
        if issuer is not None and issuer.startswith("did:web:"):
            dids.add(issuer)
    for did in sorted(dids):
        try:
            resolver.resolve(did)
        except CredentialError as exc:
            result.fail("did_resolution", f"{did} is not resolvable: {exc.detail}")
        else:
            result.passed("did_resolution", f"{did} resolves")
