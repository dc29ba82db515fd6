"""The environment file schema: one YAML file in envs/ describes one gateway.

Everything a user can get wrong is checked here, before anything is synthesized, planned or applied.
All problems are reported at once, each naming the file, the field path and the fix.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from crossgate.config.quotas import (
    MAX_AUTHORIZERS_PER_API,
    MAX_INTEGRATIONS_PER_API,
    MAX_ROUTES_PER_API,
)
from crossgate.config.regions import known_regions

HTTP_METHODS = ("ANY", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
_SEGMENT = r"(?:[A-Za-z0-9._~-]+|\{[A-Za-z0-9_]+\})"
ROUTE_KEY_RE = re.compile(
    rf"^(?:{'|'.join(HTTP_METHODS)}) /(?:(?:{_SEGMENT}/)*(?:{_SEGMENT}|\{{[A-Za-z0-9_]+\+\}}))?$"
)
DNS_NAME_RE = re.compile(r"^[a-z](?:[a-z0-9-]{0,30}[a-z0-9])?$")
ACCOUNT_ID_RE = re.compile(r"^\d{12}$")
ROLE_ARN_RE = re.compile(r"^arn:aws(?:-[a-z]+)*:iam::(\d{12}):role/[\w+=,.@/-]{1,512}$")
PRINCIPAL_ARN_RE = re.compile(r"^arn:aws(?:-[a-z]+)*:iam::(\d{12}):(?:root|role/[\w+=,.@/-]+|user/[\w+=,.@/-]+)$")
NLB_ARN_RE = re.compile(r"^arn:aws(?:-[a-z]+)*:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer/net/[\w-]+/\w+$")
LAMBDA_ARN_RE = re.compile(r"^arn:aws(?:-[a-z]+)*:lambda:[a-z0-9-]+:\d{12}:function:[\w-]+(?::[\w$-]+)?$")

AccountId = Annotated[str, Field(description="12-digit AWS account id, quoted in YAML")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Credentials(_Strict):
    """Where a stack's aws provider gets credentials: assume a role, a named profile, or ambient (neither)."""

    account_id: str
    region: str
    role_arn: str | None = None
    profile: str | None = None

    @field_validator("account_id", mode="before")
    @classmethod
    def _account_id(cls, value: Any) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            raise ValueError(
                f"must be a quoted 12-digit string (got the number {value}); "
                "fix: quote it in YAML, e.g. account_id: \"012345678901\""
            )
        if not isinstance(value, str) or not ACCOUNT_ID_RE.match(value):
            raise ValueError(f"must be exactly 12 digits (got {value!r}); fix: use the AWS account id, quoted")
        return value

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        if value not in known_regions():
            raise ValueError(f"unknown AWS region {value!r}; fix: use a region name such as us-west-1")
        return value

    @field_validator("role_arn")
    @classmethod
    def _role_arn(cls, value: str | None) -> str | None:
        if value is not None and not ROLE_ARN_RE.match(value):
            raise ValueError(
                f"not an IAM role ARN ({value!r}); fix: arn:aws:iam::<account_id>:role/<name>"
            )
        return value

    @model_validator(mode="after")
    def _credentials(self) -> Credentials:
        if self.role_arn and self.profile:
            raise ValueError("set role_arn or profile, not both; fix: keep the one this stack should use")
        if self.role_arn:
            match = ROLE_ARN_RE.match(self.role_arn)
            if match and match.group(1) != self.account_id:
                raise ValueError(
                    f"role_arn is in account {match.group(1)} but account_id is {self.account_id}; "
                    "fix: assume a role in the stack's own account"
                )
        return self


class CreateNetwork(_Strict):
    """A new VPC with private subnets over az_count availability zones."""

    cidr: str
    az_count: int = Field(default=2, ge=1, le=6)

    @field_validator("cidr")
    @classmethod
    def _cidr(cls, value: str) -> str:
        try:
            network = ipaddress.IPv4Network(value, strict=True)
        except ValueError as exc:
            raise ValueError(f"not a valid IPv4 CIDR ({value!r}: {exc}); fix: e.g. 10.10.0.0/16") from None
        if not 16 <= network.prefixlen <= 24:
            raise ValueError(f"prefix /{network.prefixlen} is outside /16../24; fix: e.g. 10.10.0.0/16")
        return value


