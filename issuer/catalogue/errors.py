"""Catalogue errors: a data file that does not validate, or an unknown identifier."""

from __future__ import annotations


class CatalogueError(Exception):
    """A catalogue data file is invalid; the message names the file and the field."""

    code = "invalid_catalogue"

    def __init__(self, file: str, field: str, message: str) -> None:
        super().__init__(f"{file}: {field}: {message}")
        self.file = file
        self.field = field
        self.message = message


class UnknownConfigurationError(LookupError):
    """No credential configuration (or kind) has this identifier.

    The OpenID4VCI layer renders it as ``unknown_credential_configuration`` (§8.3.1.2).
    """

    code = "unknown_credential_configuration"

    def __init__(self, identifier: str) -> None:
        super().__init__(f"unknown credential configuration {identifier!r}")
        self.identifier = identifier
