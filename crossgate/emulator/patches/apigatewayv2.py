"""API Gateway v2: stage updates moto 5.2.5 does not implement, and custom domain names' API Gateway targets."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from moto.apigatewayv2.exceptions import APIGatewayV2Error
from moto.core.common_types import TYPE_RESPONSE

from crossgate.emulator.patches.base import wrap

# Stage fields UpdateStage may change, request key -> moto's Stage attribute.
_REPLACED = {
    "accessLogSettings": "access_log_settings",
    "autoDeploy": "auto_deploy",
    "clientCertificateId": "client_certificate_id",
    "description": "description",
}
_ROUTE_SETTINGS = r"/v2/apis/(?P<api_id>[^/]+)/stages/(?P<stage_name>[^/]+)/routesettings/(?P<route_key>.+)$"
_ROUTE_SETTINGS_PATH = "{0}" + _ROUTE_SETTINGS  # moto's url_paths entry ({0}: the service's URL bases)
_ROUTE_SETTINGS_RE = re.compile(_ROUTE_SETTINGS)


class _RouteSettingsNotFound(APIGatewayV2Error):
    code = 404

    def __init__(self, route_key: str) -> None:
        super().__init__("NotFoundException", f"Unable to find Route Settings for route key {route_key}")


def update_stage(stage: Any, body: dict[str, Any]) -> None:
    """Apply an UpdateStage body to a moto Stage: only the members present change.

    ``defaultRouteSettings`` members are merged into the current ones; ``routeSettings`` are merged
    per route key (each given key's settings merged into that key's); ``stageVariables`` are merged,
    a variable set to ``""`` being removed (how the aws provider removes one); the others replace.
    """
    for key, attribute in _REPLACED.items():
        if key in body:
            setattr(stage, attribute, body[key])
    if "defaultRouteSettings" in body:
        stage.default_route_settings = {**(stage.default_route_settings or {}), **(body["defaultRouteSettings"] or {})}
    if "routeSettings" in body:
        settings = dict(stage.route_settings or {})
        for route_key, given in (body["routeSettings"] or {}).items():
            settings[route_key] = {**settings.get(route_key, {}), **(given or {})}
        stage.route_settings = settings
    if "stageVariables" in body:
        variables = {**(stage.stage_variables or {}), **(body["stageVariables"] or {})}
        stage.stage_variables = {name: value for name, value in variables.items() if value != ""}
    stage.updated = datetime.now()


def patch_apigatewayv2_update_stage() -> None:
    """AWS UpdateStage (``PATCH /v2/apis/{apiId}/stages/{stageName}``, API Gateway v2 API reference,
    "Stages" resource) changes the members given in the body (accessLogSettings, autoDeploy,
    clientCertificateId, defaultRouteSettings, deploymentId, description, routeSettings,
    stageVariables) and answers 200 with the whole stage; GetStage then returns the new values.
    DeleteRouteSettings (``DELETE .../stages/{stageName}/routesettings/{routeKey}``, answer 204)
    drops one route's settings. moto 5.2.5 implements neither (no ``update_stage`` handler, no
    ``routesettings`` URL), so the aws provider cannot change a stage's throttling, route settings,
    access logs, auto_deploy, variables or description in place: the apply fails.

    Unsure (not stated in the reference, modelled on the provider's use): that nested
    defaultRouteSettings/routeSettings members are merged rather than replaced (the provider always
    sends every member, so both read the same to it), and that a stage variable set to ``""`` is
    removed (the provider removes variables that way). deploymentId is ignored (moto's stages have
    no deployments), and so is AWS's refusal of deploymentId while autoDeploy is on."""
    from moto.apigatewayv2 import urls
    from moto.apigatewayv2.exceptions import StageNotFound
    from moto.apigatewayv2.responses import ApiGatewayV2Response

    def make_update(_original: Callable[..., TYPE_RESPONSE]) -> Callable[..., TYPE_RESPONSE]:
        def update_stage_handler(self: Any) -> TYPE_RESPONSE:
            parts = self.path.split("/")
            api_id, stage_name = parts[-3], unquote(parts[-1])
            stage = self.apigatewayv2_backend.get_stage(api_id, stage_name)
            update_stage(stage, json.loads(self.body or "{}"))
            return 200, {}, json.dumps(stage.to_json())

        return update_stage_handler

    def make_delete_route_settings(_original: Callable[..., TYPE_RESPONSE]) -> Callable[..., TYPE_RESPONSE]:
        def delete_route_settings(self: Any) -> TYPE_RESPONSE:
            match = _ROUTE_SETTINGS_RE.search(self.path)
            if match is None:
                raise StageNotFound()
            stage = self.apigatewayv2_backend.get_stage(match["api_id"], unquote(match["stage_name"]))
            route_key = unquote(match["route_key"])
            if route_key not in (stage.route_settings or {}):
                raise _RouteSettingsNotFound(route_key)
            stage.route_settings = {k: v for k, v in stage.route_settings.items() if k != route_key}
            stage.updated = datetime.now()
            return 204, {}, ""

        return delete_route_settings

    wrap(ApiGatewayV2Response, "update_stage", make_update)
    wrap(ApiGatewayV2Response, "delete_route_settings", make_delete_route_settings)
    urls.url_paths.setdefault(_ROUTE_SETTINGS_PATH, ApiGatewayV2Response.dispatch)



def regional_domain_configuration(domain_name: str, region: str, configuration: dict[str, Any]) -> dict[str, Any]:
    """A stored DomainNameConfiguration with what AWS adds to it: its own API Gateway domain name, the hosted
    zone to alias it from, and the status (the members a Route 53 alias and the provider's wait read)."""
    digest = hashlib.sha256(f"{region}/{domain_name}".encode()).hexdigest()
    return {
        "apiGatewayDomainName": f"d-{digest[:10]}.execute-api.{region}.amazonaws.com",
        # Unsure: AWS's regional API Gateway hosted zone ids are fixed per region (AWS General Reference,
        # "Amazon API Gateway endpoints and quotas"); the emulator makes one up per region instead.
        "hostedZoneId": "Z" + hashlib.sha256(region.encode()).hexdigest()[:13].upper(),
        "domainNameStatus": "AVAILABLE",
        **configuration,
    }


def patch_apigatewayv2_domain_name_targets() -> None:
    """AWS CreateDomainName/GetDomainName (API Gateway v2 API reference, "DomainNames" resource,
    DomainNameConfiguration) answer each configuration with ``apiGatewayDomainName`` (the API Gateway
    domain name to point the custom domain at), ``hostedZoneId`` (its Route 53 hosted zone, for alias
    records) and ``domainNameStatus`` (AVAILABLE, UPDATING, ...). moto 5.2.5 echoes only what was sent, so
    the aws provider waits on an empty status and a Route 53 alias to the domain has no target."""
    from moto.apigatewayv2.models import DomainName

    def make(original: Callable[..., None]) -> Callable[..., None]:
        def init(self: Any, domain_name: str, domain_name_configurations: list[dict[str, Any]], *args: Any,
                 **kwargs: Any) -> None:
            original(self, domain_name, domain_name_configurations, *args, **kwargs)
            region = str(self.domain_name_arn.split(":")[3])
            self.domain_name_configurations = [regional_domain_configuration(domain_name, region, c)
                                               for c in self.domain_name_configurations or []]

        return init

    wrap(DomainName, "__init__", make)
