"""Route 53: hosted zone ids shaped like AWS's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crossgate.emulator.patches.base import wrap


def zone_id_like_aws(generated: str) -> str:
    """moto's random id with AWS's leading Z, same length (moto keeps 22 characters)."""
    return generated if generated.startswith("Z") else "Z" + generated[1:]


def patch_route53_zone_ids() -> None:
    """AWS hosted zone ids begin with ``Z`` (every id in the Route 53 API reference, e.g. CreateHostedZone's
    example ``Z1D633PJN98FT9``; https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateHostedZone.html),
    and modules/central's custom_domain.route53_zone_id validation relies on it. moto 5.2.5 draws all 22
    characters at random (its own comment says ids look like ``Z1RWWTK7Y8UDDQ``). Unsure: AWS does not
    document the format as a rule; the leading Z is what every documented and observed id shows."""
    from moto.route53.models import HostedZoneIdentifier

    def make(original: Callable[..., str]) -> Callable[..., str]:
        def generate(self: Any, *args: Any, **kwargs: Any) -> str:
            return zone_id_like_aws(original(self, *args, **kwargs))

        return generate

    wrap(HostedZoneIdentifier, "generate", make)
