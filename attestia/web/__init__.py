"""Routes of the composition layer: home page, health, DID documents."""
