"""A small HCL writer: blocks, attributes and values rendered the way ``terraform fmt`` leaves them.

The values are JSON values as Terraform's JSON syntax holds them. Terraform's JSON syntax page
(https://developer.hashicorp.com/terraform/language/syntax/json, "Expression Mapping") says a JSON
string in an expression context is a string template, so the same text is a valid HCL quoted template
(only quotes, backslashes and control characters need escaping); a template that is one interpolation
and nothing else (``"${module.x.y}"``) yields the inner value unconverted, so it is written as the bare
expression. In literal contexts (the ``terraform`` block: backends, required_providers) no template is
evaluated, so ``${`` and ``%{`` are escaped there (``$${``, ``%%{``).

Output is ``terraform fmt``-clean by construction (measured with terraform 1.11.4): two-space indent,
``=`` aligned within runs of consecutive single-line attributes (a multi-line attribute or a block
ends a run), a blank line before each nested block.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

INDENT = "  "
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
# Bare object keys HCL would read as keywords or the start of a `for` expression: always quoted.
KEYWORDS = frozenset({"true", "false", "null", "for", "in", "if"})
MAX_INLINE_LIST = 100  # a list of scalars longer than this (characters) is written one item per line

@dataclass(frozen=True)
class Expression:
    """An expression written as is (a reference, a type constraint), never quoted."""

    text: str


@dataclass(frozen=True)
class Literal:
    """A value whose strings are plain text, never templates (backend settings, required_providers)."""

    value: Value


Value: TypeAlias = "bool | int | float | str | list[Value] | dict[str, Value] | Expression | Literal | None"


@dataclass(frozen=True)
class Attribute:
    name: str
    value: Value


@dataclass(frozen=True)
class Blank:
    """An empty line in a block body (ends a run of aligned attributes)."""


@dataclass
class Block:
    type: str
    labels: Sequence[str] = ()
    body: list[Attribute | Block | Blank] = field(default_factory=list)


def interpolation_only(template: str) -> str | None:
    """The expression inside ``"${expr}"`` when the template is exactly one interpolation, else None."""
    if not template.startswith("${") or not template.endswith("}"):
        return None
    end = _interpolation_end(template, 2)
    if end != len(template) - 1:
        return None
    inner = template[2:end].strip()
    # Strip markers (`${~ x ~}`) only trim surrounding literal whitespace, of which there is none.
    inner = inner.removeprefix("~").removesuffix("~").strip()
    return inner or None


def _interpolation_end(text: str, start: int) -> int:
    """Index of the ``}`` closing the interpolation whose expression starts at ``start`` (-1: none)."""
    depth = 0
    i = start
    while i < len(text):
        char = text[i]
        if char == '"':
            i = _string_end(text, i + 1)
            if i < 0:
                return -1
        elif char in "{([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    return -1


def _string_end(text: str, start: int) -> int:
    """Index of the quote closing a quoted string inside an expression (nested templates included)."""
    i = start
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == '"':
            return i
        if text.startswith("${", i) or text.startswith("%{", i):
            i = _interpolation_end(text, i + 2)
            if i < 0:
                return -1
        i += 1
    return -1


def quote(text: str, *, literal: bool = False) -> str:
    """A quoted HCL string; ``literal`` escapes template sequences so the text stays as written.

    In a template, the text of each ``${...}``/``%{...}`` sequence is an expression and goes in verbatim
    (its own string literals keep their unescaped quotes); only the literal parts are escaped.
    """
    out: list[str] = []
    i = 0
    while i < len(text):
        if not literal and text.startswith(("$${", "%%{"), i):
            out.append(text[i:i + 3])
            i += 3
            continue
        if not literal and text.startswith(("${", "%{"), i):
            end = _interpolation_end(text, i + 2)
            if end > 0:
                out.append(text[i:end + 1])
                i = end + 1
                continue
        if literal and text.startswith(("${", "%{"), i):
            out.append(text[i] * 2 + "{")
            i += 2
            continue
        out.append(_escape(text[i]))
        i += 1
    return '"' + "".join(out) + '"'


def _escape(char: str) -> str:
    if char == "\\":
        return "\\\\"
    if char == '"':
        return '\\"'
    if char == "\n":
        return "\\n"
    if char == "\r":
        return "\\r"
    if char == "\t":
        return "\\t"
    if ord(char) < 0x20 or ord(char) == 0x7F:
        return f"\\u{ord(char):04x}"
    return char


def _heredoc(text: str, literal: bool) -> str | None:
    """A heredoc for multi-line text ending in a newline (backslashes stay literal in heredocs)."""
    if "\n" not in text[:-1] or not text.endswith("\n") or "\r" in text:
        return None
    lines = text[:-1].split("\n")
    marker = "EOT"
    while marker in (line.strip() for line in lines):
        marker += "X"
    body = text.replace("${", "$${").replace("%{", "%%{") if literal else text
    return f"<<{marker}\n{body}{marker}"


def object_key(key: str, *, literal: bool = False) -> str:
    if IDENTIFIER.match(key) and key not in KEYWORDS:
        return key
    return quote(key, literal=literal)


def render_value(value: Value, level: int = 0, *, literal: bool = False, in_list: bool = False) -> str:
    """HCL text of a value at indent ``level`` (later lines indented; the first line is the caller's).

    No heredoc as a list item: its closing marker must stand alone on its line, so no comma may follow.
    """
    if isinstance(value, Expression):
        return value.text
    if isinstance(value, Literal):
        return render_value(value.value, level, literal=True)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, str):
        if not literal:
            bare = interpolation_only(value)
            if bare is not None:
                return bare
        return (None if in_list else _heredoc(value, literal)) or quote(value, literal=literal)
    if isinstance(value, list):
        return _render_list(value, level, literal)
    return _render_object(value, level, literal)


def _render_list(items: list[Value], level: int, literal: bool) -> str:
    if not items:
        return "[]"
    rendered = [render_value(item, level + 1, literal=literal, in_list=True) for item in items]
    inline = "[" + ", ".join(rendered) + "]"
    if not any("\n" in r for r in rendered) and not any(isinstance(i, (list, dict)) for i in items) \
            and len(inline) <= MAX_INLINE_LIST:
        return inline
    pad = INDENT * (level + 1)
    return "[\n" + "".join(f"{pad}{r},\n" for r in rendered) + INDENT * level + "]"


def _render_object(obj: dict[str, Value], level: int, literal: bool) -> str:
    if not obj:
        return "{}"
    pairs = [(object_key(k, literal=literal), render_value(v, level + 1, literal=literal)) for k, v in obj.items()]
    return "{\n" + _aligned(pairs, level + 1) + INDENT * level + "}"


def _aligned(pairs: list[tuple[str, str]], level: int) -> str:
    """``name = value`` lines, ``=`` aligned within each run of single-line values (as fmt does)."""
    pad = INDENT * level
    lines: list[str] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        width = max((len(name) for name, _ in run), default=0)
        lines.extend(f"{pad}{name.ljust(width)} = {text}\n" for name, text in run)
        run.clear()

    for name, text in pairs:
        if "\n" in text:
            flush()
            lines.append(f"{pad}{name} = {text}\n")
        else:
            run.append((name, text))
    flush()
    return "".join(lines)


def render_block(block: Block, level: int = 0) -> str:
    """One block with its body; nested blocks are preceded by a blank line."""
    pad = INDENT * level
    header = " ".join([block.type, *(quote(label) for label in block.labels)])
    if not block.body:
        return f"{pad}{header} {{\n{pad}}}\n"
    parts: list[str] = []
    pending: list[tuple[str, str]] = []
    for item in block.body:
        if isinstance(item, Blank):
            if pending:
                parts.append(_aligned(pending, level + 1))
                pending = []
            continue
        if isinstance(item, Attribute):
            if not IDENTIFIER.match(item.name):
                raise ValueError(f"{item.name!r} cannot be an HCL argument name (arguments are identifiers)")
            pending.append((item.name, render_value(item.value, level + 1)))
            continue
        if pending:
            parts.append(_aligned(pending, level + 1))
            pending = []
        parts.append(render_block(item, level + 1))
    if pending:
        parts.append(_aligned(pending, level + 1))
    return f"{pad}{header} {{\n" + "\n".join(parts) + f"{pad}}}\n"


def render_file(blocks: Sequence[Block]) -> str:
    """Top-level blocks separated by one blank line."""
    return "\n".join(render_block(block) for block in blocks)
