"""The env file: its schema (``schema``), reading and error rendering (``loading``), regions, quotas."""

from crossgate.config.loading import EnvConfigError, Environment, EnvProblem, load_environment
from crossgate.config.schema import (
    Authorization,
    CreateNetwork,
    Credentials,
    EnvConfig,
    ExistingNetwork,
    FargateWorkload,
    JwtAuthorization,
    JwtAuthorizer,
    LambdaAuthorization,
    LambdaAuthorizer,
    Network,
    Service,
)

__all__ = [
    "Authorization",
    "CreateNetwork",
    "Credentials",
    "EnvConfig",
    "EnvConfigError",
    "EnvProblem",
    "Environment",
    "ExistingNetwork",
    "FargateWorkload",
    "JwtAuthorization",
    "JwtAuthorizer",
    "LambdaAuthorization",
    "LambdaAuthorizer",
    "Network",
    "Service",
    "load_environment",
]
