"""One gateway request, hop by hop in AWS's order, each hop reading moto's current state.

api -> stage -> route -> authorizer -> throttle -> integration / VPC link -> Cloud Map -> VPC link and
endpoint security groups -> PrivateLink -> NLB listener, security groups, target group -> workload.
A hop that would fail in AWS raises :class:`HopFailure` with AWS's status; every response names the
hop that answered in ``x-crossgate-hop``, and an access log line is written when the stage has one.
"""

from __future__ import annotations

import dataclasses
import json
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO
from urllib.parse import parse_qsl, urlencode

from crossgate.emulator.authorizers import AuthDecision, Authorizers, AuthRequest
from crossgate.emulator.dataplane import cloudmap, moto_state
from crossgate.emulator.dataplane.accesslog import AccessLogger, clf_time
from crossgate.emulator.dataplane.balancer import pick_target
from crossgate.emulator.dataplane.endpoint import reach_endpoint
from crossgate.emulator.dataplane.forward import HOP_BY_HOP, BackendTimeout, BackendUnreachable, ConnectionPool
from crossgate.emulator.dataplane.mapping import MappingSource, OutgoingRequest, apply
from crossgate.emulator.dataplane.privatelink import resolve
from crossgate.emulator.dataplane.responses import (
    MESSAGES,
    REQUEST_ID_HEADER,
    GatewayResponse,
    HopFailure,
    error_response,
    failure_response,
    header_safe,
    new_request_id,
)
from crossgate.emulator.dataplane.routing import RouteMatch, select_route
from crossgate.emulator.dataplane.stages import StageMatch, select_stage
from crossgate.emulator.dataplane.throttle import Throttler, stage_limits
from crossgate.emulator.settings import HOP_HEADER
from crossgate.emulator.workloads import Workloads

_AUTH_FIELDS = {f.name for f in dataclasses.fields(AuthRequest)}  # newer AuthRequest fields, when present
MAX_PAYLOAD = 10 * 1024 * 1024  # "Payload size: 10 MB" (HTTP API quotas)
MAX_TIMEOUT_MS = 30000  # integration timeout 50 ms - 30 s, default 30 s (HTTP API quotas)
MIN_TIMEOUT_MS = 50


@dataclass
class IncomingRequest:
    """A client request addressed to one API (``raw_path`` as sent, without the emulator's URL prefix)."""

    api_id: str
    method: str
    raw_path: str
    query_string: str
    headers: list[tuple[str, str]]
    body: bytes
    source_ip: str
    host: str
    protocol: str = "HTTP/1.1"
    scheme: str = "http"
    port: str = "80"
    body_too_large: bool = False
    wire_path: str = ""  # the path as received, with the emulator's URL prefix (SigV4 signs what was sent)


@dataclass
class _Trace:
    """What one request learned on its way, for the access log."""

    request_id: str
    start: float
    account_id: str = ""
    api_id: str = ""
    stage: str = ""
    route_key: str = ""
    integration_latency: str = ""
    authorizer_error: str = ""
    authorizer_context: Mapping[str, Any] = field(default_factory=dict)


