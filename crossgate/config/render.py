"""pydantic's errors as problems a user can act on: the path as written, what is wrong, the fix."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from crossgate.config.hints import did_you_mean, locate


@dataclass(frozen=True)
class Rendered:
    """One schema error: the path in the file and the message with its fix."""

    path: tuple[str, ...]
    message: str


def render(exc: ValidationError, prefix: tuple[str, ...] = ()) -> list[Rendered]:
    """Every error of ``exc`` (raised validating the part of the file at ``prefix``)."""
    rendered: list[Rendered] = []
    for error in exc.errors(include_url=False):
        located = locate((*prefix, *error["loc"]))
        rendered.append(Rendered(located.path, _message(error, located.path, located.keys)))
    return rendered


def _message(error: Any, path: tuple[str, ...], keys: tuple[str, ...] | None) -> str:
    kind = error["type"]
    message = str(error["msg"]).removeprefix("Value error, ")
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        guess = did_you_mean(path[-1] if path else None, keys or ())
        if guess is not None:
            return f"is not a known field; fix: did you mean {guess!r}?"
        known = f" (known here: {', '.join(keys)})" if keys else ""
        return f"is not a known field{known}; fix: remove it or check its spelling"
    if kind == "missing":
        return "is required; fix: add it"
    if kind == "literal_error":
        guess = did_you_mean(error.get("input"), re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
        return f"{message}; fix: " + (f"did you mean {guess!r}?" if guess else "use one of the listed values")
    if kind == "union_tag_invalid":
        guess = did_you_mean(ctx.get("tag"), re.findall(r"'([^']*)'", str(ctx.get("expected_tags", ""))))
        return f"{message}; fix: " + (f"did you mean {guess!r}?" if guess else "use one of the documented shapes")
    if kind in _FIX_BY_ERROR and "fix:" not in message:
        return f"{message}; fix: {_FIX_BY_ERROR[kind]}"
    return message


# Hints for pydantic's own messages, which say what is wrong but not what to do.
_FIX_BY_ERROR = {
    "greater_than_equal": "use a value within the allowed range",
    "less_than_equal": "use a value within the allowed range",
    "greater_than": "use a value within the allowed range",
    "less_than": "use a value within the allowed range",
    "too_short": "add at least the minimum number of entries",
    "too_long": "remove entries to stay within the limit",
    "string_pattern_mismatch": "use the documented format",
    "string_type": "give a string (quote it in YAML)",
    "int_type": "give a whole number",
    "int_parsing": "give a whole number",
    "int_from_float": "give a whole number",
    "float_parsing": "give a number",
    "float_type": "give a number",
    "finite_number": "give a finite number",
    "bool_parsing": "give true or false",
    "bool_type": "give true or false",
    "dict_type": "give a YAML mapping",
    "list_type": "give a YAML list",
    "tuple_type": "give a YAML list",
    "model_type": "give a YAML mapping",
    "model_attributes_type": "give a YAML mapping",
    "recursion_loop": "remove the YAML alias that refers to itself",
}
