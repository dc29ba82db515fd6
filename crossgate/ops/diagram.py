"""A Mermaid picture of one environment: accounts as groups, regions inside, the gateway, services, routes."""

from __future__ import annotations

import re

from crossgate.config import Environment, JwtAuthorization, LambdaAuthorization, Service


def _node_id(*parts: str) -> str:
    return "_".join(re.sub(r"[^A-Za-z0-9]", "_", part) for part in parts)


def _authorization_label(service: Service) -> str:
    authz = service.authorization
    if isinstance(authz, JwtAuthorization):
        return f"JWT {authz.jwt}"
    if isinstance(authz, LambdaAuthorization):
        return f"Lambda {authz.lambda_}"
    return "IAM" if authz == "iam" else "open"


def mermaid(env: Environment) -> str:
    """Mermaid flowchart source; paste it in a ```mermaid block (GitHub and GitLab render it)."""
    config = env.config
    central = config.central
    lines = ["flowchart LR", "  client([client]) -->|HTTPS| api"]
    lines.append(f'  subgraph acct_{central.account_id}["central account {central.account_id}"]')
    lines.append(f'    subgraph central_{_node_id(central.region)}["{central.region}"]')
    lines.append(f'      api["HTTP API {central.api.name}<br/>$default stage"]')
    lines.append('      vpclink["VPC link"]')
    lines.append('      cloudmap[("Cloud Map namespace")]')
    lines.append("      api --> vpclink")
    for name in config.services:
        lines.append(f'      ep_{_node_id(name)}["endpoint {name}<br/>one ENI per subnet"]')
    lines.append("    end")
    lines.append("  end")

    by_account: dict[str, dict[str, list[str]]] = {}
    for name, service in config.services.items():
        by_account.setdefault(service.account_id, {}).setdefault(service.region, []).append(name)
    for account, regions in by_account.items():
        if account != central.account_id:
            lines.append(f'  subgraph acct_{account}["provider account {account}"]')
        for region, names in regions.items():
            lines.append(f'    subgraph prov_{account}_{_node_id(region)}["{region}"]')
            for name in names:
                service = config.services[name]
                workload = "ECS Fargate" if service.workload.fargate else "your NLB target"
                lines.append(f'      eps_{_node_id(name)}["endpoint service {name}<br/>NLB :{service.port}"]')
                lines.append(f'      wl_{_node_id(name)}["{workload}"]')
                lines.append(f"      eps_{_node_id(name)} --> wl_{_node_id(name)}")
            lines.append("    end")
        if account != central.account_id:
            lines.append("  end")

    for name, service in config.services.items():
        routes = "<br/>".join(service.routes)
        node = _node_id(name)
        lines.append(f'  vpclink -->|"{routes}<br/>auth: {_authorization_label(service)}"| ep_{node}')
        lines.append(f"  cloudmap -.->|ENI IPs :{service.port}| ep_{node}")
        link = "cross-region PrivateLink" if service.region != central.region else "PrivateLink"
        lines.append(f"  ep_{node} ==>|{link}| eps_{node}")
    return "\n".join(lines) + "\n"
