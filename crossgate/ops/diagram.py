"""A Mermaid picture of one environment: accounts as groups, regions inside, the gateway, services, routes.

Each route is drawn with its effective authorization and throttling (route_overrides applied), so a
reviewer sees the public route on an otherwise JWT-protected service.
"""

from __future__ import annotations

import re

from crossgate.config import Authorization, EnvConfig, Environment, JwtAuthorization, LambdaAuthorization, Service


def _node_id(*parts: str) -> str:
    return "_".join(re.sub(r"[^A-Za-z0-9]", "_", part) for part in parts)


def _authorization_label(authz: Authorization) -> str:
    if isinstance(authz, JwtAuthorization):
        scopes = f" scopes {', '.join(authz.scopes)}" if authz.scopes else ""
        return f"JWT {authz.jwt}{scopes}"
    if isinstance(authz, LambdaAuthorization):
        return f"Lambda {authz.lambda_}"
    return "IAM" if authz == "iam" else "none"


def _route_lines(config: EnvConfig, name: str, service: Service) -> tuple[list[str], list[str]]:
    """One node per route with what API Gateway enforces on it: the route override if any, else the
    service's authorization and the API's default throttling (modules/central applies them that way)."""
    lines: list[str] = []
    public: list[str] = []
    node = _node_id(name)
    for index, route in enumerate(service.routes):
        override = service.route_overrides.get(route)
        authz = override.authorization if override and override.authorization is not None else service.authorization
        throttling = override.throttling if override and override.throttling is not None \
            else config.central.api.throttling
        route_id = f"rt_{node}_{index}"
        head = f"PUBLIC {route}" if authz == "none" else route
        lines.append(f'  {route_id}["{head}<br/>auth: {_authorization_label(authz)}'
                     f'<br/>throttle {throttling.rate_limit:g}/s burst {throttling.burst_limit}"]')
        lines.append(f"  vpclink --> {route_id} --> ep_{node}")
        if authz == "none":
            public.append(route_id)
    return lines, public


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

    public: list[str] = []
    for name, service in config.services.items():
        node = _node_id(name)
        route_lines, public_routes = _route_lines(config, name, service)
        lines.extend(route_lines)
        public.extend(public_routes)
        lines.append(f"  cloudmap -.->|ENI IPs :{service.port}| ep_{node}")
        link = "cross-region PrivateLink" if service.region != central.region else "PrivateLink"
        lines.append(f"  ep_{node} ==>|{link}| eps_{node}")
    if public:
        # Routes anyone on the internet can call stand out: red, thick border, "PUBLIC" in the label.
        lines.append("  classDef public fill:#fde2e2,stroke:#c00,stroke-width:3px,color:#900")
        lines.append(f"  class {','.join(public)} public")
    return "\n".join(lines) + "\n"