class ExistingNetwork(_Strict):
    """An existing VPC and its private subnets (one endpoint ENI per subnet)."""

    vpc_id: str = Field(pattern=r"^vpc-[0-9a-f]{8,17}$")
    subnet_ids: list[Annotated[str, Field(pattern=r"^subnet-[0-9a-f]{8,17}$")]] = Field(min_length=1)

    @field_validator("subnet_ids")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("subnet_ids repeats a subnet; fix: list each subnet once")
        return value


def _network_kind(value: Any) -> str:
    """Pick the union member by its keys, so errors speak of one shape, not both."""
    if isinstance(value, dict):
        return "existing" if "vpc_id" in value or "subnet_ids" in value else "create"
    return "existing" if isinstance(value, ExistingNetwork) else "create"


Network = Annotated[
    Annotated[CreateNetwork, Tag("create")] | Annotated[ExistingNetwork, Tag("existing")],
    Discriminator(_network_kind),
]


class Throttling(_Strict):
    rate: float = Field(default=100, gt=0, le=10000)
    burst: int = Field(default=200, gt=0, le=5000)


class Api(_Strict):
    name: str = Field(default="central-api", pattern=r"^[a-z](?:[a-z0-9-]*[a-z0-9])?$")
    throttling: Throttling = Throttling()
    access_logs: bool = True
    log_retention_days: Literal[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653] = 30
    log_kms_key_arn: str | None = None
    disable_execute_api_endpoint: bool = False


class JwtAuthorizer(_Strict):
    type: Literal["jwt"]
    issuer: str = Field(pattern=r"^https://\S+$")
    audiences: list[str] = Field(min_length=1)
    identity_sources: list[str] = ["$request.header.Authorization"]


class LambdaAuthorizer(_Strict):
    type: Literal["lambda"]
    function_arn: str
    identity_sources: list[str] = ["$request.header.Authorization"]
    result_ttl_seconds: int = Field(default=300, ge=0, le=3600)

    @field_validator("function_arn")
    @classmethod
    def _arn(cls, value: str) -> str:
        if not LAMBDA_ARN_RE.match(value):
            raise ValueError(
                f"not a Lambda function ARN ({value!r}); "
                "fix: arn:aws:lambda:<region>:<account>:function:<name>"
            )
        return value


Authorizer = Annotated[JwtAuthorizer | LambdaAuthorizer, Field(discriminator="type")]


class JwtAuthorization(_Strict):
    jwt: str = Field(description="name of an authorizer in central.authorizers")
    scopes: list[str] = []


class LambdaAuthorization(_Strict):
    # `lambda` is a keyword; the YAML key stays `lambda`.
    lambda_: str = Field(alias="lambda")


def _authorization_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "lambda" if "lambda" in value else "jwt"
    if isinstance(value, LambdaAuthorization):
        return "lambda"
    if isinstance(value, JwtAuthorization):
        return "jwt"
    return "simple"


Authorization = Annotated[
    Annotated[Literal["none", "iam"], Tag("simple")]
    | Annotated[JwtAuthorization, Tag("jwt")]
    | Annotated[LambdaAuthorization, Tag("lambda")],
    Discriminator(_authorization_kind),
]


class Central(Credentials):
    network: Network = CreateNetwork(cidr="10.10.0.0/16")
    api: Api = Api()
    authorizers: dict[str, Authorizer] = Field(default_factory=dict, max_length=MAX_AUTHORIZERS_PER_API)


SHARED_PATH_RE = re.compile(r"^/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$")


class SharedStorage(_Strict):
    """One encrypted Amazon EFS file system mounted at ``path`` in every task of the service.

    Each Fargate task has its own ephemeral storage, so with more than one task a write served by
    one task is invisible to the next request served by another; a shared file system fixes that.
    Same rule as the provider module's ``fargate.shared_storage.path`` validation.
    """

    path: str = Field(description="absolute container path to mount, such as /data")

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        if len(value) > 255 or not SHARED_PATH_RE.match(value) or ".." in value.split("/"):
            raise ValueError(
                f"not an absolute container path ({value!r}); "
                "fix: a path such as /data (starts with /, no trailing slash, no '..', not '/', at most 255 characters)"
            )
        return value


