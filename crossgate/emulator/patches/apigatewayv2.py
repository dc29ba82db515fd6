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



class _BadRequest(APIGatewayV2Error):
    code = 400

    def __init__(self, message: str) -> None:
        super().__init__("BadRequestException", message)


def authorizers_page(authorizers: list[Any], max_results: str | None, next_token: str | None) -> dict[str, Any]:
    """One GetAuthorizers answer: ``items`` from ``next_token`` on, at most ``max_results`` of them, and a
    ``nextToken`` when more remain. AWS's tokens are opaque; the emulator's are the next item's position
    (unsure: AWS's default and largest page size are not stated in the reference; here all remaining items)."""
    try:
        start = int(next_token) if next_token else 0
        size = int(max_results) if max_results else len(authorizers)
    except ValueError as error:
        raise _BadRequest(f"Invalid maxResults or nextToken: {error}") from error
    if start < 0 or size < 1:
        raise _BadRequest("maxResults must be at least 1 and nextToken a token this API returned")
    page = authorizers[start:start + size]
    answer: dict[str, Any] = {"items": [authorizer.to_json() for authorizer in page]}
    if start + size < len(authorizers):
        answer["nextToken"] = str(start + size)
    return answer


def patch_apigatewayv2_get_authorizers() -> None:
    """AWS GetAuthorizers (``GET /v2/apis/{apiId}/authorizers``, API Gateway v2 API reference, "Authorizers"
    resource; query maxResults, nextToken) answers 200 with ``items`` (each as GetAuthorizer describes it) and
    a ``nextToken`` while more remain; NotFoundException for an unknown API. moto 5.2.5 routes the URL but has
    no handler, so the list answers 500 (``aws apigatewayv2 get-authorizers`` and any client listing an API's
    authorizers fail)."""
    from moto.apigatewayv2.responses import ApiGatewayV2Response

    def make(_original: Callable[..., TYPE_RESPONSE]) -> Callable[..., TYPE_RESPONSE]:
        def get_authorizers(self: Any) -> TYPE_RESPONSE:
            api = self.apigatewayv2_backend.get_api(self.path.split("/")[-2])
            query = self.querystring
            answer = authorizers_page(list(api.authorizers.values()), (query.get("maxResults") or [None])[0],
                                      (query.get("nextToken") or [None])[0])
            return 200, {}, json.dumps(answer)

        return get_authorizers

    wrap(ApiGatewayV2Response, "get_authorizers", make)


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


def shown_domain_name(answer: dict[str, Any]) -> dict[str, Any]:
    """A DomainName answer without an empty ``mutualTlsAuthentication``: AWS returns that member only for a
    domain with mutual TLS on (API Gateway v2 API reference, MutualTlsAuthentication: "If specified, API Gateway
    performs two-way authentication"); moto stores ``{}`` when none was asked for, which the aws provider reads
    as a configured ``mutual_tls_authentication {}`` block: every plan of a custom domain without mTLS wanted to
    remove it."""
    if not answer.get("mutualTlsAuthentication"):
        answer = {k: v for k, v in answer.items() if k != "mutualTlsAuthentication"}
    return answer


def update_domain_name(domain: Any, body: dict[str, Any]) -> None:
    """Apply an UpdateDomainName body to a moto DomainName: the configurations given replace the stored ones
    (with what AWS adds to each, see :func:`regional_domain_configuration`); the mutual TLS members given change,
    and a ``truststoreUri`` of ``""`` turns mutual TLS off (API Gateway developer guide, mutual TLS for HTTP APIs:
    "To disable mutual TLS for a custom domain name, remove the truststore from your custom domain name"; the
    aws provider sends exactly that). Unsure: AWS's handling of truststoreWarnings on an update is not modelled
    (the emulator never reads the truststore, so it has no warnings to give)."""
    region = str(domain.domain_name_arn.split(":")[3])
    if "domainNameConfigurations" in body:
        domain.domain_name_configurations = [regional_domain_configuration(domain.domain_name, region, c)
                                             for c in body["domainNameConfigurations"] or []]
    if "mutualTlsAuthentication" in body:
        given = body["mutualTlsAuthentication"] or {}
        merged = {**(domain.mutual_tls_authentication or {}), **given}
        domain.mutual_tls_authentication = {} if merged.get("truststoreUri", "") == "" else merged


def patch_apigatewayv2_domain_name_mtls() -> None:
    """Domain names answer ``mutualTlsAuthentication`` only when mutual TLS is on (see :func:`shown_domain_name`)."""
    from moto.apigatewayv2.models import DomainName

    def make(original: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        def to_json(self: Any) -> dict[str, Any]:
            return shown_domain_name(original(self))

        return to_json

    wrap(DomainName, "to_json", make)


def patch_apigatewayv2_update_domain_name() -> None:
    """AWS UpdateDomainName (``PATCH /v2/domainnames/{domainName}``, API Gateway v2 API reference, "DomainName"
    resource; body domainNameConfigurations, mutualTlsAuthentication) changes a custom domain in place and answers
    200 with the domain name; NotFoundException for an unknown one. moto 5.2.5 routes the URL but has no handler
    (500), so a new certificate, TLS policy or mutual TLS change of a deployed custom domain failed to apply."""
    from moto.apigatewayv2.responses import ApiGatewayV2Response

    def make(_original: Callable[..., TYPE_RESPONSE]) -> Callable[..., TYPE_RESPONSE]:
        def update_domain_name_handler(self: Any) -> TYPE_RESPONSE:
            domain = self.apigatewayv2_backend.get_domain_name(domain_name=unquote(self.path.split("/")[-1]))
            update_domain_name(domain, json.loads(self.body or "{}"))
            return 200, {}, json.dumps(domain.to_json())

        return update_domain_name_handler

    wrap(ApiGatewayV2Response, "update_domain_name", make)
