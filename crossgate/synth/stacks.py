"""CDKTF stacks: one per provider service, one central; each only wires providers, a backend and a module.

Nothing here re-declares what modules/provider or modules/central do: the stacks translate the env file
into module variables and let cross-stack references carry each endpoint service name to the central stack.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from constructs import Construct

from crossgate import names
from crossgate.config import (
    Authorization,
    CreateNetwork,
    Credentials,
    Environment,
    JwtAuthorization,
    JwtAuthorizer,
    LambdaAuthorization,
    Network,
    Service,
)
from crossgate.lifecycle.records import OUTPUT_NAME, Kind, StackRecord
from crossgate.paths import MODULES, state_dir
from crossgate.synth.aws_provider import AwsProvider, AwsProviderConfig
from crossgate.synth.engine import (
    App,
    LocalBackend,
    S3Backend,
    TerraformHclModule,
    TerraformOutput,
    TerraformStack,
)
from crossgate.synth.tags import default_tags
from crossgate.target import Target

CENTRAL_MODULE = "central"
PROVIDER_MODULE = "service"


@dataclass(frozen=True)
class StackTarget:
    """Where synthesized stacks go (the output folder) and what they point at (AWS or the emulator)."""

    outdir: Path
    target: Target
    env_file: str = ""
    """How the identity records name the env file (crossgate.lifecycle.records.env_file_ref)."""
    tombstones: Sequence[StackRecord] = field(default_factory=tuple)
    """Stacks in the backend the env no longer declares: each gets an empty stack that destroys them."""


class _CrossgateStack(TerraformStack):
    """A stack with its own aws provider (account-guarded) and its own backend."""

    def __init__(self, scope: Construct, name: str, env: Environment, target: StackTarget,
                 creds: Credentials, tags: dict[str, str]) -> None:
        super().__init__(scope, name)
        self.stack_dir = target.outdir / "stacks" / name
        extra = target.target.provider_extras()
        AwsProvider(self, "aws", AwsProviderConfig(
            region=creds.region,
            allowed_account_ids=[creds.account_id],
            role_arn=creds.role_arn,
            profile=creds.profile,
            default_tags={**default_tags(env.name, name), **tags},
            extra=extra,
        ))
        self._backend(name, env, target)

    def _backend(self, name: str, env: Environment, target: StackTarget) -> None:
        s3 = env.config.remote_state
        emulated = target.target.emulator_backend(env.name, name)
        if emulated is not None:
            settings = dict(emulated)
            settings.pop("use_lockfile", None)  # set below, as for real S3
            S3Backend(self, **settings)  # type: ignore[arg-type]
        elif s3 is not None:
            S3Backend(self, bucket=s3.bucket, key=f"{s3.key_prefix.strip('/')}/{name}.tfstate", region=s3.region,
                      encrypt=True, profile=s3.profile,
                      assume_role={"role_arn": s3.role_arn} if s3.role_arn else None)
        else:
            # Relative to the stack folder, so cross-stack remote state works wherever the repo lives.
            state_file = state_dir(env.name) / f"{name}.tfstate"
            LocalBackend(self, path=os.path.relpath(state_file, self.stack_dir))
            return
        # S3 native locking (Terraform >= 1.10); cdktf 0.21's S3Backend has no typed field for it.
        self.add_override("terraform.backend.s3.use_lockfile", True)

    def identity(self, env: Environment, target: StackTarget, creds: Credentials, kind: Kind,
                 service: str | None) -> None:
        """The ``crossgate_stack`` output: what finds and destroys this stack once the env drops it."""
        record = StackRecord(env=env.name, env_file=target.env_file, stack=self.node.id, kind=kind, service=service,
                             account_id=creds.account_id, region=creds.region, role_arn=creds.role_arn,
                             profile=creds.profile)
        TerraformOutput(self, OUTPUT_NAME, value=record.to_json())

    def module(self, construct_id: str, module_name: str, variables: dict[str, Any]) -> TerraformHclModule:
        """A call of one of crossgate's HCL modules, by a path relative to this stack's folder."""
        return TerraformHclModule(
            self, construct_id,
            source=os.path.relpath(MODULES / module_name, self.stack_dir),
            variables=variables,
            skip_asset_creation_from_local_modules=True,
        )


class ProviderStack(_CrossgateStack):
    """A provider account's side of one service: modules/provider (endpoint service over an NLB)."""

    def __init__(self, scope: Construct, env: Environment, service_name: str, target: StackTarget) -> None:
        service = env.config.services[service_name]
        name = names.provider_stack(env.name, service_name)
        super().__init__(scope, name, env, target, service, {"crossgate:service": service_name})
        self.identity(env, target, service, "provider", service_name)
        self.service = self.module(PROVIDER_MODULE, "provider", provider_variables(env, service_name))
        self.endpoint_service_name = self.service.get_string("endpoint_service_name")
        for output in ("endpoint_service_name", "endpoint_service_id", "nlb_arn"):
            TerraformOutput(self, output, value=self.service.get(output))


