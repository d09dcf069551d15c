"""Issuing an SD-JWT (RFC 9901 §4, §5).

Claims to make selectively disclosable are wrapped in :class:`SD`: an object property as
``{"given_name": SD("Erika")}``, an array element as ``["DE", SD("FR")]``. Wrappers nest,
which gives recursive disclosures (§4.2.6): ``{"address": SD({"locality": SD("Köln")})}``
hides the locality inside the hidden address.

Salts come from an injected source of random bytes (default 128 bits from
:mod:`secrets`, §9.3). Decoy digests (§4.2.5) hash a fresh random salt. Digests in each
``_sd`` array are sorted so that their order reveals nothing about the claims (§4.2.4.1:
"the Issuer MUST hide the original order of the claims").
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from credentials.jose import sign_compact
from credentials.keys import Signer
from credentials.sd_jwt.constants import (
    ARRAY_DIGEST_KEY,
    DEFAULT_SD_ALG,
    SD_ALG_KEY,
    SD_DIGESTS_KEY,
)
from credentials.sd_jwt.digest import b64_digest
from credentials.sd_jwt.disclosure import (
    SALT_BYTES,
    Disclosure,
    SaltSource,
    make_disclosure,
    new_salt,
)
from credentials.sd_jwt.errors import DisclosureError
from credentials.sd_jwt.serialization import join_compact

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SD(Generic[T]):
    """Marks a claim value (object property or array element) as selectively disclosable."""

    value: T


def default_salt() -> bytes:
    return secrets.token_bytes(SALT_BYTES)


@dataclass(frozen=True, slots=True)
class IssuedSdJwt:
    """An issued SD-JWT: the signed JWT and every disclosure, in creation order."""

    issuer_jwt: str
    disclosures: tuple[Disclosure, ...]
    payload: dict[str, Any]

    @property
    def compact(self) -> str:
        """``<JWT>~<D1>~...~<Dn>~`` as sent to the holder (RFC 9901 §4)."""
        return join_compact(self.issuer_jwt, [d.encoded for d in self.disclosures])


class _Builder:
    __slots__ = ("decoys", "disclosures", "salt", "sd_alg")

    def __init__(self, salt: SaltSource, decoys: int, sd_alg: str) -> None:
        self.salt = salt
        self.decoys = decoys
        self.sd_alg = sd_alg
        self.disclosures: list[Disclosure] = []

    def _disclose(self, name: str | None, value: Any) -> str:
        disclosure = make_disclosure(new_salt(self.salt), name, self.build(value), self.sd_alg)
        self.disclosures.append(disclosure)
        return disclosure.digest

    def _decoy(self) -> str:
        return b64_digest(self.sd_alg, new_salt(self.salt))

    def build(self, value: Any) -> Any:
        if isinstance(value, SD):
            raise DisclosureError("SD() marks object properties and array elements only")
        if isinstance(value, Mapping):
            return self._object(value)
        if isinstance(value, list | tuple):
            return self._array(value)
        return value

    def _object(self, claims: Mapping[Any, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        digests: list[str] = []
        for name, value in claims.items():
            if not isinstance(name, str):
                raise DisclosureError(f"claim names are strings, not {type(name).__name__}")
            if name in (SD_DIGESTS_KEY, ARRAY_DIGEST_KEY):
                raise DisclosureError(f"claim name {name!r} is reserved by SD-JWT")
            if isinstance(value, SD):
                digests.append(self._disclose(name, value.value))
            else:
                out[name] = self.build(value)
        if digests:
            digests.extend(self._decoy() for _ in range(self.decoys))
            out[SD_DIGESTS_KEY] = sorted(digests)
        return out

    def _array(self, elements: list[Any] | tuple[Any, ...]) -> list[Any]:
        out: list[Any] = []
        hidden = False
        for element in elements:
            if isinstance(element, SD):
                out.append({ARRAY_DIGEST_KEY: self._disclose(None, element.value)})
                hidden = True
            else:
                out.append(self.build(element))
        if hidden:
            for _ in range(self.decoys):
                position = int.from_bytes(self.salt()[:4], "big") % (len(out) + 1)
                out.insert(position, {ARRAY_DIGEST_KEY: self._decoy()})
        return out


def blind_claims(
    claims: Mapping[str, Any],
    *,
    salt: SaltSource = default_salt,
    decoys: int = 0,
    sd_alg: str = DEFAULT_SD_ALG,
) -> tuple[dict[str, Any], tuple[Disclosure, ...]]:
    """Replace :class:`SD`-marked claims by digests; returns ``(payload, disclosures)``.

    ``decoys`` is the number of decoy digests added to every object and array that has
    selectively disclosable content. ``_sd_alg`` is added to the payload.
    """
    if SD_ALG_KEY in claims:
        raise DisclosureError("_sd_alg is set by the issuer, not passed as a claim")
    builder = _Builder(salt, decoys, sd_alg)
    payload = builder._object(claims)
    payload[SD_ALG_KEY] = sd_alg
    return payload, tuple(builder.disclosures)


def issue_sd_jwt(
    claims: Mapping[str, Any],
    signer: Signer,
    *,
    typ: str | None,
    header: Mapping[str, Any] | None = None,
    salt: SaltSource = default_salt,
    decoys: int = 0,
    sd_alg: str = DEFAULT_SD_ALG,
    include_kid: bool = True,
) -> IssuedSdJwt:
    """Blind the marked claims and sign the payload (RFC 9901 §4.1, §5).

    The protected header gets ``alg`` from the signer, ``typ`` when given, ``kid`` from the
    signer unless ``include_kid`` is false, then ``header`` on top (e.g. ``x5c``).
    """
    payload, disclosures = blind_claims(claims, salt=salt, decoys=decoys, sd_alg=sd_alg)
    protected: dict[str, Any] = {}
    if typ is not None:
        protected["typ"] = typ
    if include_kid and signer.kid:
        protected["kid"] = signer.kid
    protected.update(header or {})
    body = json.dumps(payload, separators=(",", ":"), allow_nan=False).encode()
    return IssuedSdJwt(sign_compact(protected, body, signer), disclosures, payload)
