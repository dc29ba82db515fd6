"""Authorization in the local data plane, as API Gateway enforces it for HTTP APIs.

The data plane calls :meth:`Authorizers.authorize` once per request after route selection. ``NONE``
routes pass; JWT, AWS_IAM and Lambda (REQUEST) authorizers are checked as AWS documents them. The
emulator's own OpenID Connect issuer answers under ``/_crossgate/oidc/`` (:meth:`Authorizers.control`).
"""

from crossgate.emulator.authorizers.decision import AuthDecision, Authorizers, AuthRequest

__all__ = ["AuthDecision", "AuthRequest", "Authorizers"]
