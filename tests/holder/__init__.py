"""A test wallet for OpenID4VP 1.0, written from the specifications and the OWF ``sd_jwt``
package, independent of the verifier's code (it shares nothing with :mod:`verifier`)."""
