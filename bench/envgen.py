"""Generate benchmark environment files: N services over up to 10 provider accounts, unique routes.

Everything targets the embedded emulator. Services are named svc-01, svc-02, ...; service i lives in
provider account 2000000000NN with NN = (i - 1) mod accounts + 1, all in the central region.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml

CENTRAL_ACCOUNT = "111111111111"
REGION = "us-west-1"
MAX_ACCOUNTS = 10
IMAGE = "{account}.dkr.ecr.us-west-1.amazonaws.com/employee:latest"

Workload = Literal["fargate", "byo"]


def service_name(index: int) -> str:
    """1 -> svc-01 (two digits up to 99, then as many as needed)."""
    return f"svc-{index:02d}"


def provider_account(index: int, accounts: int) -> str:
    """Service `index` (1-based) spread round-robin over `accounts` provider accounts 200000000001..."""
    return f"2{(index - 1) % accounts + 1:011d}"


def account_count(services: int, max_accounts: int = MAX_ACCOUNTS) -> int:
    return max(1, min(services, max_accounts))


def env_name(services: int, tag: str = "") -> str:
    """bench-s005, or bench-s005-<tag>; stays within the env name limit of 24 characters."""
    return f"bench-s{services:03d}" + (f"-{tag}" if tag else "")


def env_config(services: int, *, workload: Workload = "fargate", nlb_arns: Mapping[str, str] | None = None,
               max_accounts: int = MAX_ACCOUNTS) -> dict[str, Any]:
    """The env file's content. `byo` needs `nlb_arns` (service name -> NLB ARN in that service's account)."""
    if services < 1:
        raise ValueError("services must be >= 1")
    accounts = account_count(services, max_accounts)
    body: dict[str, Any] = {}
    for i in range(1, services + 1):
        name = service_name(i)
        account = provider_account(i, accounts)
        service: dict[str, Any] = {
            "account_id": account,
            "region": REGION,
            "role_arn": f"arn:aws:iam::{account}:role/crossgate-deployer",
            "port": 8080,
            "routes": [f"ANY /{name}", f"ANY /{name}/{{proxy+}}"],
            "authorization": "none",
        }
        if workload == "byo":
            if nlb_arns is None or name not in nlb_arns:
                raise ValueError(f"workload byo needs an NLB ARN for {name}")
            service["workload"] = {"nlb_arn": nlb_arns[name]}
        else:
            service["workload"] = {"fargate": {"image": IMAGE.format(account=account), "desired_count": 1}}
            service["network"] = {"cidr": f"10.{20 + i % 200}.0.0/16", "az_count": 2}
        body[name] = service
    return {
        "target": "emulator",
        "central": {
            "account_id": CENTRAL_ACCOUNT,
            "region": REGION,
            "role_arn": f"arn:aws:iam::{CENTRAL_ACCOUNT}:role/crossgate-deployer",
            "network": {"cidr": "10.10.0.0/16", "az_count": 2},
            "api": {"name": "central-api", "throttling": {"rate_limit": 100, "burst_limit": 200}, "access_logs": True},
        },
        "services": body,
    }


def write_env(folder: Path, services: int, *, tag: str = "", workload: Workload = "fargate",
              nlb_arns: Mapping[str, str] | None = None, max_accounts: int = MAX_ACCOUNTS) -> Path:
    """Write <folder>/<env_name>.yaml and return its path (the file name is the env's name)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{env_name(services, tag)}.yaml"
    config = env_config(services, workload=workload, nlb_arns=nlb_arns, max_accounts=max_accounts)
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path
