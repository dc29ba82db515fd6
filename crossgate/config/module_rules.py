"""Allowed-value lists read from the modules' own variables.tf, so the schema and the modules share one source.

The env schema must refuse every value a module's validation would refuse at plan. Where a module lists the
allowed values (Fargate cpu/memory pairs, CloudWatch retentions), the schema reads that list here instead of
keeping a second copy that could drift; tests/parity proves every other module rule is matched.
"""

from __future__ import annotations

import re
from functools import cache

from crossgate.paths import MODULES


class ModuleRuleError(RuntimeError):
    """A module's variables.tf no longer has the shape this reader expects (a crossgate bug, not user input)."""


def _variable_block(module: str, variable: str) -> str:
    """The text of one top-level ``variable`` block (variables.tf holds nothing else at top level)."""
    text = (MODULES / module / "variables.tf").read_text(encoding="utf-8")
    start = text.find(f'variable "{variable}" {{')
    if start < 0:
        raise ModuleRuleError(f"modules/{module}/variables.tf has no variable {variable!r}")
    end = text.find('\nvariable "', start + 1)
    return text[start:end if end >= 0 else len(text)]


def _int_list(text: str) -> tuple[int, ...]:
    return tuple(int(item) for item in re.findall(r"\d+", text))


@cache
def allowed_values(module: str, variable: str, expression: str) -> tuple[int, ...]:
    """The integers of ``contains([...], <expression>)`` in that variable's validation."""
    block = _variable_block(module, variable)
    match = re.search(r"contains\(\[([\d,\s]+)\],\s*" + re.escape(expression) + r"\)", block)
    if match is None:
        raise ModuleRuleError(f"modules/{module}/variables.tf: no contains([...], {expression}) in {variable!r}")
    return _int_list(match.group(1))


_RANGE = re.compile(r"^\[for (\w+) in range\((\d+),\s*(\d+)(?:,\s*(\d+))?\)\s*:\s*\1\s*\*\s*(\d+)\]$")


def _memory_list(expression: str) -> tuple[int, ...]:
    """``[512, 1024]`` or ``[for gb in range(4, 17) : gb * 1024]`` (the two shapes the table uses)."""
    expression = expression.strip()
    ranged = _RANGE.match(expression)
    if ranged is not None:
        start, stop, step, factor = (int(g) if g else 1 for g in ranged.group(2, 3, 4, 5))
        return tuple(n * factor for n in range(start, stop, step))
    if re.fullmatch(r"\[[\d,\s]*\]", expression):
        return _int_list(expression)
    raise ModuleRuleError(f"modules/provider/variables.tf: cannot read the Fargate memory list {expression!r}")


@cache
def fargate_sizes() -> dict[int, tuple[int, ...]]:
    """CPU units -> the memory sizes (MiB) Fargate allows with them, from modules/provider's fargate validation."""
    block = _variable_block("provider", "fargate")
    table = re.search(r"lookup\(\{(.*?)\},\s*tostring\(var\.fargate\.cpu\)", block, re.DOTALL)
    if table is None:
        raise ModuleRuleError("modules/provider/variables.tf: no cpu/memory lookup table in variable 'fargate'")
    sizes = {int(cpu): _memory_list(memory)
             for cpu, memory in re.findall(r'^\s*"(\d+)"\s*=\s*(.+?)\s*$', table.group(1), re.MULTILINE)}
    if not sizes:
        raise ModuleRuleError("modules/provider/variables.tf: the cpu/memory lookup table is empty")
    return sizes


def log_retention_days() -> tuple[int, ...]:
    """The API access-log retentions modules/central accepts (CloudWatch Logs' list, without 0 = never)."""
    return allowed_values("central", "api", "var.api.log_retention_days")
