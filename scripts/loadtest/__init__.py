"""Load and crash-safety runs of ``scripts/load.py``, in three parts.

- :mod:`scripts.loadtest.cluster`: server control (``attestia serve`` processes sharing a
  database, their peak RSS, SIGKILL and restart; throwaway PostgreSQL databases);
- :mod:`scripts.loadtest.wallets`: the simulated wallets (offers, holder keys, the
  OpenID4VCI and OpenID4VP flows on one shared aiohttp session, step records);
- :mod:`scripts.loadtest.run`: a run (:func:`~scripts.loadtest.run.run_load`) and its
  report, invariants included (:mod:`attestia.invariants`).
"""
