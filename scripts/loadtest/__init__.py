"""Load and crash-safety runs of ``scripts/load.py``.

- :mod:`scripts.loadtest.cluster`: server control (``attestia serve`` processes sharing a
  database, their peak RSS, SIGKILL and restart; throwaway PostgreSQL databases);
- :mod:`scripts.loadtest.offers`: the pre-authorized offers the wallets redeem, created in
  the shared database before the clock starts;
- :mod:`scripts.loadtest.wallets`: the simulated wallets (holder keys, the OpenID4VCI and
  OpenID4VP flows on one shared aiohttp session, step records);
- :mod:`scripts.loadtest.cpu`: where the CPU went during the measured window;
- :mod:`scripts.loadtest.run`: a run (:func:`~scripts.loadtest.run.run_load`) and its
  report, invariants included (:mod:`attestia.invariants`).
"""
