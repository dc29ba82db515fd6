"""Terraform JSON configuration -> HCL blocks, following Terraform's JSON syntax rules.

https://developer.hashicorp.com/terraform/language/syntax/json: each top-level property is a block type;
its labels are nested object levels; the innermost object is the body. The page's per-block rules used here:
- ``terraform`` (and its ``backend``/``required_providers``): values are literal, never templates.
- ``module``: every argument but the meta-arguments is an input variable, i.e. an expression (so a JSON
  object there is an object value, never a nested block); ``source`` and ``version`` are literal strings;
  ``providers`` maps names to provider references.
- ``variable``: ``type`` is a type constraint expression; ``default`` is a literal value.
- ``depends_on``/``provider``/``lifecycle.ignore_changes`` hold references written as strings.
- ``provider``/``resource``/``data`` bodies: which properties are nested blocks needs the schema. Without
  one, this follows the shape CDKTF writes and the "Attributes as Blocks" appendix describes: a non-empty
  array of objects is a sequence of nested blocks; an object is an attribute (a map or object value).
  Limit: a resource argument of type list(object) would come out as blocks; crossgate's stacks have none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from crossgate.eject.hcl import Attribute, Blank, Block, Expression, Literal, Value, interpolation_only
from crossgate.errors import CrossgateError

COMMENT = "//"  # JSON syntax's comment property (CDKTF's metadata): dropped
META_FIRST = ("source", "version", "count", "for_each", "provider", "providers", "depends_on")


class EjectError(CrossgateError):
    """The configuration holds something eject cannot write as HCL; the message names it."""


@dataclass
class Converted:
    """One configuration as blocks, grouped by the file each belongs in."""

    versions: list[Block] = field(default_factory=list)
    backend: list[Block] = field(default_factory=list)
    providers: list[Block] = field(default_factory=list)
    variables: list[Block] = field(default_factory=list)
    main: list[Block] = field(default_factory=list)
    outputs: list[Block] = field(default_factory=list)

    def files(self) -> dict[str, list[Block]]:
        """File name -> blocks, only the files that have blocks."""
        named = {"versions.tf": self.versions, "backend.tf": self.backend, "providers.tf": self.providers,
                 "variables.tf": self.variables, "main.tf": self.main, "outputs.tf": self.outputs}
        return {name: blocks for name, blocks in named.items() if blocks}


def convert(config: dict[str, Any]) -> Converted:
    """Split a Terraform JSON document into blocks by role (one file per role)."""
    out = Converted()
    handlers: dict[str, Callable[[Any, Converted], None]] = {
        "terraform": _terraform, "provider": _providers, "resource": _resources, "data": _data,
        "module": _modules, "output": _outputs, "variable": _variables, "locals": _locals,
    }
    for key, value in config.items():
        if key == COMMENT:
            continue
        handler = handlers.get(key)
        if handler is None:
            raise EjectError(f"top-level block type {key!r} is not supported by eject (supported: "
                             f"{', '.join(sorted(handlers))}); write it by hand after ejecting")
        handler(value, out)
    return out


def _reference(text: str) -> Expression:
    """A reference written as a string (``"aws.west"`` or ``"${aws.west}"``) as a bare expression."""
    return Expression(interpolation_only(text) or text)


def _labelled(value: Any, depth: int, where: str) -> list[tuple[list[str], Any]]:
    """Label paths and bodies below a block type (JSON syntax: one object level per label)."""
    if depth == 0:
        bodies = value if isinstance(value, list) else [value]
        return [([], body) for body in bodies]
    if not isinstance(value, dict):
        raise EjectError(f"{where}: expected an object keyed by block label, got {type(value).__name__}")
    found: list[tuple[list[str], Any]] = []
    for label, inner in value.items():
        if label == COMMENT:
            continue
        found.extend(([label, *rest], body) for rest, body in _labelled(inner, depth - 1, f"{where}.{label}"))
    return found


def _terraform(value: dict[str, Any], out: Converted) -> None:
    settings: list[Attribute | Block | Blank] = []
    for key, item in value.items():
        if key == COMMENT:
            continue
        if key == "backend":
            for (kind,), body in _labelled(item, 1, "terraform.backend"):
                out.backend.append(Block("terraform", (), [Block("backend", (kind,), _literal_body(body))]))
        elif key == "required_providers":
            settings.append(Block("required_providers", (), _literal_body(item)))
        elif key == "cloud":
            settings.append(Block("cloud", (), _literal_body(item, blocks=True)))
        elif key == "experiments":
            settings.append(Attribute(key, Expression("[" + ", ".join(item) + "]")))
        else:
            settings.append(Attribute(key, Literal(item)))
    if settings:
        out.versions.append(Block("terraform", (), settings))


def _literal_body(body: dict[str, Any], *, blocks: bool = False) -> list[Attribute | Block | Blank]:
    """A body of literal values; with ``blocks`` an object is a nested block (``cloud { workspaces {} }``)."""
    items: list[Attribute | Block | Blank] = []
    for key, value in body.items():
        if key == COMMENT:
            continue
        if blocks and isinstance(value, dict):
            items.append(Block(key, (), _literal_body(value)))
        else:
            items.append(Attribute(key, Literal(value)))
    return items


def _schema_body(body: dict[str, Any], where: str) -> list[Attribute | Block | Blank]:
    """A provider/resource/data body: attributes first, then nested blocks (arrays of objects)."""
    attributes: list[Attribute | Block | Blank] = []
    blocks: list[Attribute | Block | Blank] = []
    for key, value in body.items():
        if key == COMMENT:
            continue
        if key == "dynamic":
            raise EjectError(f"{where}: dynamic blocks are not supported by eject")
        if key == "depends_on":
            attributes.append(Attribute(key, Expression("[" + ", ".join(_reference(v).text for v in value) + "]")))
        elif key == "provider" and isinstance(value, str):
            attributes.append(Attribute(key, _reference(value)))
        elif key == "lifecycle" and isinstance(value, (dict, list)):
            for item in value if isinstance(value, list) else [value]:
                blocks.append(Block(key, (), _lifecycle(item, f"{where}.lifecycle")))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            blocks.extend(Block(key, (), _schema_body(v, f"{where}.{key}")) for v in value)
        else:
            attributes.append(Attribute(key, value))
    return attributes + blocks


def _lifecycle(body: dict[str, Any], where: str) -> list[Attribute | Block | Blank]:
    items: list[Attribute | Block | Blank] = []
    for key, value in body.items():
        if key in ("ignore_changes", "replace_triggered_by") and isinstance(value, list):
            items.append(Attribute(key, Expression("[" + ", ".join(_reference(v).text for v in value) + "]")))
        elif key == "ignore_changes" and value == "all":
            items.append(Attribute(key, Expression("all")))
        elif key in ("precondition", "postcondition"):
            items.extend(Block(key, (), _schema_body(v, f"{where}.{key}")) for v in _as_list(value))
        elif key != COMMENT:
            items.append(Attribute(key, value))
    return items


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _providers(value: dict[str, Any], out: Converted) -> None:
    for name, configs in value.items():
        for config in _as_list(configs):
            out.providers.append(Block("provider", (name,), _schema_body(config, f"provider.{name}")))


def _resources(value: dict[str, Any], out: Converted) -> None:
    for (kind, name), body in _labelled(value, 2, "resource"):
        out.main.append(Block("resource", (kind, name), _schema_body(body, f"resource.{kind}.{name}")))


def _data(value: dict[str, Any], out: Converted) -> None:
    for (kind, name), body in _labelled(value, 2, "data"):
        out.main.append(Block("data", (kind, name), _schema_body(body, f"data.{kind}.{name}")))


def _modules(value: dict[str, Any], out: Converted) -> None:
    for (name,), body in _labelled(value, 1, "module"):
        meta: list[Attribute | Block | Blank] = []
        for key in META_FIRST:
            if key not in body:
                continue
            item = body[key]
            if key in ("source", "version"):
                meta.append(Attribute(key, Literal(item)))
            elif key == "providers":
                references: dict[str, Value] = {k: _reference(v) for k, v in item.items()}
                meta.append(Attribute(key, references))
            elif key == "depends_on":
                meta.append(Attribute(key, Expression("[" + ", ".join(_reference(v).text for v in item) + "]")))
            else:
                meta.append(Attribute(key, item))
        inputs: list[Attribute | Block | Blank] = [Attribute(k, v) for k, v in body.items()
                                                   if k not in META_FIRST and k != COMMENT]
        # Meta-arguments, a blank line, then the module's inputs.
        out.main.append(Block("module", (name,), [*meta, *([Blank()] if inputs and meta else []), *inputs]))


def _outputs(value: dict[str, Any], out: Converted) -> None:
    for (name,), body in _labelled(value, 1, "output"):
        items: list[Attribute | Block | Blank] = []
        for key, item in body.items():
            if key == "depends_on":
                items.append(Attribute(key, Expression("[" + ", ".join(_reference(v).text for v in item) + "]")))
            elif key == "precondition":
                items.extend(Block(key, (), _schema_body(v, f"output.{name}.{key}")) for v in _as_list(item))
            elif key != COMMENT:
                items.append(Attribute(key, item))
        out.outputs.append(Block("output", (name,), items))


def _variables(value: dict[str, Any], out: Converted) -> None:
    for (name,), body in _labelled(value, 1, "variable"):
        items: list[Attribute | Block | Blank] = []
        for key, item in body.items():
            if key == "type":
                items.append(Attribute(key, _reference(item)))
            elif key == "default":
                items.append(Attribute(key, Literal(item)))
            elif key == "validation":
                items.extend(Block(key, (), _schema_body(v, f"variable.{name}.{key}")) for v in _as_list(item))
            elif key != COMMENT:
                items.append(Attribute(key, item))
        out.variables.append(Block("variable", (name,), items))


def _locals(value: dict[str, Any] | list[dict[str, Any]], out: Converted) -> None:
    for body in _as_list(value):
        items: list[Attribute | Block | Blank] = [Attribute(k, v) for k, v in body.items() if k != COMMENT]
        out.main.append(Block("locals", (), items))
