#!/usr/bin/env python3
"""Developer entry point: ``python3 scripts/dev.py serve|test|check [args...]``.

Needs only Python 3.11+. Creates (or reuses) ``.venv`` beside the project, installs the
project with its dev dependency group whenever ``pyproject.toml`` changed, then:

- ``serve``: starts the service on its embedded default (SQLite, ProConnect sandbox,
  offline company registry) at http://127.0.0.1:8000;
- ``test``: runs the whole test suite (extra arguments go to pytest);
- ``check``: ruff (lint + format check) and mypy --strict.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".attestia-installed"


def _run(*args: str | Path, check: bool = True) -> int:
    return subprocess.run([str(a) for a in args], cwd=ROOT, check=check).returncode


def ensure_venv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036  (this script runs under any python3)
        sys.exit(f"Python 3.11 or newer is needed (this is {sys.version.split()[0]})")
    if not (BIN / "python").exists():
        print(f"creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    print("installing Attestia and its dependencies (first run only)", flush=True)
    _run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip>=25.1")
    _run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".", "--group", "dev")
    STAMP.write_text(wanted)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"serve", "test", "check"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    ensure_venv()
    if command == "serve":
        return _run(BIN / "attestia", "serve", *rest, check=False)
    if command == "test":
        return _run(BIN / "python", "-m", "pytest", *rest, check=False)
    status = _run(BIN / "ruff", "check", ".", check=False)
    status |= _run(BIN / "ruff", "format", "--check", ".", check=False)
    status |= _run(BIN / "mypy", check=False)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
