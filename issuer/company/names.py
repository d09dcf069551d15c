"""Name normalisation for matching a ProConnect identity against register records.

Registers write ``D'ALMEIDA``, ``DURAND-LEFÈVRE``, ``LE GOFF``; people type ``d'Almeida``,
``Durand Lefevre``, ``Le Goff``. A *name key* drops accents, case and every character
that is not a letter, so all of these compare equal to their variants.
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Casefolded text without accents (``Éloïse`` → ``eloise``); ``Œ``/``Æ`` expanded."""
    expanded = text.replace("Œ", "OE").replace("œ", "oe").replace("Æ", "AE").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", expanded)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def name_key(text: str) -> str:
    """Letters only, folded: hyphens, apostrophes, spaces and dots are ignored."""
    return "".join(c for c in fold(text) if c.isalpha())


def given_name_tokens(given_names: str | tuple[str, ...]) -> list[str]:
    """Given names as separate words (``"Jean-Baptiste Louis"`` → two tokens)."""
    text = given_names if isinstance(given_names, str) else " ".join(given_names)
    return [token for token in text.replace(",", " ").split() if name_key(token)]


def _prefix_keys(tokens: list[str]) -> set[str]:
    return {name_key("".join(tokens[: k + 1])) for k in range(len(tokens))}


def first_given_name_matches(
    identity: str | tuple[str, ...], register: str | tuple[str, ...]
) -> bool:
    """Whether both sides agree on the *first* given name.

    ``"Jean Baptiste"`` and ``"Jean-Baptiste"`` agree (a compound name typed with a space);
    ``"Louis"`` does not match a register entry whose first given name is ``"Jean"``, even
    if ``Louis`` is a later given name there.
    """
    ours, theirs = given_name_tokens(identity), given_name_tokens(register)
    if not ours or not theirs:
        return False
    return name_key(ours[0]) in _prefix_keys(theirs) or name_key(theirs[0]) in _prefix_keys(ours)


def family_name_matches(identity: str, birth_name: str, usage_name: str | None) -> bool:
    """The identity's (usual) family name equals the birth name or the usage name."""
    key = name_key(identity)
    if not key:
        return False
    return key in {name_key(birth_name), name_key(usage_name or "")}