class CentralStack(_CrossgateStack):
    """The central account: modules/central (endpoints, Cloud Map, VPC link, HTTP API)."""

    def __init__(self, scope: Construct, env: Environment, providers: dict[str, ProviderStack],
                 target: StackTarget) -> None:
        super().__init__(scope, names.central_stack(env.name), env, target, env.config.central,
                         {"crossgate:service": "central"})
        self.identity(env, target, env.config.central, "central", None)
        service_names = {svc: stack.endpoint_service_name for svc, stack in providers.items()}
        self.central = self.module(CENTRAL_MODULE, "central", central_variables(env, service_names))
        for output in ("api_endpoint", "api_id", "vpc_link_id", "namespace_id", "services"):
            TerraformOutput(self, output, value=self.central.get(output))


class TombstoneStack(_CrossgateStack):
    """A stack the env file no longer declares: its backend and provider (from its identity record), no
    resources, so terraform plans every resource in its state as a destroy."""

    def __init__(self, scope: Construct, env: Environment, record: StackRecord, target: StackTarget) -> None:
        creds = Credentials(account_id=record.account_id, region=record.region, role_arn=record.role_arn,
                            profile=record.profile)
        super().__init__(scope, record.stack, env, target, creds, {})


def build_app(env: Environment, target: StackTarget) -> App:
    """All stacks of one environment (and tombstones of the ones it dropped) in one CDKTF app."""
    app = App(outdir=str(target.outdir), skip_validation=False)
    providers = {svc: ProviderStack(app, env, svc, target) for svc in env.config.services}
    CentralStack(app, env, providers, target)
    for record in target.tombstones:
        TombstoneStack(app, env, record, target)
    return app


# --- env file -> module variables ------------------------------------------------------------------------


def network_variables(network: Network) -> dict[str, Any]:
    if isinstance(network, CreateNetwork):
        variables: dict[str, Any] = {"vpc_cidr": network.cidr, "az_count": network.az_count}
        if network.availability_zone_ids:
            variables["availability_zone_ids"] = list(network.availability_zone_ids)
        return variables
    return {"vpc_id": network.vpc_id, "subnet_ids": list(network.subnet_ids)}