def _first(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Lower-case name -> value, several values joined with commas (as $request.header.x reads them)."""
    joined: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        joined[key] = f"{joined[key]},{value}" if key in joined else value
    return joined


class Gateway:
    """Serves HTTP API requests from moto's state; owns the throttle buckets, connection pool and log writer."""

    def __init__(self, workloads: Workloads, authorizers: Authorizers, log: TextIO | None = None,
                 rng: random.Random | None = None) -> None:
        self.workloads = workloads
        self.authorizers = authorizers
        self.throttler = Throttler()
        self.pool = ConnectionPool()
        self.access_log = AccessLogger()
        self.rng = rng or random.Random()
        self.log = log or sys.stderr

    # ------------------------------------------------------------------ entry point
    def handle(self, request: IncomingRequest) -> GatewayResponse:
        trace = _Trace(new_request_id(), time.time())
        stage: StageMatch | None = None
        try:
            api = moto_state.find_api(request.api_id)
            if api is None:
                # Unverified for HTTP APIs: an unknown id under execute-api; 404 Not Found as for no stage.
                raise HopFailure(404, "api", f"no HTTP API {request.api_id} in any emulated account/region")
            trace.account_id, trace.api_id = api.backend.account_id, api.api_id
            if api.disable_execute_api_endpoint:
                # The developer guide says 403 Forbidden for REST APIs with the default endpoint disabled
                # ("Disable the default endpoint for REST APIs"); the HTTP API page names no status: 403 here.
                raise HopFailure(403, "api", f"{api.api_id} has disable_execute_api_endpoint set: only custom "
                                             "domain names serve it")
            stage = select_stage(api, request.raw_path)
            if stage is None:
                raise HopFailure(404, "stage", f"no stage of {api.api_id} matches {request.raw_path} and there is "
                                               "no $default stage")
            trace.stage = stage.name
            response = self._serve(api, stage, request, trace)
        except HopFailure as failure:
            response = failure_response(failure)
        except Exception as error:  # an emulator bug must still answer like a gateway, with the cause
            response = error_response(500, "emulator", f"{type(error).__name__}: {error}")
        return self._finish(response, request, stage, trace)

    # ------------------------------------------------------------------ hops
    def _serve(self, api: Any, stage: StageMatch, request: IncomingRequest, trace: _Trace) -> GatewayResponse:
        if request.body_too_large:
            raise HopFailure(413, "request", f"payload above the HTTP API limit of {MAX_PAYLOAD} bytes")
        routes = [(route.route_key, route) for route in list(api.routes.values())]
        match = select_route(routes, request.method, stage.route_path)
        if match is None:
            raise HopFailure(404, "route", f"no route of {api.api_id} matches {request.method} {stage.route_path} "
                                           "and there is no $default route")
        trace.route_key = match.route_key
        denied = self._authorize(api, stage, match, request, trace)
        if denied is not None:
            return denied
        limits = stage_limits(stage.stage, match.route_key)
        if not self.throttler.allow((api.api_id, stage.name, match.route_key), limits):
            raise HopFailure(429, "throttle", f"{stage.name} {match.route_key}: above rate {limits.rate:g}/s, "
                                              f"burst {limits.burst}")
        return self._integrate(api, stage, match, request, trace)

    def _authorize(self, api: Any, stage: StageMatch, match: RouteMatch, request: IncomingRequest,
                   trace: _Trace) -> GatewayResponse | None:
        optional: dict[str, Any] = {"stage_variables": getattr(stage.stage, "stage_variables", None) or {},
                    "domain_name": request.host}
        auth = AuthRequest(
            account_id=api.backend.account_id, region=api.backend.region_name, api=api, route=match.route,
            stage=stage.name, method=request.method, raw_path=request.raw_path, wire_path=request.wire_path,
            query_string=request.query_string, headers=_first(request.headers), body=request.body,
            source_ip=request.source_ip, path_parameters=match.path_parameters, route_key=match.route_key,
            request_id=trace.request_id, **{k: v for k, v in optional.items() if k in _AUTH_FIELDS},
        )
        try:
            decision: AuthDecision = self.authorizers.authorize(auth)
        except NotImplementedError as error:
            raise HopFailure(500, "authorizer", f"the emulator does not enforce this authorizer yet ({error})",
                             "authorizer not emulated") from error
        trace.authorizer_context = decision.context
        if decision.allowed:
            return None
        trace.authorizer_error = decision.diagnostic
        response = error_response(decision.status, "authorizer", decision.diagnostic or "denied",
                                  headers=list(decision.headers.items()),
                                  message=str(decision.body.get("message", "")) or None)
        if decision.body and set(decision.body) != {"message"}:
            body = json.dumps(dict(decision.body), separators=(",", ":")).encode()
            response.body, response.length = [body], len(body)
            response.headers = [(k, v) for k, v in response.headers if k != "content-length"]
            response.headers.append(("content-length", str(len(body))))
        return response

    def _integration(self, api: Any, match: RouteMatch) -> tuple[Any, Any]:
        target = str(match.route.target or "")
        integration = api.integrations.get(target.removeprefix("integrations/")) if target else None
        if integration is None:
            # Unverified: AWS's answer for a route without (or with a deleted) integration; 500 here.
            raise HopFailure(500, "integration", f"route {match.route_key} has no integration (target {target!r})",
                             "No integration configured")
        kind = (integration.integration_type or "").upper()
        connection = (integration.connection_type or "INTERNET").upper()
        if kind != "HTTP_PROXY" or connection != "VPC_LINK":
            raise HopFailure(500, "integration", f"{integration.id} is {kind}/{connection}: the emulator serves "
                                                 "HTTP_PROXY over VPC_LINK only", "Integration type not emulated")
        version = integration.payload_format_version or "1.0"
        if version != "1.0":
            raise HopFailure(500, "integration", f"{integration.id} has payloadFormatVersion {version}: private "
                                                 "integrations support 1.0 only", "Invalid payload format version")
        link = api.backend.vpc_links.get(integration.connection_id or "")
        if link is None:
            raise HopFailure(500, "vpc-link", f"VPC link {integration.connection_id} of {integration.id} does not "
                                              f"exist in {api.backend.account_id}/{api.backend.region_name}",
                             "VPC link not found")
        status = str(getattr(link, "vpc_link_status", None) or getattr(link, "status", None) or "AVAILABLE")
        if status.upper() != "AVAILABLE":
            raise HopFailure(500, "vpc-link", f"VPC link {link.id} is {status}", f"VPC link {status}")
        return integration, link

    def _integrate(self, api: Any, stage: StageMatch, match: RouteMatch, request: IncomingRequest,
                   trace: _Trace) -> GatewayResponse:
        integration, link = self._integration(api, match)
        ref = cloudmap.parse_service_arn(integration.integration_uri or "")
        if ref is None:
            raise HopFailure(500, "integration", f"{integration.id} URI {integration.integration_uri} is no Cloud Map "
                                                 "service ARN (the emulator serves Cloud Map integrations)",
                             "Integration URI not emulated")
        account_id, region = api.backend.account_id, api.backend.region_name
        instance, _count = cloudmap.discover(ref, account_id, self.rng)
        ec2 = moto_state.ec2_backend(account_id, region)
        if ec2 is None:
            raise HopFailure(500, "vpc-link", f"no EC2 state in {account_id}/{region}", "VPC link subnets not found")
        path = reach_endpoint(ec2, link, instance)
        provider = resolve(path.endpoint, account_id, region)
        target = pick_target(provider.account_id, provider.region, list(provider.config.network_load_balancer_arns),
                             instance.port, path.link_peer, self.workloads.target_health, self.rng)
        local = self.workloads.local_address(provider.account_id, provider.region, target.ip, target.port)
        route_hops = (f"{instance.ip}:{instance.port} via {path.endpoint.id} -> {provider.config.id} -> "
                      f"{target.load_balancer.name} -> {target.ip}:{target.port}")
        notes = [*provider.notes, *target.notes]
        if local is None:
            raise HopFailure(503, "workload", f"nothing serves target {target.ip}:{target.port} in "
                                              f"{provider.account_id}/{provider.region} ({route_hops})",
                             "Connection refused")
        outgoing = self._outgoing(integration, stage, match, request, trace, instance.ip, instance.port)
        notes.extend(outgoing.notes)
        timeout_ms = min(max(int(integration.timeout_in_millis or MAX_TIMEOUT_MS), MIN_TIMEOUT_MS), MAX_TIMEOUT_MS)
        query = _query(outgoing.query) if _maps_query(integration.request_parameters) else request.query_string
        target_url = outgoing.path + ("?" + query if query else "")
        started = time.monotonic()
        try:
            backend = self.pool.send((local.host, local.port), request.method, target_url, outgoing.headers,
                                     request.body, timeout_ms / 1000)
        except BackendTimeout as error:
            trace.integration_latency = str(int((time.monotonic() - started) * 1000))
            raise HopFailure(503, "workload", f"no response from {local.host}:{local.port} within {timeout_ms} ms "
                                              f"(integration timeout; {route_hops})", "Integration timeout") from error
        except BackendUnreachable as error:
            raise HopFailure(503, "workload", f"{local.host}:{local.port} refused or reset the connection ({error}; "
                                              f"{route_hops})", "Connection refused") from error
        trace.integration_latency = str(int((time.monotonic() - started) * 1000))
        why = f"{backend.status} from {local.host}:{local.port} ({route_hops})"
        if notes:
            why += "; " + "; ".join(notes)
        return GatewayResponse(backend.status, backend.headers, backend.body, "workload", why,
                               length=backend.length, integration_status=backend.status)

    def _outgoing(self, integration: Any, stage: StageMatch, match: RouteMatch, request: IncomingRequest,
                  trace: _Trace, ip: str, port: int) -> OutgoingRequest:
        # Private integrations see the stage in the path unless overwrite:path maps $request.path
        # ("Create private integrations for HTTP APIs", note on stages).
        headers = [(k, v) for k, v in request.headers if k.lower() not in HOP_BY_HOP]
        forwarded_for = _first(request.headers).get("x-forwarded-for")
        headers = [(k, v) for k, v in headers if k.lower() not in ("x-forwarded-for", "x-forwarded-proto",
                                                                   "x-forwarded-port", "forwarded")]
        headers += [
            ("Host", f"{ip}:{port}"),
            ("X-Forwarded-For", f"{forwarded_for}, {request.source_ip}" if forwarded_for else request.source_ip),
            ("X-Forwarded-Proto", request.scheme),
            ("X-Forwarded-Port", request.port),
            ("Forwarded", f"by={ip};for={request.source_ip};host={request.host};proto={request.scheme}"),
            ("X-Amzn-Trace-Id", f"Root=1-{int(trace.start):08x}-{self.rng.getrandbits(96):024x}"),
        ]
        outgoing = OutgoingRequest(request.raw_path, _parse_query(request.query_string), headers)
        source = MappingSource(stage.route_path, _first(request.headers), _parse_query(request.query_string),
                               match.path_parameters, lambda name: self._context(name, request, trace),
                               getattr(stage.stage, "stage_variables", None) or {})
        apply(integration.request_parameters, outgoing, source)
        return outgoing

    def _context(self, name: str, request: IncomingRequest, trace: _Trace) -> str:
        return self.context_variables(request, trace, None).get(name, "")

    # ------------------------------------------------------------------ response, logs
    def context_variables(self, request: IncomingRequest, trace: _Trace,
                          response: GatewayResponse | None, length: int | None = None) -> dict[str, str]:
        """$context.* as the access log and parameter mappings read them ("Customize HTTP API access logs")."""
        now = time.time()
        values = {
            "accountId": trace.account_id, "apiId": trace.api_id or request.api_id, "requestId": trace.request_id,
            "extendedRequestId": trace.request_id, "domainName": request.host,
            "domainPrefix": request.host.split(".", 1)[0], "httpMethod": request.method, "path": request.raw_path,
            "protocol": request.protocol, "requestTime": clf_time(trace.start),
            "requestTimeEpoch": str(int(trace.start * 1000)), "routeKey": trace.route_key, "stage": trace.stage,
            "identity.sourceIp": request.source_ip,
            "identity.userAgent": _first(request.headers).get("user-agent", ""),
            "authorizer.error": trace.authorizer_error, "integrationLatency": trace.integration_latency,
            "integration.latency": trace.integration_latency,
        }
        for key, value in trace.authorizer_context.items():
            values[f"authorizer.{key}"] = str(value)
        if response is not None:
            status = str(response.integration_status or "")
            values.update({
                "status": str(response.status), "responseLength": str(length if length is not None else ""),
                "responseLatency": str(int((now - trace.start) * 1000)), "integrationStatus": status,
                "integration.status": status, "integrationErrorMessage": response.integration_error,
                "integration.error": response.integration_error,
                "error.message": "" if response.integration_status else _message(response),
                "error.messageString": f'"{_message(response)}"' if not response.integration_status else "",
            })
        return values

    def _finish(self, response: GatewayResponse, request: IncomingRequest, stage: StageMatch | None,
                trace: _Trace) -> GatewayResponse:
        response.headers = [(k, v) for k, v in response.headers if k.lower() not in (HOP_HEADER, REQUEST_ID_HEADER)]
        response.headers.append((REQUEST_ID_HEADER, trace.request_id))
        response.headers.append((HOP_HEADER, header_safe(response.diagnostic)))

        def done(length: int) -> None:
            self.log.write(f"crossgate dataplane: {request.method} {request.api_id}{request.raw_path} -> "
                           f"{response.status} {trace.request_id} {HOP_HEADER}: {response.diagnostic}\n")
            self.log.flush()
            if stage is not None:
                self.access_log.write(stage.stage, trace.api_id, self.context_variables(request, trace, response,
                                                                                        length), trace.start)

        response.body = _Counting(response.body, done)
        return response


def _message(response: GatewayResponse) -> str:
    return MESSAGES.get(response.status, "") if response.status >= 400 else ""


def _parse_query(query_string: str) -> list[tuple[str, str]]:
    return parse_qsl(query_string, keep_blank_values=True)


def _maps_query(parameters: Mapping[str, str] | None) -> bool:
    return any(key.partition(":")[2].startswith("querystring.") for key in parameters or {})


def _query(pairs: list[tuple[str, str]]) -> str:
    return urlencode(pairs)


class _Counting:
    """Iterates a response body, counting bytes; calls ``done(length)`` once when closed (WSGI close())."""

    def __init__(self, body: Iterable[bytes], done: Callable[[int], None]) -> None:
        self._body = body
        self._done: Callable[[int], None] | None = done
        self._length = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._body:
            self._length += len(chunk)
            yield chunk

    def close(self) -> None:
        close = getattr(self._body, "close", None)
        if close is not None:
            close()
        done, self._done = self._done, None
        if done is not None:
            done(self._length)
