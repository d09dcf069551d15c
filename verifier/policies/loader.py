"""Loading the named policies, validated once at start (a bad file stops the start)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from verifier.policies.model import Policy


class PolicyError(ValueError):
    """A policy file is unreadable or invalid, or a policy id is unknown."""


class PolicyRegistry(Mapping[str, Policy]):
    """The policies by id (a read-only mapping)."""

    def __init__(self, policies: Iterable[Policy]) -> None:
        self._policies: dict[str, Policy] = {}
        for policy in policies:
            if policy.id in self._policies:
                raise PolicyError(f"policy {policy.id!r} is defined twice")
            self._policies[policy.id] = policy

    def __getitem__(self, policy_id: str) -> Policy:
        return self._policies[policy_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._policies)

    def __len__(self) -> int:
        return len(self._policies)

    def require(self, policy_id: str) -> Policy:
        """The policy named ``policy_id``; :class:`PolicyError` if there is none."""
        try:
            return self._policies[policy_id]
        except KeyError:
            raise PolicyError(f"unknown policy {policy_id!r}") from None


def parse_policy(raw: bytes | str, *, source: str, base_url: str) -> Policy:
    """Validate one policy document; the error names the file and the field."""
    try:
        policy = Policy.model_validate(json.loads(raw))
    except (ValueError, RecursionError) as exc:
        if isinstance(exc, ValidationError):
            fields = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or '/'}: {e['msg']}" for e in exc.errors()
            )
            raise PolicyError(f"{source}: {fields}") from None
        raise PolicyError(f"{source}: not JSON ({exc})") from None
    expected = Path(source).stem
    if policy.id != expected:
        raise PolicyError(f"{source}: id {policy.id!r} differs from the file name")
    return policy.with_base_url(base_url)


def load_policies(*, base_url: str, directory: Path | None = None) -> PolicyRegistry:
    """The policies shipped in ``definitions/`` (or every ``*.json`` of ``directory``)."""
    if directory is not None:
        files = sorted(directory.glob("*.json"))
        return PolicyRegistry(
            parse_policy(f.read_bytes(), source=f.name, base_url=base_url) for f in files
        )
    folder = resources.files("verifier.policies").joinpath("definitions")
    entries = sorted(
        (e for e in folder.iterdir() if e.name.endswith(".json")), key=lambda e: e.name
    )
    return PolicyRegistry(
        parse_policy(e.read_bytes(), source=e.name, base_url=base_url) for e in entries
    )
