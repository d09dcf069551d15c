"""HTTP glue of the verifier (FastAPI routers)."""
