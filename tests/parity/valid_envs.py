"""A hypothesis strategy of VALID env files at the schema's edges: longest names the budgets allow, every
Fargate cpu/memory pair and log retention, throttling limits, pinned endpoint IPs at the ends of the
central subnets' usable ranges, several services, authorizers and route overrides.

AZ ids come from MOCK_ZONE_IDS, the region the plan test mocks: which AZ ids a region has is only known
at plan (the modules' preconditions say so), not to the schema.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from hypothesis import strategies as st

from crossgate.config import module_rules

MOCK_ZONE_NAMES = ("us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f")
MOCK_ZONE_IDS = ("use1-az3", "use1-az1", "use1-az6", "use1-az4", "use1-az5", "use1-az2")
CENTRAL_ACCOUNT = "111111111111"
CENTRAL_REGION = "us-west-1"
LETTERS = "abcdefghijklmnopqrstuvwxyz"
ALNUM = LETTERS + "0123456789"


@st.composite
def dns_name(draw: st.DrawFn, size: int, end_alnum: bool = True) -> str:
    """A lowercase DNS-safe name of exactly ``size`` characters."""
    if size == 1:
        return draw(st.sampled_from(LETTERS))
    middle = draw(st.text(alphabet=ALNUM + "-", min_size=size - 2, max_size=size - 2))
    last = draw(st.sampled_from(ALNUM if end_alnum else ALNUM + "-"))
    return draw(st.sampled_from(LETTERS)) + middle + last


def size_up_to(limit: int) -> st.SearchStrategy[int]:
    """1..limit, with the limit itself drawn often (the boundary the module's length rule sits on)."""
    return st.one_of(st.just(limit), st.integers(1, limit))


@st.composite
def cidr(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from((16, 24, *range(17, 24))))
    block = draw(st.integers(0, 2 ** (prefix - 8) - 1))
    return str(ipaddress.IPv4Network((int(ipaddress.IPv4Address("10.0.0.0")) + block * 2 ** (32 - prefix), prefix)))


@st.composite
def network(draw: st.DrawFn, kind: str | None = None) -> dict[str, Any]:
    kind = kind or draw(st.sampled_from(("az_count", "zone_ids", "existing")))
    if kind == "az_count":
        return {"cidr": draw(cidr()), "az_count": draw(st.integers(1, 6))}
    if kind == "zone_ids":
        ids = draw(st.lists(st.sampled_from(MOCK_ZONE_IDS), min_size=1, max_size=6, unique=True))
        return {"cidr": draw(cidr()), "availability_zone_ids": ids}
    count = draw(st.integers(1, 6))
    return {"vpc_id": f"vpc-{draw(st.integers(0, 16**17 - 1)):017x}",
            "subnet_ids": [f"subnet-{n:017x}" for n in draw(st.lists(
                st.integers(0, 16**17 - 1), min_size=count, max_size=count, unique=True))]}


IDENTITY_SOURCES = ("$request.header.Authorization", "$request.querystring.token", "$context.identity.sourceIp",
                    "$stageVariables.key_1", "$request.header.X-Api-Key")


@st.composite
def authorizers(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for _ in range(draw(st.integers(0, 4))):
        name = draw(st.one_of(st.just("a" * 63 + str(len(found))),  # the 64-character limit
                              st.from_regex(r"[A-Za-z0-9_-]{1,20}", fullmatch=True)))
        sources = draw(st.lists(st.sampled_from(IDENTITY_SOURCES), min_size=1, max_size=2, unique=True))
        if draw(st.booleans()):
            found[name] = {"type": "jwt", "issuer": "https://cognito-idp.us-west-1.amazonaws.com/us-west-1_abc",
                           "audiences": ["client-1"], "identity_sources": sources}
        else:
            found[name] = {"type": "lambda", "identity_sources": sources,
                           "function_arn": f"arn:aws:lambda:us-west-1:{CENTRAL_ACCOUNT}:function:authz-{len(found)}",
                           "result_ttl_seconds": draw(st.sampled_from((0, 300, 3600)))}
    return found


def authorization(auths: dict[str, dict[str, Any]]) -> st.SearchStrategy[Any]:
    options: list[st.SearchStrategy[Any]] = [st.sampled_from(("none", "iam"))]
    jwts = [k for k, a in auths.items() if a["type"] == "jwt"]
    lambdas = [k for k, a in auths.items() if a["type"] == "lambda"]
    if jwts:
        options.append(st.builds(lambda n, s: {"jwt": n, "scopes": s}, st.sampled_from(jwts),
                                 st.lists(st.sampled_from(("read", "write")), max_size=2, unique=True)))
    if lambdas:
        options.append(st.sampled_from(lambdas).map(lambda n: {"lambda": n}))
    return st.one_of(options)


THROTTLING = st.fixed_dictionaries({
    "rate_limit": st.one_of(st.sampled_from((0.01, 1, 10000)), st.floats(min_value=0.01, max_value=10000)),
    "burst_limit": st.one_of(st.sampled_from((1, 5000)), st.integers(1, 5000)),
})
TAGS = st.one_of(
    st.dictionaries(st.from_regex(r"[A-Za-z0-9:/_.-]{1,20}", fullmatch=True), st.text(max_size=30), max_size=3),
    st.just({"k" * 128: "v" * 256}),  # AWS's key and value lengths
    st.just({f"tag{i}": str(i) for i in range(40)}),  # the 40 the modules allow
)
RETENTIONS = st.sampled_from(module_rules.log_retention_days())
FARGATE_PAIRS = [(cpu, memory) for cpu, sizes in module_rules.fargate_sizes().items() for memory in sizes]


def central_subnets(net: dict[str, Any]) -> list[ipaddress.IPv4Network] | None:
    if "cidr" not in net:
        return None
    count = len(net.get("availability_zone_ids", ())) or net["az_count"]
    return list(ipaddress.IPv4Network(net["cidr"]).subnets(prefixlen_diff=3))[:count]


@st.composite
def endpoint_ips(draw: st.DrawFn, central_net: dict[str, Any], index: int) -> list[str]:
    """One IP per central subnet: the first and last usable addresses (AWS reserves 4 + 1) or between."""
    subnets = central_subnets(central_net)
    if subnets is None:
        return [f"10.99.{index}.{10 + i}" for i in range(len(central_net["subnet_ids"]))]
    ips = []
    for subnet in subnets:
        first, last = int(subnet.network_address) + 4, int(subnet.broadcast_address) - 1
        # Distinct across services: service i takes the i-th address from the chosen end.
        offset = draw(st.sampled_from(("first", "last", "middle")))
        ip = {"first": first + index, "last": last - index, "middle": (first + last) // 2 + index}[offset]
        ips.append(str(ipaddress.IPv4Address(ip)))
    return ips


@st.composite
def service(draw: st.DrawFn, name: str, index: int, central_net: dict[str, Any],
            auths: dict[str, dict[str, Any]], pin_ips: bool) -> dict[str, Any]:
    account = str(index + 2) * 12
    cross = draw(st.booleans())
    region = "eu-west-1" if cross else CENTRAL_REGION
    routes = [f"{method} /{name}{suffix}" for method, suffix in zip(
        draw(st.lists(st.sampled_from(("ANY", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")),
                      min_size=1, max_size=4)),
        ("", "/{id}", "/{proxy+}", "/a.b_c~d/{x}"), strict=False)]
    body: dict[str, Any] = {
        "account_id": account, "region": region, "role_arn": f"arn:aws:iam::{account}:role/deployer",
        "port": draw(st.one_of(st.sampled_from((1, 65535)), st.integers(1, 65535))),
        "routes": routes, "authorization": draw(authorization(auths)), "cross_region": cross,
        "acceptance_required": draw(st.booleans()),
    }
    overrides = {}
    for route in draw(st.lists(st.sampled_from(routes), max_size=len(routes), unique=True)):
        entry: dict[str, Any] = {}
        if draw(st.booleans()):
            entry["authorization"] = draw(authorization(auths))
        if draw(st.booleans()) or not entry:
            entry["throttling"] = draw(THROTTLING)
        overrides[route] = entry
    if overrides:
        body["route_overrides"] = overrides
    if draw(st.booleans()):
        body["allowed_principals"] = [f"arn:aws:iam::{CENTRAL_ACCOUNT}:root", f"arn:aws:iam::{account}:role/a.b@c=d"]
    if pin_ips:
        body["endpoint_ips"] = draw(endpoint_ips(central_net, index))
    if draw(st.integers(0, 3)) == 0:
        body["workload"] = {"nlb_arn": f"arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/net/nlb-{index}/"
                                       f"{draw(st.integers(0, 16**16 - 1)):016x}"}
    else:
        cpu, memory = draw(st.sampled_from(FARGATE_PAIRS))
        fargate: dict[str, Any] = {
            "image": draw(st.sampled_from((
                f"{account}.dkr.ecr.{region}.amazonaws.com/{name}:1.0.0", "repo/x_y__z-w:v1.2",
                "localhost:5000/a/b@sha256:" + "a" * 64))),
            "cpu": cpu, "memory": memory, "desired_count": draw(st.sampled_from((0, 1, 2, 100))),
            "environment": draw(st.dictionaries(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True),
                                                st.text(max_size=20), max_size=3)),
            "health_check_path": draw(st.sampled_from(("/", "/health", "/" + "h" * 1023, "/a?b=c"))),
        }
        if draw(st.booleans()):
            fargate["shared_storage"] = {"path": draw(st.sampled_from(("/data", "/" + "d" * 254, "/a/b.c_d-e")))}
        elif draw(st.booleans()):
            fargate["task_role_arn"] = f"arn:aws:iam::{account}:role/app/{name}"
        if draw(st.booleans()):
            fargate["secrets"] = {"SECRET_1": f"arn:aws:secretsmanager:{region}:{account}:secret:db-AbC",
                                  "PARAM_1": f"arn:aws:ssm:{region}:{account}:parameter/app/key"}
            for key in fargate["secrets"]:
                fargate["environment"].pop(key, None)
        if draw(st.booleans()):
            fargate["container_port"] = draw(st.sampled_from((1, 8080, 65535)))
        fargate["cpu_architecture"] = draw(st.sampled_from(("X86_64", "ARM64")))
        fargate["container_insights"] = draw(st.sampled_from(("enabled", "enhanced", "disabled")))
        body["network"] = draw(network())
        fargate["image_pull"] = draw(st.sampled_from(
            ("vpc_endpoints", "none", "nat") if "cidr" in body["network"] else ("vpc_endpoints", "none")))
        body["workload"] = {"fargate": fargate}
        body["flow_logs"] = {"enabled": draw(st.booleans()),
                             "traffic_type": draw(st.sampled_from(("ALL", "ACCEPT", "REJECT"))),
                             "retention_days": draw(st.one_of(st.just(0), RETENTIONS))}
    body["tags"] = draw(TAGS)
    return body


@st.composite
def valid_envs(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """(env name, env file data): a file the schema must accept."""
    env_name = draw(dns_name(draw(st.integers(1, 22)), end_alnum=False))
    service_budget = 24 - len(env_name) - 1
    names: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        candidate = draw(dns_name(draw(size_up_to(min(service_budget, 32)))))
        if candidate not in names:
            names.append(candidate)
    auths = draw(authorizers())
    central_net = draw(network())
    pin_ips = draw(st.booleans())
    api: dict[str, Any] = {
        "name": draw(dns_name(draw(size_up_to(32 - len(env_name) - 1)))),
        "throttling": draw(THROTTLING),
        "access_logs": draw(st.booleans()),
        "log_retention_days": draw(st.sampled_from(module_rules.log_retention_days())),
        "disable_execute_api_endpoint": draw(st.booleans()),
    }
    if draw(st.booleans()):
        api["log_kms_key_arn"] = (f"arn:aws:kms:{CENTRAL_REGION}:{CENTRAL_ACCOUNT}:"
                                  "key/1234abcd-12ab-34cd-56ef-1234567890ab")
    if draw(st.booleans()):
        api["cors"] = {"allow_origins": ["https://app.example.com"], "allow_methods": ["GET", "POST"],
                       "allow_credentials": draw(st.booleans()), "max_age": draw(st.sampled_from((0, 86400)))}
    central: dict[str, Any] = {"tags": draw(TAGS), "flow_logs": {
        "enabled": draw(st.booleans()), "traffic_type": draw(st.sampled_from(("ALL", "ACCEPT", "REJECT"))),
        "retention_days": draw(RETENTIONS)}}
    if draw(st.booleans()):
        central["custom_domain"] = {
            "domain_name": draw(st.sampled_from(("api.example.com", "a-b.c.example.co"))),
            "certificate_arn": f"arn:aws:acm:{CENTRAL_REGION}:{CENTRAL_ACCOUNT}:certificate/1234-abcd",
            **({"route53_zone_id": "Z0123456789ABCDEFGHIJ"} if draw(st.booleans()) else {}),
            **({"mtls_truststore_uri": "s3://acme-truststores/api/truststore.pem"} if draw(st.booleans()) else {}),
        }
    data = {
        "name": env_name, "target": "aws", "state": "local",
        "central": {"account_id": CENTRAL_ACCOUNT, "region": CENTRAL_REGION, "network": central_net, "api": api,
                    "authorizers": auths, **central},
        "services": {name: draw(service(name, i, central_net, auths, pin_ips)) for i, name in enumerate(names)},
    }
    return env_name, data
