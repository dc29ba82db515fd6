"""The emulator's data plane: API Gateway HTTP API traffic, hop by hop as AWS takes it.

:class:`DataPlane` is a WSGI middleware in front of moto's server (same port). Requests for an
execute-api host or under ``/_crossgate/`` are served here; everything else is moto's control plane.
"""

from crossgate.emulator.dataplane.app import DataPlane

__all__ = ["DataPlane"]
