"""A small emulator env for the lifecycle tests: two bring-your-own-NLB services (no Fargate, cheap)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

CENTRAL_ACCOUNT = "444444444444"
PROVIDER_ACCOUNT = "555555555555"
REGION = "us-west-1"


def role(account: str) -> str:
    return f"arn:aws:iam::{account}:role/crossgate-deployer"


def env_data(nlb_arns: dict[str, str], name: str | None = None) -> dict[str, Any]:
    """An env with one service per NLB ARN (``{"alpha": arn, ...}``), each with its own route."""
    data: dict[str, Any] = {
        "target": "emulator",
        "central": {"account_id": CENTRAL_ACCOUNT, "region": REGION, "role_arn": role(CENTRAL_ACCOUNT),
                    "network": {"cidr": "10.60.0.0/16", "az_count": 1}, "api": {"name": "api"}},
        "services": {
            service: {"account_id": PROVIDER_ACCOUNT, "region": REGION, "role_arn": role(PROVIDER_ACCOUNT),
                      "port": 8080, "routes": [f"ANY /{service}"], "authorization": "none",
                      "workload": {"nlb_arn": arn}}
            for service, arn in nlb_arns.items()
        },
    }
    if name is not None:
        data = {"name": name, **data}
    return data


def write_env(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def fake_nlb_arn(name: str) -> str:
    return f"arn:aws:elasticloadbalancing:{REGION}:{PROVIDER_ACCOUNT}:loadbalancer/net/{name}/0123456789abcdef"
