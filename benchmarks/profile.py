"""Reading ``py-spy record --format raw`` output (collapsed stacks) of the server processes.

Two views: the leaf functions holding the most samples (self time), and the share of
samples spent under each broad category (inclusive: a stack counts for the first
category one of its frames matches, from the leaf up).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

CATEGORIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("signing / signature verification", re.compile(r"cryptography|sign_raw|verify_raw")),
    ("JSON-LD canonicalisation (RDFC)", re.compile(r"pyld|canonicali|rdfc|pyoxigraph")),
    ("database driver (psycopg / sqlite3)", re.compile(r"psycopg|sqlite3|pool")),
    ("SQLAlchemy ORM / Core", re.compile(r"sqlalchemy")),
    ("JSON encode / decode", re.compile(r"\bjson[/.]|json\.py|encoder\.py|decoder\.py")),
    (
        "web framework (uvicorn, starlette, fastapi, pydantic)",
        re.compile(r"uvicorn|starlette|fastapi|pydantic|anyio|h11"),
    ),
)
_FRAME = re.compile(r"^(?P<function>.*?) \((?P<file>[^:()]*)(?::\d+)?\)$")


def _frames(stack: str) -> list[str]:
    return [frame for frame in stack.split(";") if frame]


def _short(frame: str) -> str:
    match = _FRAME.match(frame)
    if match is None:
        return frame
    path = match["file"]
    for marker in ("site-packages/", "/work/main/", "lib/python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{match['function']} ({path})"


def summarise(
    paths: list[Path], top: int = 12
) -> tuple[int, list[tuple[str, int]], dict[str, int]]:
    """(total samples, top leaf functions, samples per category incl. "other")."""
    leaves: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    total = 0
    for path in paths:
        if not path.exists():
            continue
        for line in path.read_text(errors="replace").splitlines():
            stack, _, count_text = line.rpartition(" ")
            if not stack or not count_text.isdigit():
                continue
            count = int(count_text)
            frames = _frames(stack)
            if not frames:
                continue
            total += count
            leaves[_short(frames[-1])] += count
            for frame in reversed(frames):
                name = next((n for n, p in CATEGORIES if p.search(frame)), None)
                if name is not None:
                    categories[name] += count
                    break
            else:
                categories["other (application code, interpreter)"] += count
    return total, leaves.most_common(top), dict(categories.most_common())
