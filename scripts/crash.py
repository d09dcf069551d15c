"""Crash safety: the load of ``scripts/load.py`` with a server killed by SIGKILL mid-run.

At ``--crash-at`` of the run (default 40 %) one server process (the second when there are
several, so that the public base URL keeps answering) is killed with SIGKILL: no shutdown
hook runs, open transactions die with their connections. It is restarted
``--restart-after`` seconds later and the load continues; afterwards the same invariants
must hold (:mod:`attestia.invariants`): every credential a client received is in the
register, no status index was handed out twice, no pre-authorized code, ``c_nonce`` or
OpenID4VP response was accepted twice, no 5xx.

Usage (same options as ``scripts/load.py``)::

    .venv/bin/python scripts/crash.py --fresh-database \\
        --database-url postgresql+psycopg://postgres@127.0.0.1/postgres \\
        --servers 2 --wallets 8 --duration 20
    .venv/bin/python scripts/crash.py --duration 15     # one process on SQLite (WAL)
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from scripts.load import main

    sys.exit(main(crash=True))
