"""The execute-api ARN of a request: what IAM policies and Lambda authorizer policies are matched against.

AWS, "Control access for invoking an API" (resource format):
``arn:aws:execute-api:region:account-id:api-id/stage-name/HTTP-VERB/resource-path-specifier``, where the
path is the request's own path (a policy for ``GET /pets/{petId}`` names ``GET/pets/a1b2``). The ``$default``
stage is written ``$default`` (AWS knowledge center, "cross-account IAM authorization for API Gateway HTTP
APIs": ``<Api-id>/$default/*/*``).
"""

from __future__ import annotations

from urllib.parse import unquote

from moto.utilities.utils import get_partition

from crossgate.emulator.authorizers.decision import AuthRequest


def route_arn(request: AuthRequest) -> str:
    """``arn:<partition>:execute-api:<region>:<api account>:<api-id>/<stage>/<METHOD>/<path>``."""
    api_id = getattr(request.api, "api_id", "")
    partition = get_partition(request.region)
    return (
        f"arn:{partition}:execute-api:{request.region}:{request.account_id}:{api_id}/"
        f"{request.stage}/{request.method.upper()}/{stage_relative_path(request)}"
    )


def stage_relative_path(request: AuthRequest) -> str:
    """The request path below the stage, without its leading slash, percent-decoded.

    A named stage appears as the first path segment (``/prod/pets``); ``$default`` has none. Whether AWS
    writes the decoded or the raw path into the ARN is not documented; the emulator decodes, as route
    matching does.
    """
    path = request.raw_path.split("?", 1)[0]
    if request.stage != "$default":
        prefix = f"/{request.stage}"
        if path == prefix or path.startswith(prefix + "/"):
            path = path[len(prefix) :]
    return unquote(path).lstrip("/")


def authorizer_source_arn(request: AuthRequest, authorizer_id: str) -> str:
    """The ``SourceArn`` API Gateway presents when it invokes a Lambda authorizer (AWS, Lambda authorizers
    for HTTP APIs, ``aws lambda add-permission --source-arn .../<api-id>/authorizers/<authorizer-id>``)."""
    api_id = getattr(request.api, "api_id", "")
    partition = get_partition(request.region)
    return f"arn:{partition}:execute-api:{request.region}:{request.account_id}:{api_id}/authorizers/{authorizer_id}"