def provider_variables(env: Environment, service_name: str) -> dict[str, Any]:
    service = env.config.services[service_name]
    central = env.config.central
    variables: dict[str, Any] = {
        "name": names.provider_resource_name(env.name, service_name),
        "port": service.port,
        "allowed_principals": env.config.principals_for(service),
        "acceptance_required": service.acceptance_required,
        "supported_regions": [central.region] if service.region != central.region else [],
        "tags": dict(service.tags),
    }
    if service.workload.nlb_arn:
        variables["nlb_arn"] = service.workload.nlb_arn
    else:
        fargate = service.workload.fargate
        assert fargate is not None  # the schema guarantees exactly one workload
        variables["fargate"] = {
            "image": fargate.image,
            "cpu": fargate.cpu,
            "memory": fargate.memory,
            "desired_count": fargate.desired_count,
            "container_port": fargate.container_port or service.port,
            "environment": dict(fargate.environment),
            "secrets": dict(fargate.secrets),
            "cpu_architecture": fargate.cpu_architecture,
            "health_check_path": fargate.health_check_path,
        }
        if fargate.shared_storage is not None:
            variables["fargate"]["shared_storage"] = {"path": fargate.shared_storage.path}
        if fargate.task_role_arn is not None:
            variables["fargate"]["task_role_arn"] = fargate.task_role_arn
        variables["image_pull"] = fargate.image_pull
        variables["container_insights"] = fargate.container_insights
        variables["flow_logs"] = service.flow_logs.model_dump()
        variables.update(network_variables(service.network))
    return variables


def authorization_variable(authz: Authorization) -> dict[str, Any]:
    if authz == "none":
        return {"type": "NONE"}
    if authz == "iam":
        return {"type": "AWS_IAM"}
    if isinstance(authz, JwtAuthorization):
        return {"type": "JWT", "authorizer": authz.jwt, "scopes": list(authz.scopes)}
    if isinstance(authz, LambdaAuthorization):
        return {"type": "CUSTOM", "authorizer": authz.lambda_}
    raise TypeError(f"unknown authorization {authz!r}")


def service_variable(service: Service, central_region: str, endpoint_service_name: str) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for route, override in service.route_overrides.items():
        entry: dict[str, Any] = {}
        if override.authorization is not None:
            entry["authorization"] = authorization_variable(override.authorization)
        if override.throttling is not None:
            entry["throttling"] = override.throttling.model_dump()
        overrides[route] = entry
    value: dict[str, Any] = {
        "endpoint_service_name": endpoint_service_name,
        "port": service.port,
        "routes": list(service.routes),
        "endpoint_ips": list(service.endpoint_ips),
        "authorization": authorization_variable(service.authorization),
        "route_overrides": overrides,
    }
    if service.region != central_region:
        value["service_region"] = service.region
    return value


def central_variables(env: Environment, endpoint_service_names: dict[str, str]) -> dict[str, Any]:
    central = env.config.central
    authorizers: dict[str, Any] = {}
    for name, authorizer in central.authorizers.items():
        if isinstance(authorizer, JwtAuthorizer):
            authorizers[name] = {"type": "JWT", "issuer": authorizer.issuer,
                                 "audiences": list(authorizer.audiences),
                                 "identity_sources": list(authorizer.identity_sources)}
        else:
            authorizers[name] = {"type": "REQUEST", "function_arn": authorizer.function_arn,
                                 "identity_sources": list(authorizer.identity_sources),
                                 "result_ttl_seconds": authorizer.result_ttl_seconds}
    api = central.api
    api_variable: dict[str, Any] = {
        "throttling": api.throttling.model_dump(),
        "access_logs": api.access_logs,
        "log_retention_days": api.log_retention_days,
        "disable_execute_api_endpoint": api.disable_execute_api_endpoint,
    }
    if api.log_kms_key_arn:
        api_variable["log_kms_key_arn"] = api.log_kms_key_arn
    if api.cors is not None:
        api_variable["cors"] = api.cors.model_dump()
    domain: dict[str, Any] = {}
    if central.custom_domain is not None:
        domain["custom_domain"] = central.custom_domain.model_dump(exclude_none=True)
    flow_logs = central.flow_logs.model_dump(exclude_none=True)
    return {
        "name": names.central_resource_name(env.name, api.name),
        "tags": dict(central.tags),
        "flow_logs": flow_logs,
        **domain,
        **network_variables(central.network),
        "services": {
            name: service_variable(service, central.region, endpoint_service_names[name])
            for name, service in env.config.services.items()
        },
        "authorizers": authorizers,
        "api": api_variable,
    }
