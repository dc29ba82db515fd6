"""What of an env file parsed, part by part, so cross-field checks run even when the schema failed.

A part (central, one service) that fails validation is validated again without its failing fields,
by a copy of its model whose fields are all optional (the same validators run on the rest); those
fields are marked bad, so no check reads them. A part wrong as a whole (fields that contradict each
other) is left out of the checks.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError, create_model

from crossgate.config.checks import Part, View
from crossgate.config.quotas import DEFAULT_VPCS_PER_REGION
from crossgate.config.render import Rendered, render
from crossgate.config.schema import Central, EnvConfig, Quotas, Service

M = TypeVar("M", bound=BaseModel)

_TARGET: TypeAdapter[str] = TypeAdapter(EnvConfig.model_fields["target"].annotation)


def view_of(config: EnvConfig, env_name: str) -> View:
    """The view of a file that validated as a whole."""
    return View(env_name=env_name, target=config.target, state_given=config.state is not None,
                target_given="target" in config.model_fields_set,
                central=Part(config.central), services={n: Part(s) for n, s in config.services.items()},
                service_names=tuple(config.services), vpcs_per_region=config.quotas.vpcs_per_region)


def salvage(raw: dict[Any, Any], env_name: str) -> tuple[View, list[Rendered]]:
    """The view of a file that did not validate, and the errors of its services validated one by one.

    Those errors matter when the services mapping itself failed (a bad service name), which stops
    pydantic before it looks inside.
    """
    errors: list[Rendered] = []
    central, _ = _part(Central, raw.get("central"))
    services: dict[str, Part[Service]] = {}
    body = raw.get("services")
    names = tuple(str(n) for n in body) if isinstance(body, dict) else ()
    if isinstance(body, dict):
        for name, data in body.items():
            part, failed = _part(Service, data)
            if part is not None:
                services[str(name)] = part
            if failed is not None:
                errors.extend(render(failed, ("services", str(name))))
    try:
        target: str | None = _TARGET.validate_python(raw.get("target", "aws"))
    except ValidationError:
        target = None
    try:
        vpcs = Quotas.model_validate(raw.get("quotas") or {}).vpcs_per_region
    except ValidationError:
        vpcs = DEFAULT_VPCS_PER_REGION
    view = View(env_name=env_name, target=target, state_given=raw.get("state") is not None,
                target_given="target" in raw, central=central,
                services=services, service_names=names, vpcs_per_region=vpcs)
    return view, errors


def _part(model: type[M], data: Any) -> tuple[Part[M] | None, ValidationError | None]:
    if not isinstance(data, dict):
        return None, None
    try:
        return Part(model.model_validate(data)), None
    except ValidationError as exc:
        first = exc
    if any(not error["loc"] for error in first.errors()):
        return None, first  # the part as a whole is wrong (fields that contradict each other)
    failed = {str(error["loc"][0]) for error in first.errors()}
    try:
        value = _loose(model).model_validate({k: v for k, v in data.items() if str(k) not in failed})
    except ValidationError:
        return None, first
    absent = {name for name, field in model.model_fields.items() if field.is_required() and name not in data}
    return Part(value, frozenset(failed | absent)), first


@cache
def _loose(model: type[M]) -> type[M]:
    """``model`` with every field optional (default None), keeping its validators, to salvage a part."""
    fields: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if field.is_required():
            annotation: Any = field.annotation
            fields[name] = (annotation | None, None)
    return create_model(f"Loose{model.__name__}", __base__=model, **fields)
