"""Authorization in the local data plane, as API Gateway enforces it for HTTP APIs.

The data plane calls :func:`authorize` once per request after route selection. ``NONE`` routes
pass; JWT, AWS_IAM and Lambda (REQUEST) authorizers are checked as AWS documents them.
"""

from crossgate.emulator.authorizers.decision import AuthDecision, AuthRequest, authorize

__all__ = ["AuthDecision", "AuthRequest", "authorize"]
