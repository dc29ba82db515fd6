"""Where a pydantic error lands in the schema: the path a user sees, the keys allowed there, "did you mean".

pydantic names union members in its error locations (``central.network.create.cidr``) and says
"Extra inputs are not permitted" without the keys that are; walking the schema along the location
gives both the user's path (members dropped) and the known keys for a near-miss suggestion.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Tag

from crossgate.config.schema import EnvConfig


@dataclass(frozen=True)
class Located:
    """An error location resolved against the schema."""

    path: tuple[str, ...]
    """The location as the user wrote it: keys and list indices, union members dropped."""
    keys: tuple[str, ...] | None
    """The keys the mapping holding the last part allows (None when unknown)."""


def locate(loc: Sequence[int | str]) -> Located:
    """Resolve pydantic's ``loc`` from the root of an env file."""
    node: Any = EnvConfig
    path: list[str] = []
    keys: tuple[str, ...] | None = None
    for part in loc:
        if node is not None:
            member = _union_member(node, str(part))
            if member is not None:
                node = member  # a union member's name in the location, not a key in the file
                continue
        keys = _model_keys(node)
        path.append(str(part))
        node = _child(node, part) if node is not None else None
    return Located(tuple(path), keys)


def did_you_mean(word: object, options: Sequence[str]) -> str | None:
    """The closest option to a misspelt ``word``, if one is close enough to be a likely typo."""
    if not isinstance(word, str) or not options:
        return None
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    if not close:
        lowered = {o.lower(): o for o in options}
        return lowered.get(word.lower())
    return close[0]


def _members(node: Any) -> list[tuple[str | None, Any]]:
    """The alternatives of a (possibly Annotated, possibly optional) type, each with its union tag."""
    origin = typing.get_origin(node)
    if origin is typing.Annotated:
        inner, *meta = typing.get_args(node)
        tags = [m.tag for m in meta if isinstance(m, Tag)]
        found = _members(inner)
        if tags and len(found) == 1:
            return [(tags[0], found[0][1])]
        return found
    if origin in (typing.Union, types.UnionType):
        return [m for arg in typing.get_args(node) for m in _members(arg) if m[1] is not type(None)]
    return [(None, node)]


def _union_member(node: Any, part: str) -> Any:
    """The member of union ``node`` that ``part`` names (by tag, class name, literal or `type`), if any."""
    members = _members(node)
    if len(members) < 2:
        return None
    for tag, member in members:
        name = getattr(member, "__name__", "")
        if part in (tag, name) or part.startswith(("literal[", "function-")):
            return member
        if (isinstance(member, type) and issubclass(member, BaseModel) and "type" in member.model_fields
                and part in typing.get_args(member.model_fields["type"].annotation)):
            return member
    return None


def _single(node: Any) -> Any:
    members = _members(node)
    return members[0][1] if len(members) == 1 else None


def _model_keys(node: Any) -> tuple[str, ...] | None:
    model = _single(node) if node is not None else None
    if isinstance(model, type) and issubclass(model, BaseModel):
        return tuple(field.alias or name for name, field in model.model_fields.items())
    return None


def _child(node: Any, part: int | str) -> Any:
    """The type one step below ``node``: a model's field, a mapping's value, a list's item."""
    single = _single(node)
    if isinstance(single, type) and issubclass(single, BaseModel):
        for name, field in single.model_fields.items():
            if part in (name, field.alias):
                return field.annotation
        return None
    origin = typing.get_origin(single)
    args = typing.get_args(single)
    if origin is dict and len(args) == 2:
        return args[1]
    if origin in (list, tuple) and args:
        return args[0]
    return None
