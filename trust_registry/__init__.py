"""Trust registry: issuers x credential types x time, audit log, signed trusted list."""
