"""What a caller expects of one verification (the verifier's side of holder binding).

One vocabulary for every format: ``challenge`` is the KB-JWT ``nonce`` (RFC 9901 §4.3),
the ``vp+jwt`` ``nonce`` claim, and the Data Integrity proof ``challenge`` (VC-DI 1.0
§2.1); ``domain`` is the KB-JWT ``aud``, the ``vp+jwt`` ``aud`` and the proof ``domain``.
In OpenID4VP 1.0 (§14.1.2 / Appendix B) these are the request's ``nonce`` and the
verifier's ``client_id``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from verifier.pipeline.formats import CredentialFormat
from verifier.policies import Policy


@dataclass(frozen=True, slots=True)
class VerifyOptions:
    """Expectations for one call; every field is optional.

    - ``challenge`` / ``domain``: see the module docstring. A presentation verified
      without a ``challenge`` fails ``holder_binding`` unless
      ``require_holder_binding`` is False: without a verifier-chosen value it could be a
      replay.
    - ``policy``: a policy id (looked up in the pipeline's policies) or a
      :class:`~verifier.policies.Policy`.
    - ``format``: the declared format; detected from the input when None.
    - ``at``: verify as of this instant (the CLI's ``--at``) instead of the clock.
    - ``check_trust`` / ``check_status``: turn those steps off (reported as not checked).
    - ``require_holder_binding``: None means "for presentations, yes".
    """

    challenge: str | None = None
    domain: str | None = None
    policy: str | Policy | None = None
    format: CredentialFormat | None = None
    at: datetime | None = None
    check_trust: bool = True
    check_status: bool = True
    require_holder_binding: bool | None = None
