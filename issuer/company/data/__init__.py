"""Package data of issuer.company: the offline dataset and lookup tables (JSON)."""
