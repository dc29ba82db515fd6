"""The environment file schema: one YAML file in envs/ describes one gateway.

Everything a user can get wrong is checked here, before anything is synthesized, planned or applied.
All problems are reported at once, each naming the file, the field path and the fix.
"""

from __future__ import annotations

import ipaddress
import re
import warnings
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)

from crossgate.config import module_rules
from crossgate.config.quotas import DEFAULT_VPCS_PER_REGION, MAX_AUTHORIZERS_PER_API
from crossgate.config.regions import known_regions

HTTP_METHODS = ("ANY", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
_SEGMENT = r"(?:[A-Za-z0-9._~-]+|\{[A-Za-z0-9_]+\})"
# Every pattern below is ASCII (re.ASCII: Terraform's RE2 \\w and \\d are ASCII, Python's are Unicode) and
# used with fullmatch (Python's $ also matches before a trailing newline, RE2's does not), so that it
# refuses what the modules' validations refuse (tests/parity walks them).
ROUTE_KEY_RE = re.compile(
    rf"^(?:{'|'.join(HTTP_METHODS)}) /(?:(?:{_SEGMENT}/)*(?:{_SEGMENT}|\{{[A-Za-z0-9_]+\+\}}))?$", re.ASCII
)
DNS_NAME_RE = re.compile(r"^[a-z](?:[a-z0-9-]{0,30}[a-z0-9])?$", re.ASCII)
ACCOUNT_ID_RE = re.compile(r"^\d{12}$", re.ASCII)
ROLE_ARN_RE = re.compile(r"^arn:aws(?:-[a-z]+)*:iam::(\d{12}):role/[\w+=,.@/-]{1,512}$", re.ASCII)
# modules/provider's allowed_principals validation: partitions aws, aws-cn, aws-us-gov; no wildcards.
PRINCIPAL_ARN_RE = re.compile(
    r"^arn:aws(?:-cn|-us-gov)?:iam::(\d{12}):(?:root|role/[\w+=,.@/-]+|user/[\w+=,.@/-]+)$", re.ASCII)
# modules/provider's nlb_arn validation (same partitions; a load balancer id is lowercase hex).
NLB_ARN_RE = re.compile(
    r"^arn:aws(?:-cn|-us-gov)?:elasticloadbalancing:([a-z0-9-]+):(\d{12}):loadbalancer/net/[A-Za-z0-9-]+/[a-z0-9]+$",
    re.ASCII)
# modules/central's api.log_kms_key_arn, identity_sources and authorizer name validations, and
# modules/provider's fargate.environment key validation.
KMS_KEY_ARN_RE = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", re.ASCII)
IDENTITY_SOURCE_RE = re.compile(r"^\$(?:request\.(?:header|querystring)\.[A-Za-z0-9._-]+|context\.[A-Za-z0-9.]+"
                                r"|stageVariables\.[A-Za-z0-9_]+)$", re.ASCII)
AUTHORIZER_NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$", re.ASCII)
ENV_VAR_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$", re.ASCII)
MAX_HEALTH_CHECK_PATH = 1024
MAX_CENTRAL_SUBNETS = 16
# A container image reference as the Docker daemon parses it (distribution/reference grammar:
# [domain[:port]/]path[:tag][@digest], path components lowercase). ECS passes the string to the daemon
# and allows 255 characters before any @digest, whose only hash is sha256 with exactly 64 hex digits
# (ContainerDefinition.image, https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html).
_IMAGE_LABEL = r"(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])"
_IMAGE_DOMAIN = rf"{_IMAGE_LABEL}(?:\.{_IMAGE_LABEL})*(?::[0-9]+)?"
_IMAGE_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
IMAGE_RE = re.compile(
    rf"^(?:{_IMAGE_DOMAIN}/)?{_IMAGE_COMPONENT}(?:/{_IMAGE_COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{{0,127}})?"
    r"(?:@sha256:[0-9a-fA-F]{64})?$", re.ASCII
)
MAX_IMAGE_NAME = 255
# modules/central's custom_domain validations.
DOMAIN_NAME_RE = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", re.ASCII)
ACM_CERT_ARN_RE = re.compile(r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[A-Za-z0-9-]+$", re.ASCII)
TRUSTSTORE_URI_RE = re.compile(r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/\S*[^/\s]$", re.ASCII)
HOSTED_ZONE_ID_RE = re.compile(r"^Z[A-Z0-9]{1,31}$", re.ASCII)
# modules/provider's fargate.task_role_arn and fargate.secrets validations.
TASK_ROLE_ARN_RE = re.compile(r"^arn:aws(?:-cn|-us-gov)?:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$", re.ASCII)
SECRET_ARN_RE = re.compile(
    r"^arn:aws(?:-cn|-us-gov)?:(?:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+"
    r"|ssm:[a-z0-9-]+:[0-9]{12}:parameter/[A-Za-z0-9/_.-]+)$", re.ASCII)
# AWS tags: keys 1-128 and values 0-256 characters (modules/provider's tags validation); at most 40 per
# resource from the env file (modules/central's rule: AWS allows 50 and some resources add their own).
MAX_TAGS = 40
LAMBDA_ARN_RE = re.compile(r"^arn:aws(?:-[a-z]+)*:lambda:[a-z0-9-]+:\d{12}:function:[\w-]+(?::[\w$-]+)?$", re.ASCII)

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
        if not isinstance(value, str) or not ACCOUNT_ID_RE.fullmatch(value):
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
        if value is not None and not ROLE_ARN_RE.fullmatch(value):
            raise ValueError(
                f"not an IAM role ARN ({value!r}); fix: arn:aws:iam::<account_id>:role/<name>"
            )
        return value

    @model_validator(mode="after")
    def _credentials(self) -> Credentials:
        if self.role_arn and self.profile:
            raise ValueError("set role_arn or profile, not both; fix: keep the one this stack should use")
        if self.role_arn:
            match = ROLE_ARN_RE.fullmatch(self.role_arn)
            if match and match.group(1) != self.account_id:
                raise ValueError(
                    f"role_arn is in account {match.group(1)} but account_id is {self.account_id}; "
                    "fix: assume a role in the stack's own account"
                )
        return self


class CreateNetwork(_Strict):
    """A new VPC with private subnets over az_count availability zones, or in the AZ ids named.

    AZ names differ between accounts, AZ ids do not: an interface endpoint can only use the AZ ids its
    endpoint service's NLB covers, so naming ids on both sides lines them up.
    """

    cidr: str
    az_count: int = Field(default=2, ge=1, le=6)
    availability_zone_ids: list[Annotated[str, Field(pattern=r"^[a-z]{2,6}[0-9]+-az[0-9]+$")]] = Field(
        default_factory=list, max_length=6)

    @field_validator("availability_zone_ids")
    @classmethod
    def _distinct_zone_ids(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("availability_zone_ids repeats an AZ id; fix: list each AZ id (such as use1-az4) once")
        return value

    @property
    def subnet_count(self) -> int:
        """One subnet per named AZ id, else az_count."""
        return len(self.availability_zone_ids) or self.az_count

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
    """Requests/s and burst, named as modules/central names them; ``rate``/``burst`` are deprecated aliases."""

    rate_limit: float = Field(default=100, gt=0, le=10000, validation_alias=AliasChoices("rate_limit", "rate"))
    burst_limit: int = Field(default=200, gt=0, le=5000, validation_alias=AliasChoices("burst_limit", "burst"))

    @model_validator(mode="before")
    @classmethod
    def _old_names(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        for old, new in (("rate", "rate_limit"), ("burst", "burst_limit")):
            if old in value and new in value:
                raise ValueError(f"sets both {old} and {new}; fix: keep {new} ({old} is its deprecated name)")
        old_names = [old for old in ("rate", "burst") if old in value]
        if old_names:
            warnings.warn(
                f"throttling: {' and '.join(old_names)} is deprecated; fix: rename it to "
                f"{' and '.join(n + '_limit' for n in old_names)} (modules/central's names)",
                FutureWarning, stacklevel=2)
        return value


def _check_tags(value: dict[str, str]) -> dict[str, str]:
    if len(value) > MAX_TAGS:
        raise ValueError(f"{len(value)} tags, over {MAX_TAGS}; fix: keep at most {MAX_TAGS} "
                         "(AWS allows 50 per resource and some resources add their own)")
    bad = [k for k, v in value.items() if not 1 <= len(k) <= 128 or len(v) > 256]
    if bad:
        raise ValueError(f"tag(s) {bad} are too long; fix: keys of 1-128 characters, values of at most 256")
    return value


Tags = Annotated[dict[str, str], AfterValidator(_check_tags)]
TrafficType = Literal["ALL", "ACCEPT", "REJECT"]


def _flow_log_retention(value: int, *, never: bool) -> int:
    # CloudWatch Logs' PutRetentionPolicy values (modules/central's list); modules/provider also takes 0 = never.
    allowed = ([0] if never else []) + list(module_rules.log_retention_days())
    if value not in allowed:
        raise ValueError(
            f"{value} is not a CloudWatch Logs retention; fix: one of {', '.join(map(str, allowed))} (days)")
    return value


class CentralFlowLogs(_Strict):
    """modules/central's flow_logs: VPC flow logs of the created central VPC (ignored with an existing one)."""

    enabled: bool = True
    traffic_type: TrafficType = "ALL"
    retention_days: int = 30
    kms_key_arn: str | None = None

    @field_validator("retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        return _flow_log_retention(value, never=False)

    @field_validator("kms_key_arn")
    @classmethod
    def _kms_key(cls, value: str | None) -> str | None:
        return Api._kms_key(value)


class ServiceFlowLogs(_Strict):
    """modules/provider's flow_logs: VPC flow logs of a Fargate service's created VPC (0 = never expire)."""

    enabled: bool = True
    traffic_type: TrafficType = "ALL"
    retention_days: int = 30

    @field_validator("retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        return _flow_log_retention(value, never=True)


class Cors(_Strict):
    """modules/central's api.cors: the HTTP API's CORS configuration (API Gateway answers preflights itself)."""

    allow_origins: list[str] = Field(min_length=1)
    allow_methods: list[str] = ["*"]
    allow_headers: list[str] = []
    expose_headers: list[str] = []
    allow_credentials: bool = False
    max_age: int = Field(default=0, ge=0, le=86400)


class CustomDomain(_Strict):
    """modules/central's custom_domain: a regional domain name for the API, mapped to its $default stage."""

    domain_name: str = Field(description="lowercase DNS name such as api.example.com")
    certificate_arn: str = Field(description="ACM certificate for domain_name in the central region")
    route53_zone_id: str | None = Field(default=None, description="hosted zone that gets an alias A record")
    mtls_truststore_uri: str | None = Field(default=None, description="s3://bucket/key of a truststore: mutual TLS")

    @field_validator("domain_name")
    @classmethod
    def _domain(cls, value: str) -> str:
        if not DOMAIN_NAME_RE.fullmatch(value):
            raise ValueError(f"not a lowercase DNS name ({value!r}); fix: e.g. api.example.com")
        return value

    @field_validator("certificate_arn")
    @classmethod
    def _certificate(cls, value: str) -> str:
        if not ACM_CERT_ARN_RE.fullmatch(value):
            raise ValueError(
                f"not an ACM certificate ARN ({value!r}); fix: arn:aws:acm:<region>:<account>:certificate/<id>")
        return value

    @field_validator("route53_zone_id")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None and not HOSTED_ZONE_ID_RE.fullmatch(value):
            raise ValueError(f"not a Route 53 hosted zone id ({value!r}); fix: e.g. Z0123456789ABCDEFGHIJ")
        return value

    @field_validator("mtls_truststore_uri")
    @classmethod
    def _truststore(cls, value: str | None) -> str | None:
        if value is not None and not TRUSTSTORE_URI_RE.fullmatch(value):
            raise ValueError(
                f"not the S3 URI of a truststore object ({value!r}); fix: s3://<bucket>/<key>, "
                "e.g. s3://acme-truststores/api/truststore.pem")
        return value


class Api(_Strict):
    name: str = Field(default="central-api", pattern=r"^[a-z](?:[a-z0-9-]*[a-z0-9])?$")
    throttling: Throttling = Throttling()
    access_logs: bool = True
    log_retention_days: int = Field(
        default=30, description="CloudWatch Logs retention of the access logs, one of modules/central's list")
    log_kms_key_arn: str | None = None
    disable_execute_api_endpoint: bool = False
    cors: Cors | None = None

    @field_validator("log_kms_key_arn")
    @classmethod
    def _kms_key(cls, value: str | None) -> str | None:
        if value is not None and not KMS_KEY_ARN_RE.fullmatch(value):
            raise ValueError(
                f"not a KMS key ARN ({value!r}; an alias does not do); fix: arn:aws:kms:<region>:<account>:key/<id>")
        return value

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        # The list is modules/central's api.log_retention_days validation, CloudWatch Logs' PutRetentionPolicy
        # values (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html).
        allowed = module_rules.log_retention_days()
        if value not in allowed:
            raise ValueError(
                f"{value} is not a CloudWatch Logs retention; fix: one of {', '.join(map(str, allowed))} (days)")
        return value


def _identity_source(value: str) -> str:
    if not IDENTITY_SOURCE_RE.fullmatch(value):
        raise ValueError(
            f"{value!r} is not an identity source; fix: $request.header.<Name>, $request.querystring.<name>, "
            "$context.<variable> or $stageVariables.<name>")
    return value


IdentitySource = Annotated[str, AfterValidator(_identity_source)]


class JwtAuthorizer(_Strict):
    type: Literal["jwt"]
    issuer: str = Field(pattern=r"^https://\S+$")
    audiences: list[str] = Field(min_length=1)
    identity_sources: list[IdentitySource] = ["$request.header.Authorization"]


class LambdaAuthorizer(_Strict):
    type: Literal["lambda"]
    function_arn: str
    identity_sources: list[IdentitySource] = ["$request.header.Authorization"]
    result_ttl_seconds: int = Field(default=300, ge=0, le=3600)

    @field_validator("function_arn")
    @classmethod
    def _arn(cls, value: str) -> str:
        if not LAMBDA_ARN_RE.fullmatch(value):
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
    custom_domain: CustomDomain | None = None
    flow_logs: CentralFlowLogs = CentralFlowLogs()
    tags: Tags = Field(default_factory=dict, description="tags on every central resource (modules/central's tags)")
    authorizers: dict[str, Authorizer] = Field(default_factory=dict, max_length=MAX_AUTHORIZERS_PER_API)

    @field_validator("authorizers", mode="before")
    @classmethod
    def _authorizer_names(cls, value: Any) -> Any:
        bad = [k for k in value if not isinstance(k, str) or not AUTHORIZER_NAME_RE.fullmatch(k)] \
            if isinstance(value, dict) else []
        if bad:
            raise ValueError(
                f"authorizer name(s) {bad} are not allowed; fix: 1-64 letters, digits, '-' or '_' (API Gateway's rule)")
        return value

    @field_validator("network")
    @classmethod
    def _central_subnets(cls, value: CreateNetwork | ExistingNetwork) -> CreateNetwork | ExistingNetwork:
        # modules/central's subnet_ids validation: one endpoint ENI per subnet, at most 16.
        if isinstance(value, ExistingNetwork) and len(value.subnet_ids) > MAX_CENTRAL_SUBNETS:
            raise ValueError(
                f"{len(value.subnet_ids)} subnet_ids, over the {MAX_CENTRAL_SUBNETS} the central module takes; "
                "fix: list at most one private subnet per AZ")
        return value


SHARED_PATH_RE = re.compile(r"^/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$", re.ASCII)


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
        if len(value) > 255 or not SHARED_PATH_RE.fullmatch(value) or ".." in value.split("/"):
            raise ValueError(
                f"not an absolute container path ({value!r}); "
                "fix: a path such as /data (starts with /, no trailing slash, no '..', not '/', at most 255 characters)"
            )
        return value


class FargateWorkload(_Strict):
    image: str = Field(min_length=1)
    cpu: int = Field(default=256, description="CPU units: a key of modules/provider's Fargate cpu/memory table")
    memory: int = Field(default=512, description="MiB: one Fargate allows with this cpu (modules/provider's table)")
    desired_count: int = Field(default=2, ge=0, le=100)
    environment: dict[str, str] = {}
    health_check_path: str = Field(default="/health", pattern=r"^/\S*$", max_length=MAX_HEALTH_CHECK_PATH)
    shared_storage: SharedStorage | None = Field(
        default=None,
        description="shared state for all tasks: an EFS file system mounted at this path in every task")
    container_port: int | None = Field(
        default=None, ge=1, le=65535, description="the port the container listens on; default: the service's port "
        "(the NLB listener's)")
    task_role_arn: str | None = Field(default=None, description="an IAM role of yours the tasks run as")
    secrets: dict[str, str] = Field(
        default_factory=dict, description="environment variable -> full ARN of a Secrets Manager secret or an SSM "
        "parameter, injected at task start")
    cpu_architecture: Literal["X86_64", "ARM64"] = "X86_64"
    image_pull: Literal["vpc_endpoints", "nat", "none"] = Field(
        default="vpc_endpoints", description="how tasks reach ECR and CloudWatch Logs (modules/provider's image_pull)")
    container_insights: Literal["enabled", "enhanced", "disabled"] = "enabled"
    emulator_command: tuple[str, ...] | None = Field(
        default=None, min_length=1,
        description="emulator envs only: the local command the emulator runs for this image "
                    "({python}, {host}, {port} are filled in), since the emulator runs no containers")

    @field_validator("environment")
    @classmethod
    def _environment(cls, value: dict[str, str]) -> dict[str, str]:
        bad = [k for k in value if not ENV_VAR_NAME_RE.fullmatch(k)]
        if bad:
            raise ValueError(
                f"{bad} are not environment variable names; fix: letters, digits and '_', not starting with a digit")
        return value

    @field_validator("task_role_arn")
    @classmethod
    def _task_role(cls, value: str | None) -> str | None:
        if value is not None and not TASK_ROLE_ARN_RE.fullmatch(value):
            raise ValueError(f"not an IAM role ARN ({value!r}); fix: arn:aws:iam::<account>:role/<name>")
        return value

    @field_validator("secrets")
    @classmethod
    def _secrets(cls, value: dict[str, str]) -> dict[str, str]:
        bad_names = [k for k in value if not ENV_VAR_NAME_RE.fullmatch(k)]
        if bad_names:
            raise ValueError(f"{bad_names} are not environment variable names; fix: letters, digits and '_', "
                             "not starting with a digit")
        bad = [k for k, arn in value.items() if not SECRET_ARN_RE.fullmatch(arn)]
        if bad:
            raise ValueError(
                f"{bad} do not name a secret by its full ARN; fix: arn:aws:secretsmanager:<region>:<account>:"
                "secret:<name> or arn:aws:ssm:<region>:<account>:parameter/<name>")
        return value

    @model_validator(mode="after")
    def _task_options(self) -> FargateWorkload:
        both = sorted(set(self.secrets) & set(self.environment))
        if both:
            raise ValueError(f"{both} are in both environment and secrets; fix: keep each variable in one of them")
        if self.task_role_arn is not None and self.shared_storage is not None:
            raise ValueError("task_role_arn and shared_storage exclude each other (the shared file system is mounted "
                             "with the module's own task role); fix: drop one of them")
        return self

    @field_validator("cpu")
    @classmethod
    def _cpu(cls, value: int) -> int:
        # Task sizes: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html
        sizes = module_rules.fargate_sizes()
        if value not in sizes:
            raise ValueError(f"{value} is not a Fargate CPU size; fix: one of {', '.join(map(str, sizes))} (CPU units)")
        return value

    @field_validator("memory")
    @classmethod
    def _memory(cls, value: int, info: ValidationInfo) -> int:
        cpu = info.data.get("cpu")
        allowed = module_rules.fargate_sizes().get(cpu) if isinstance(cpu, int) else None
        if allowed is not None and value not in allowed:
            raise ValueError(
                f"{value} MiB does not fit cpu {cpu}: Fargate allows {', '.join(map(str, allowed))} MiB with it; "
                f"fix: pick one of those, or another cpu")
        return value

    @field_validator("image")
    @classmethod
    def _image(cls, value: str) -> str:
        if len(value.partition("@")[0]) > MAX_IMAGE_NAME:
            raise ValueError(
                f"image reference is {len(value.partition('@')[0])} characters before any @digest, over ECS's "
                f"{MAX_IMAGE_NAME}; fix: a shorter repository name or tag")
        if not IMAGE_RE.fullmatch(value):
            raise ValueError(
                f"not a container image reference ({value!r}); fix: [registry/]repository[:tag][@sha256:<64 hex>] "
                "with a lowercase repository, e.g. 222222222222.dkr.ecr.us-west-1.amazonaws.com/employee:1.0.0")
        return value


class Workload(_Strict):
    fargate: FargateWorkload | None = None
    nlb_arn: str | None = None

    @field_validator("nlb_arn")
    @classmethod
    def _nlb(cls, value: str | None) -> str | None:
        if value is not None and not NLB_ARN_RE.fullmatch(value):
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
    flow_logs: ServiceFlowLogs = ServiceFlowLogs()
    tags: Tags = Field(default_factory=dict, description="tags on every resource of this service's provider stack")

    @field_validator("routes")
    @classmethod
    def _routes(cls, value: list[str]) -> list[str]:
        bad = [route for route in value if not ROUTE_KEY_RE.fullmatch(route)]
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
        bad = [p for p in value if not PRINCIPAL_ARN_RE.fullmatch(p)]
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
    """Remote state: one S3 object per stack, locked with S3's native lockfile (Terraform >= 1.10)."""

    s3: StateS3


def _state_kind(value: Any) -> str:
    """`state: local` or a mapping: errors then speak of the one shape the user wrote."""
    return "local" if isinstance(value, str) else "remote"


StateSetting = Annotated[
    Annotated[Literal["local"], Tag("local")] | Annotated[State, Tag("remote")],
    Discriminator(_state_kind),
]


class Quotas(_Strict):
    """The account's own quotas where they were raised above AWS's defaults (checked before any plan)."""

    # Amazon VPC quotas, "VPCs per Region": default 5, adjustable
    # (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html).
    vpcs_per_region: int = Field(default=DEFAULT_VPCS_PER_REGION, ge=1, le=10000)


class EnvConfig(_Strict):
    """One gateway: the central account, the services behind it, and where state lives."""

    name: str | None = Field(
        default=None, description="the env's identity: prefixes its stacks, state keys and resource names; "
        "default: the file's name without .yaml (set it to keep an env's identity when renaming the file)")
    target: Literal["aws", "emulator"] = "aws"
    state: StateSetting | None = Field(
        default=None, description="where Terraform state lives: {s3: {...}}, or `local` (this machine) on purpose; "
        "a target: aws env must say which")
    quotas: Quotas = Quotas()
    central: Central
    services: dict[str, Service] = Field(min_length=1)

    @field_validator("services", mode="before")
    @classmethod
    def _service_names(cls, value: Any) -> Any:
        # Before inner validation, so a bad name is reported even when its body has problems too.
        if not isinstance(value, dict):
            return value
        bad = [name for name in value if not isinstance(name, str) or not DNS_NAME_RE.fullmatch(name)]
        if bad:
            raise ValueError(
                f"service name(s) {bad} are not DNS-safe; fix: lowercase letters, digits and '-', "
                "starting with a letter, at most 32 characters"
            )
        return value

    @property
    def remote_state(self) -> StateS3 | None:
        """The S3 state settings; None for local state (and for emulator envs, whose state the emulator holds)."""
        return self.state.s3 if isinstance(self.state, State) else None

    def principals_for(self, service: Service) -> list[str]:
        """The endpoint service's allowed principals: the central account unless the env says stricter."""
        return service.allowed_principals or [f"arn:aws:iam::{self.central.account_id}:root"]

    def provider_accounts(self) -> dict[tuple[str, str], list[str]]:
        """Services grouped by (account, region), for quota checks and summaries."""
        groups: dict[tuple[str, str], list[str]] = {}
        for name, service in self.services.items():
            groups.setdefault((service.account_id, service.region), []).append(name)
        return groups
