"""The longer fuzz run: schemathesis over every operation and the property tests, scaled up.

CI runs ``tests/fuzz`` bounded (6 schemathesis examples per operation and mode, the
property tests at their base sizes, derandomized). This script runs the same tests with
more examples, and with ``--seed`` explores inputs CI never tries (a failure prints the
seed and the reproducing request). Everything stays in process: the app runs on a
temporary SQLite database and nothing leaves the machine.

Usage::

    .venv/bin/python scripts/fuzz.py --examples 200
    .venv/bin/python scripts/fuzz.py --examples 500 --scale 10 --seed 1234 -- -x

``--examples``: schemathesis examples per operation and generation mode; ``--scale``:
multiplier of the property tests' example counts (default: examples / 10); arguments
after ``--`` go to pytest.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100, help="per operation and mode")
    parser.add_argument("--scale", type=int, default=None, help="property test multiplier")
    parser.add_argument("--seed", type=int, default=None, help="randomise with this seed")
    parser.add_argument("--only-schemathesis", action="store_true", help="skip the property tests")
    parser.add_argument("pytest_args", nargs="*", help="passed to pytest (after --)")
    args = parser.parse_args(argv)
    if args.examples < 1:
        parser.error("--examples must be at least 1")

    env = dict(os.environ)
    env["ATTESTIA_FUZZ_EXAMPLES"] = str(args.examples)
    env["ATTESTIA_FUZZ_SCALE"] = str(args.scale or max(1, args.examples // 10))
    if args.seed is not None:
        env["ATTESTIA_FUZZ_SEED"] = str(args.seed)
    target = "tests/fuzz/test_schemathesis.py" if args.only_schemathesis else "tests/fuzz"
    command = [sys.executable, "-m", "pytest", target, "-q", "-p", "no:cacheprovider"]
    command += args.pytest_args
    print(
        f"fuzz: {args.examples} examples per operation and mode, property scale "
        f"{env['ATTESTIA_FUZZ_SCALE']}, seed {args.seed if args.seed is not None else 'none'}",
        flush=True,
    )
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=env, check=False)
    print(f"fuzz: finished in {time.monotonic() - started:.0f} s (exit {result.returncode})")
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