class FargateWorkload(_Strict):
    image: str = Field(min_length=1)
    cpu: Literal[256, 512, 1024, 2048, 4096] = 256
    memory: int = Field(default=512, ge=512, le=30720)
    desired_count: int = Field(default=2, ge=0, le=100)
    environment: dict[str, str] = {}
    health_check_path: str = Field(default="/health", pattern=r"^/\S*$")
    shared_storage: SharedStorage | None = Field(
        default=None,
        description="shared state for all tasks: an EFS file system mounted at this path in every task")
    emulator_command: tuple[str, ...] | None = Field(
        default=None, min_length=1,
        description="emulator envs only: the local command the emulator runs for this image "
                    "({python}, {host}, {port} are filled in), since the emulator runs no containers")


class Workload(_Strict):
    fargate: FargateWorkload | None = None
    nlb_arn: str | None = None

    @field_validator("nlb_arn")
    @classmethod
    def _nlb(cls, value: str | None) -> str | None:
        if value is not None and not NLB_ARN_RE.match(value):
            raise ValueError(
                f"not a Network Load Balancer ARN ({value!r}); "
                "fix: arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/net/<name>/<id>"
            )
        return value

    @model_validator(mode="after")
    def _exactly_one(self) -> Workload:
        if (self.fargate is None) == (self.nlb_arn is None):
            raise ValueError("set exactly one of fargate or nlb_arn; fix: a demo Fargate service or your own NLB")
        return self


class RouteOverride(_Strict):
    authorization: Authorization | None = None
    throttling: Throttling | None = None


