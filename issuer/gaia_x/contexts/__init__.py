"""Embedded Gaia-X JSON-LD context documents (package data, pinned by SHA-256)."""
