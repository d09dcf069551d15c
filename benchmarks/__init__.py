"""Benchmarks that produce ``docs/benchmarks.md`` (``python -m benchmarks.run_all``).

Scripts, never timed tests: figures depend on the machine and its load, and are printed
with the machine's description (:mod:`benchmarks.machine`).
"""