class Service(Credentials):
    port: int = Field(ge=1, le=65535)
    routes: list[str] = Field(min_length=1)
    authorization: Authorization
    route_overrides: dict[str, RouteOverride] = {}
    workload: Workload
    network: Network = CreateNetwork(cidr="10.20.0.0/16")
    cross_region: bool = False
    allowed_principals: list[str] | None = None
    acceptance_required: bool = False
    endpoint_ips: list[str] = []

    @field_validator("routes")
    @classmethod
    def _routes(cls, value: list[str]) -> list[str]:
        bad = [route for route in value if not ROUTE_KEY_RE.match(route)]
        if bad:
            raise ValueError(
                f"malformed route key(s) {bad}; fix: 'METHOD /path' with METHOD in {'/'.join(HTTP_METHODS)}, "
                "segments or {param}, optionally ending in {proxy+}"
            )
        return value

    @field_validator("allowed_principals")
    @classmethod
    def _principals(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return value
        if not value:
            raise ValueError("is empty; fix: leave it out (the central account) or list IAM principal ARNs")
        bad = [p for p in value if not PRINCIPAL_ARN_RE.match(p)]
        if bad:
            raise ValueError(
                f"not IAM principal ARNs: {bad} (no wildcards); fix: arn:aws:iam::<account>:root or :role/<name>"
            )
        return value

    @field_validator("endpoint_ips")
    @classmethod
    def _ips(cls, value: list[str]) -> list[str]:
        for ip in value:
            try:
                ipaddress.IPv4Address(ip)
            except ValueError:
                raise ValueError(f"{ip!r} is not an IPv4 address; fix: one private IPv4 per subnet") from None
        return value


class StateS3(_Strict):
    bucket: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
    region: str
    key_prefix: str = "crossgate"
    role_arn: str | None = None
    profile: str | None = None

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        return Credentials._region(value)


class State(_Strict):
    s3: StateS3 | None = None


class EnvConfig(_Strict):
    """One gateway: the central account, the services behind it, and where state lives."""

    name: str | None = Field(
        default=None, description="the env's identity: prefixes its stacks, state keys and resource names; "
        "default: the file's name without .yaml (set it to keep an env's identity when renaming the file)")
    target: Literal["aws", "emulator"] = "aws"
    state: State = State()
    central: Central
    services: dict[str, Service] = Field(min_length=1)

    @field_validator("services", mode="before")
    @classmethod
    def _service_names(cls, value: Any) -> Any:
        # Before inner validation, so a bad name is reported even when its body has problems too.
        if not isinstance(value, dict):
            return value
        bad = [name for name in value if not isinstance(name, str) or not DNS_NAME_RE.match(name)]
        if bad:
            raise ValueError(
                f"service name(s) {bad} are not DNS-safe; fix: lowercase letters, digits and '-', "
                "starting with a letter, at most 32 characters"
            )
        return value

    @model_validator(mode="after")
    def _cross_checks(self) -> EnvConfig:
        problems: list[str] = []
        seen: dict[str, str] = {}
        for name, service in self.services.items():
            for route in service.routes:
                if route in seen:
                    problems.append(
                        f"services.{name}.routes: route key {route!r} is already used by service "
                        f"{seen[route]!r}; fix: each route key must belong to exactly one service"
                    )
                seen.setdefault(route, name)
            for route in service.route_overrides:
                if route not in service.routes:
                    problems.append(
                        f"services.{name}.route_overrides: {route!r} is not one of this service's routes; "
                        "fix: use a route key listed under routes"
                    )
            if service.region != self.central.region and not service.cross_region:
                problems.append(
                    f"services.{name}.region: {service.region} differs from central.region "
                    f"{self.central.region}; fix: set cross_region: true to opt in to cross-region PrivateLink"
                )
            for authz in [service.authorization, *(o.authorization for o in service.route_overrides.values())]:
                problems.extend(self._authorizer_problem(name, authz))
            fargate = service.workload.fargate
            if fargate is not None and fargate.emulator_command is not None and self.target != "emulator":
                problems.append(
                    f"services.{name}.workload.fargate.emulator_command: only emulator envs run local commands "
                    "(this env targets aws, where the image runs on Fargate); fix: remove it"
                )
            subnet_count = _subnet_count(self.central.network)
            if service.endpoint_ips and len(service.endpoint_ips) != subnet_count:
                problems.append(
                    f"services.{name}.endpoint_ips: {len(service.endpoint_ips)} IPs for {subnet_count} central "
                    "subnets; fix: give one IP per central subnet, in subnet order, or none"
                )
        if len(seen) > MAX_ROUTES_PER_API:
            problems.append(
                f"services: {len(seen)} routes exceed the HTTP API quota of {MAX_ROUTES_PER_API}; "
                "fix: split the services over two environments"
            )
        if len(self.services) > MAX_INTEGRATIONS_PER_API:
            problems.append(
                f"services: {len(self.services)} services need as many integrations, over the hard quota of "
                f"{MAX_INTEGRATIONS_PER_API}; fix: split the services over two environments"
            )
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def _authorizer_problem(self, service: str, authz: Authorization | None) -> list[str]:
        wanted: tuple[str, str] | None = None
        if isinstance(authz, JwtAuthorization):
            wanted = (authz.jwt, "jwt")
        elif isinstance(authz, LambdaAuthorization):
            wanted = (authz.lambda_, "lambda")
        if wanted is None:
            return []
        found = self.central.authorizers.get(wanted[0])
        if found is None or found.type != wanted[1]:
            return [
                f"services.{service}.authorization: no {wanted[1]} authorizer named {wanted[0]!r} in "
                "central.authorizers; fix: declare it there or name an existing one"
            ]
        return []

    def principals_for(self, service: Service) -> list[str]:
        """The endpoint service's allowed principals: the central account unless the env says stricter."""
        return service.allowed_principals or [f"arn:aws:iam::{self.central.account_id}:root"]

    def provider_accounts(self) -> dict[tuple[str, str], list[str]]:
        """Services grouped by (account, region), for quota checks and summaries."""
        groups: dict[tuple[str, str], list[str]] = {}
        for name, service in self.services.items():
            groups.setdefault((service.account_id, service.region), []).append(name)
        return groups


def _subnet_count(network: Network) -> int:
    return network.az_count if isinstance(network, CreateNetwork) else len(network.subnet_ids)
