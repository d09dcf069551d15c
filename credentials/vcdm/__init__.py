"""W3C Verifiable Credentials Data Model v2.0 (and 1.1 for Gaia-X Tagus): shapes and rules.

https://www.w3.org/TR/vc-data-model-2.0/ — §4 Basic Concepts (contexts, identifiers,
types, issuer, credential subject, validity period, status, schema), §4.12 presentations,
§4.13 enveloped credentials and presentations. VCDM 1.1 documents
(https://www.w3.org/TR/vc-data-model/) are recognised by their base context and checked
against their own rules (``issuanceDate`` required, ``expirationDate``).

:func:`validate_credential` and :func:`validate_presentation` return every
:class:`Problem` found, each with an RFC 6901 path and a stable code; an empty list means
the document is well formed. Securing (JOSE, Data Integrity) lives elsewhere.
"""

from credentials.vcdm.accessors import (
    MAX_LEEWAY,
    check_validity_window,
    holder_id,
    issuer_id,
    subject_ids,
    types,
    validity_window,
)
from credentials.vcdm.enveloped import (
    data_url,
    envelope_credential,
    envelope_presentation,
    parse_data_url,
)
from credentials.vcdm.model import (
    CREDENTIALS_V1_CONTEXT,
    CREDENTIALS_V2_CONTEXT,
    ENVELOPED_CREDENTIAL,
    ENVELOPED_PRESENTATION,
    VERIFIABLE_CREDENTIAL,
    VERIFIABLE_PRESENTATION,
    Credential,
    CredentialV1,
    EnvelopedCredential,
    IssuerObject,
    Presentation,
    RelatedResource,
    TypedObject,
)
from credentials.vcdm.validator import (
    DataModelVersion,
    data_model_version,
    validate,
    validate_credential,
    validate_enveloped_credential,
    validate_enveloped_presentation,
    validate_presentation,
)
from credentials.vcdm.values import (
    DateTimeError,
    Problem,
    ProblemCode,
    format_date_time,
    is_url,
    parse_date_time_stamp,
)

__all__ = [
    "CREDENTIALS_V1_CONTEXT",
    "CREDENTIALS_V2_CONTEXT",
    "ENVELOPED_CREDENTIAL",
    "ENVELOPED_PRESENTATION",
    "MAX_LEEWAY",
    "VERIFIABLE_CREDENTIAL",
    "VERIFIABLE_PRESENTATION",
    "Credential",
    "CredentialV1",
    "DataModelVersion",
    "DateTimeError",
    "EnvelopedCredential",
    "IssuerObject",
    "Presentation",
    "Problem",
    "ProblemCode",
    "RelatedResource",
    "TypedObject",
    "check_validity_window",
    "data_model_version",
    "data_url",
    "envelope_credential",
    "envelope_presentation",
    "format_date_time",
    "holder_id",
    "is_url",
    "issuer_id",
    "parse_data_url",
    "parse_date_time_stamp",
    "subject_ids",
    "types",
    "validate",
    "validate_credential",
    "validate_enveloped_credential",
    "validate_enveloped_presentation",
    "validate_presentation",
    "validity_window",
]
