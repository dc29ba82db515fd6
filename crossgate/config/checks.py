"""Checks across fields of an env file, run on whatever part of it parsed.

The schema checks one value at a time; these need several (a route used by two services, an
authorizer named here and declared there, IPs against the central subnets, VPCs per account and
region, name lengths). They run on a :class:`View`: each part of the file (central, each service)
that validated, and which of its fields did not (those were replaced by defaults to salvage the rest,
so a check that reads one of them skips). Every check reads only what AWS or the modules fix before
apply; nothing here calls AWS.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from crossgate import names
from crossgate.config.quotas import DEFAULT_VPCS_PER_REGION, MAX_INTEGRATIONS_PER_API, MAX_ROUTES_PER_API
from crossgate.config.schema import (
    NLB_ARN_RE,
    Authorization,
    Central,
    CreateNetwork,
    JwtAuthorization,
    LambdaAuthorization,
    Service,
)

T = TypeVar("T")

# modules/central carves its private subnets as cidrsubnet(vpc_cidr, 3, index) (private_network's
# subnet_newbits, set in modules/central/main.tf); keep the two in step.
CENTRAL_SUBNET_NEWBITS = 3


@dataclass(frozen=True)
class Part(Generic[T]):
    """A part of the env file that validated; ``bad`` names its fields that did not (now defaults)."""

    value: T
    bad: frozenset[str] = frozenset()

    def ok(self, *fields: str) -> bool:
        return not self.bad.intersection(fields)


@dataclass(frozen=True)
class View:
    """What of an env file parsed, for the cross-field checks."""

    env_name: str
    target: str | None
    """None when ``target`` itself is invalid."""
    state_given: bool
    central: Part[Central] | None
    services: dict[str, Part[Service]]
    """The services that validated."""
    service_names: tuple[str, ...] = ()
    """Every service the file names, valid or not."""
    vpcs_per_region: int = DEFAULT_VPCS_PER_REGION
    target_given: bool = True
    """Whether the file says ``target:`` (else it is the default, aws)."""


@dataclass(frozen=True)
class Finding:
    """One cross-field problem: the path it is about (dotted in the message, marked in the file)."""

    path: tuple[str, ...]
    message: str
    at: tuple[str, ...] | None = field(default=None)
    """Where to point in the file when that differs from ``path`` (a missing key: its neighbour)."""


def check(view: View) -> list[Finding]:
    """Every cross-field problem of ``view``."""
    return [finding for rule in RULES for finding in rule(view)]


def _services(view: View, *fields: str) -> Iterator[tuple[str, Service]]:
    for name, part in view.services.items():
        if part.ok(*fields):
            yield name, part.value


def _central(view: View, *fields: str) -> Central | None:
    return view.central.value if view.central is not None and view.central.ok(*fields) else None


def remote_state(view: View) -> list[Finding]:
    """A real target keeps its state somewhere the next run (a colleague, CI) finds it, unless told otherwise."""
    if view.target != "aws" or view.state_given:
        return []
    unstated = "" if view.target_given else " (aws is the default target)"
    return [Finding(("state",), at=("target",) if view.target_given else (), message=(
        f"a target: aws env{unstated} needs to say where its Terraform state lives, and local state on one machine is "
        "lost with it and unlocked for others; fix: add state: {s3: {bucket: <bucket>, region: <region>}} "
        "(S3 native locking), or state: local to keep it on this machine on purpose"))]


def unique_routes(view: View) -> list[Finding]:
    findings: list[Finding] = []
    owner: dict[str, str] = {}
    for name, service in _services(view, "routes"):
        for index, route in enumerate(service.routes):
            if route in owner and owner[route] != name:
                findings.append(Finding(("services", name, "routes"), (
                    f"route key {route!r} is already used by service {owner[route]!r}; "
                    "fix: each route key must belong to exactly one service"),
                    at=("services", name, "routes", str(index))))
            owner.setdefault(route, name)
    if len(owner) > MAX_ROUTES_PER_API:
        findings.append(Finding(("services",), (
            f"{len(owner)} routes exceed the HTTP API quota of {MAX_ROUTES_PER_API}; "
            "fix: split the services over two environments")))
    if len(view.service_names) > MAX_INTEGRATIONS_PER_API:
        findings.append(Finding(("services",), (
            f"{len(view.service_names)} services need as many integrations, over the hard quota of "
            f"{MAX_INTEGRATIONS_PER_API}; fix: split the services over two environments")))
    return findings


def overrides_name_routes(view: View) -> list[Finding]:
    return [
        Finding(("services", name, "route_overrides"), at=("services", name, "route_overrides", route), message=(
            f"{route!r} is not one of this service's routes; fix: use a route key listed under routes"))
        for name, service in _services(view, "routes", "route_overrides")
        for route in service.route_overrides if route not in service.routes
    ]


def cross_region_opt_in(view: View) -> list[Finding]:
    central = _central(view, "region")
    if central is None:
        return []
    return [
        Finding(("services", name, "region"), (
            f"{service.region} differs from central.region {central.region}; "
            "fix: set cross_region: true to opt in to cross-region PrivateLink"))
        for name, service in _services(view, "region", "cross_region")
        if service.region != central.region and not service.cross_region
    ]


def authorizers_declared(view: View) -> list[Finding]:
    central = _central(view, "authorizers")
    if central is None:
        return []
    findings: list[Finding] = []
    for name, service in _services(view, "authorization", "route_overrides"):
        base = ("services", name)
        uses: list[tuple[tuple[str, ...], tuple[str, ...], str, Authorization | None]] = [
            ((*base, "authorization"), (*base, "authorization"), "", service.authorization),
            *(((*base, "route_overrides"), (*base, "route_overrides", r, "authorization"), f"route {r!r}: ",
               o.authorization) for r, o in service.route_overrides.items())]
        for path, at, which, authz in uses:
            wanted = _authorizer_wanted(authz)
            if wanted is None:
                continue
            found = central.authorizers.get(wanted[0])
            if found is None or found.type != wanted[1]:
                declared = sorted(n for n, a in central.authorizers.items() if a.type == wanted[1])
                findings.append(Finding(path, at=at, message=(
                    f"{which}no {wanted[1]} authorizer named {wanted[0]!r} in central.authorizers "
                    f"(declared: {', '.join(declared) or 'none'}); fix: declare it there or name an existing one")))
    return findings


def _authorizer_wanted(authz: Authorization | None) -> tuple[str, str] | None:
    if isinstance(authz, JwtAuthorization):
        return authz.jwt, "jwt"
    if isinstance(authz, LambdaAuthorization):
        return authz.lambda_, "lambda"
    return None


def emulator_commands(view: View) -> list[Finding]:
    if view.target != "aws":
        return []
    return [
        Finding(("services", name, "workload", "fargate", "emulator_command"), (
            "only emulator envs run local commands (this env targets aws, where the image runs on Fargate); "
            "fix: remove it"))
        for name, service in _services(view, "workload")
        if service.workload.fargate is not None and service.workload.fargate.emulator_command is not None
    ]


def own_nlb(view: View) -> list[Finding]:
    """A bring-your-own NLB must live where the provider stack runs: the endpoint service is created there."""
    findings: list[Finding] = []
    for name, service in _services(view, "workload", "account_id", "region"):
        match = NLB_ARN_RE.fullmatch(service.workload.nlb_arn or "")
        if match is None:
            continue
        region, account = match.groups()
        if (account, region) != (service.account_id, service.region):
            findings.append(Finding(("services", name, "workload", "nlb_arn"), (
                f"the NLB is in account {account}, region {region}, but the service deploys to account "
                f"{service.account_id}, region {service.region}, where its endpoint service must front the NLB; "
                "fix: use an NLB of that account and region, or move the service's account_id/region to the NLB's")))
    return findings


def endpoint_ips(view: View) -> list[Finding]:
    """Pinned endpoint IPs: one per central subnet, inside it, not reserved by AWS, used once."""
    central = _central(view, "network")
    findings: list[Finding] = []
    taken: dict[str, str] = {}
    for name, service in _services(view, "endpoint_ips"):
        path = ("services", name, "endpoint_ips")
        if central is not None and service.endpoint_ips:
            subnets = _central_subnets(central)
            count = len(subnets) if subnets is not None else len(getattr(central.network, "subnet_ids", ()))
            if len(service.endpoint_ips) != count:
                findings.append(Finding(path, (
                    f"{len(service.endpoint_ips)} IPs for {count} central subnets; "
                    "fix: give one IP per central subnet, in subnet order, or none")))
            elif subnets is not None:
                findings.extend(_ips_in_subnets(path, service.endpoint_ips, subnets))
            # An existing VPC's subnet ranges are not in the env file: AWS checks those at apply.
        for index, ip in enumerate(service.endpoint_ips):
            if ip in taken:
                findings.append(Finding(path, at=(*path, str(index)), message=(
                    f"{ip} is already pinned for {taken[ip]}; fix: every endpoint ENI needs its own IP")))
            taken.setdefault(ip, f"service {name!r}")
    return findings


def _central_subnets(central: Central) -> list[ipaddress.IPv4Network] | None:
    if not isinstance(central.network, CreateNetwork):
        return None
    vpc = ipaddress.IPv4Network(central.network.cidr)
    return list(vpc.subnets(prefixlen_diff=CENTRAL_SUBNET_NEWBITS))[:central.network.subnet_count]


def _ips_in_subnets(path: tuple[str, ...], ips: list[str], subnets: list[ipaddress.IPv4Network]) -> list[Finding]:
    # AWS reserves the first four addresses and the last one of every subnet
    # (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html).
    findings: list[Finding] = []
    for index, (text, subnet) in enumerate(zip(ips, subnets, strict=True)):
        ip = ipaddress.IPv4Address(text)
        first, last = subnet.network_address + 4, subnet.broadcast_address - 1
        if ip not in subnet:
            findings.append(Finding(path, at=(*path, str(index)), message=(
                f"{ip} is outside central subnet {index} ({subnet}); "
                f"fix: the IP for subnet {index} must lie in {subnet}, between {first} and {last}")))
        elif not first <= ip <= last:
            findings.append(Finding(path, at=(*path, str(index)), message=(
                f"{ip} is reserved by AWS in subnet {subnet} (its first four and last addresses); "
                f"fix: pick one between {first} and {last}")))
    return findings


def vpcs_per_region(view: View) -> list[Finding]:
    """The VPCs crossgate creates in each account and region, against the VPCs-per-Region quota."""
    created: dict[tuple[str, str], list[str]] = {}
    central = _central(view, "network", "account_id", "region")
    if central is not None and isinstance(central.network, CreateNetwork):
        created.setdefault((central.account_id, central.region), []).append("central")
    for name, service in _services(view, "network", "workload", "account_id", "region"):
        # modules/provider creates a VPC only for its Fargate workload, and only without vpc_id.
        if service.workload.fargate is not None and isinstance(service.network, CreateNetwork):
            created.setdefault((service.account_id, service.region), []).append(f"services.{name}")
    return [
        Finding(("quotas", "vpcs_per_region") if view.vpcs_per_region != DEFAULT_VPCS_PER_REGION else ("services",), (
            f"crossgate would create {len(owners)} VPCs in account {account}, region {region} "
            f"({', '.join(owners)}), over the quota of {view.vpcs_per_region} VPCs per Region "
            f"(AWS's default is {DEFAULT_VPCS_PER_REGION}, and VPCs already there, such as the default VPC, "
            "count too); fix: give some of them an existing VPC (network: {vpc_id, subnet_ids}), or raise the "
            "quota with AWS and set quotas: {vpcs_per_region: <your quota>}"))
        for (account, region), owners in sorted(created.items()) if len(owners) > view.vpcs_per_region
    ]


def name_budgets(view: View) -> list[Finding]:
    """Names derived from the env name: the error says the limit and the characters left."""
    findings: list[Finding] = []
    env = view.env_name
    budget = names.MAX_PROVIDER_NAME - len(env) - 1
    for name in view.service_names:
        derived = names.provider_resource_name(env, name)
        if len(derived) > names.MAX_PROVIDER_NAME:
            findings.append(Finding(("services", name), (
                f"the provider resources are named '{derived}' ({len(derived)} characters); env name and service "
                f"name share {names.MAX_PROVIDER_NAME} characters (<env>-<service>, NLB and target group names), "
                f"and env {env!r} leaves {max(budget, 0)} for a service name; "
                f"fix: shorten the service name to at most {max(budget, 0)} characters, or the env name")))
    central = _central(view, "api")
    if central is not None:
        derived = names.central_resource_name(env, central.api.name)
        left = names.MAX_CENTRAL_NAME - len(env) - 1
        if len(derived) > names.MAX_CENTRAL_NAME:
            findings.append(Finding(("central", "api", "name"), (
                f"the central resources are named '{derived}' ({len(derived)} characters); env name and api.name "
                f"share {names.MAX_CENTRAL_NAME} characters (<env>-<api name>), and env {env!r} leaves "
                f"{max(left, 0)} for api.name; fix: shorten api.name to at most {max(left, 0)} characters, "
                "or the env name")))
    return findings


def nat_needs_created_vpc(view: View) -> list[Finding]:
    """modules/provider's precondition: image_pull nat adds a NAT gateway and public subnet to the VPC it creates."""
    return [
        Finding(("services", name, "workload", "fargate", "image_pull"), (
            "nat creates a NAT gateway and a public subnet, which crossgate only does in a VPC it creates, and this "
            "service uses an existing one (network: {vpc_id, subnet_ids}); fix: image_pull: vpc_endpoints or none "
            "(your VPC's own path to ECR), or give the service network: {cidr: ...}"))
        for name, service in _services(view, "workload", "network")
        if service.workload.fargate is not None and service.workload.fargate.image_pull == "nat"
        and not isinstance(service.network, CreateNetwork)
    ]


RULES: tuple[Callable[[View], list[Finding]], ...] = (
    remote_state, unique_routes, overrides_name_routes, cross_region_opt_in, authorizers_declared,
    emulator_commands, own_nlb, endpoint_ips, vpcs_per_region, name_budgets, nat_needs_created_vpc,
)
