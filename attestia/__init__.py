"""Composition: settings, database, keys, the FastAPI app, the CLI and the dev sandbox."""
