"""Wire shapes of VCDM 2.0 credentials and presentations, and the spec's fixed names.

The ``TypedDict`` classes describe what a conforming document looks like; they are for
readers and type checkers, not a guarantee: a document received from outside is a plain
``Mapping[str, Any]`` until :func:`credentials.vcdm.validate_credential` has found no
problem in it. ``total=False`` because JSON keys such as ``@context`` are not identifiers;
the functional syntax is used for them.
"""

from __future__ import annotations

from typing import Any, Final, TypeAlias, TypedDict

#: VCDM 2.0 §4.3: "the first item [of @context] MUST be ... https://www.w3.org/ns/credentials/v2".
CREDENTIALS_V2_CONTEXT: Final = "https://www.w3.org/ns/credentials/v2"
#: VCDM 1.1 §4.1: the base context of version 1.1 documents (Gaia-X Tagus still uses it).
CREDENTIALS_V1_CONTEXT: Final = "https://www.w3.org/2018/credentials/v1"

VERIFIABLE_CREDENTIAL: Final = "VerifiableCredential"
VERIFIABLE_PRESENTATION: Final = "VerifiablePresentation"
#: VCDM 2.0 §4.13 Securing Mechanism Specific (enveloped) forms.
ENVELOPED_CREDENTIAL: Final = "EnvelopedVerifiableCredential"
ENVELOPED_PRESENTATION: Final = "EnvelopedVerifiablePresentation"

#: A context entry: a URL, or an embedded context definition (VCDM 2.0 §4.3).
ContextEntry: TypeAlias = str | dict[str, Any]
#: ``type``: one term/URL or a set of them (VCDM 2.0 §4.5).
TypeValue: TypeAlias = str | list[str]


class IssuerObject(TypedDict, total=False):
    """VCDM 2.0 §4.7: an issuer described by an object that "MUST contain an id property"."""

    id: str
    name: str
    description: str


class TypedObject(TypedDict, total=False):
    """Extension points (status, schema, evidence, terms of use, refresh): VCDM 2.0 §4.9-§5."""

    id: str
    type: TypeValue


class RelatedResource(TypedDict, total=False):
    """VCDM 2.0 §5.3: a resource with an ``id`` and at least one digest."""

    id: str
    digestSRI: str
    digestMultibase: str
    mediaType: str


Credential = TypedDict(
    "Credential",
    {
        "@context": list[ContextEntry],
        "id": str,
        "type": TypeValue,
        "name": str,
        "description": str,
        "issuer": str | IssuerObject,
        "credentialSubject": dict[str, Any] | list[dict[str, Any]],
        "validFrom": str,
        "validUntil": str,
        "credentialStatus": TypedObject | list[TypedObject],
        "credentialSchema": TypedObject | list[TypedObject],
        "evidence": TypedObject | list[TypedObject],
        "termsOfUse": TypedObject | list[TypedObject],
        "refreshService": TypedObject | list[TypedObject],
        "relatedResource": list[RelatedResource],
        "proof": dict[str, Any] | list[dict[str, Any]],
    },
    total=False,
)
Credential.__doc__ = (
    "A VCDM 2.0 credential (§4); required: @context, type, issuer, credentialSubject."
)

EnvelopedCredential = TypedDict(
    "EnvelopedCredential",
    {"@context": str | list[ContextEntry], "id": str, "type": TypeValue},
    total=False,
)
EnvelopedCredential.__doc__ = (
    "VCDM 2.0 §4.13.1: a credential secured by an enveloping proof, carried as a data: URL id."
)

Presentation = TypedDict(
    "Presentation",
    {
        "@context": list[ContextEntry],
        "id": str,
        "type": TypeValue,
        "holder": str | IssuerObject,
        "verifiableCredential": list[Credential | EnvelopedCredential],
        "proof": dict[str, Any] | list[dict[str, Any]],
    },
    total=False,
)
Presentation.__doc__ = "A VCDM 2.0 presentation (§4.12); required: @context and type."

CredentialV1 = TypedDict(
    "CredentialV1",
    {
        "@context": list[ContextEntry],
        "id": str,
        "type": TypeValue,
        "issuer": str | IssuerObject,
        "issuanceDate": str,
        "expirationDate": str,
        "credentialSubject": dict[str, Any] | list[dict[str, Any]],
        "credentialStatus": TypedObject,
        "credentialSchema": TypedObject | list[TypedObject],
        "proof": dict[str, Any] | list[dict[str, Any]],
    },
    total=False,
)
CredentialV1.__doc__ = (
    "A VCDM 1.1 credential; required: @context, type, issuer, issuanceDate, subject."
)
