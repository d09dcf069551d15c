"""HTTP glue of the issuer: routers that parse, call the issuer services, serialise."""

from issuer.minting.services import IssuerServices, build_issuer_services

__all__ = ["IssuerServices", "build_issuer_services"]
