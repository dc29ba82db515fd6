"""One truth for validation: every module rule is either refused by the env schema first, or out of an env's reach.

Walks every ``validation`` block and pre/postcondition of every module (python-hcl2), maps each to its
row of tests/parity/table.py, and for each reachable rule feeds the env mutation that breaks it to
load_environment, which must refuse it naming the field (before terraform ever sees the value).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from crossgate.config import EnvConfigError, load_environment
from crossgate.config import module_rules as schema_rules
from crossgate.config.regions import known_regions
from crossgate.paths import REPO_ROOT
from tests.parity.rules import Rule, all_rules
from tests.parity.table import DELETE, NOT_PASSED, TABLE, Refused, Unreachable
from tests.test_config import VALID

RULES = all_rules()
ENVS = REPO_ROOT / "envs"


def entry_of(rule: Rule) -> list[str]:
    return [key for key in TABLE if rule.key.startswith(key)]


def test_every_module_rule_has_exactly_one_table_row() -> None:
    missing = [rule.key for rule in RULES if not entry_of(rule)]
    ambiguous = {rule.key: entry_of(rule) for rule in RULES if len(entry_of(rule)) > 1}
    assert not missing, "add these module rules to tests/parity/table.py:\n" + "\n".join(missing)
    assert not ambiguous, ambiguous


def test_no_table_row_is_stale() -> None:
    stale = [key for key in TABLE if not any(rule.key.startswith(key) for rule in RULES)]
    assert not stale, f"these rows match no module rule any more: {stale}"


def test_unreachable_rows_say_why() -> None:
    assert all(len(row.reason) > 20 for row in TABLE.values() if isinstance(row, Unreachable))


def mutated(mutations: dict[str, Any]) -> dict[str, Any]:
    """VALID with each dotted path set (DELETE removes it; "COPY:<service>" is a copy of that service)."""
    data = copy.deepcopy(VALID)

    def resolve(value: Any) -> Any:
        if isinstance(value, str) and value.startswith("COPY:"):
            return copy.deepcopy(VALID["services"][value.removeprefix("COPY:")])
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        return value

    for path, value in mutations.items():
        *parents, last = path.split(".")
        node = data
        for part in parents:
            node = node[part]
        if value is DELETE:
            node.pop(last, None)
        else:
            node[last] = resolve(value)
    return data


CASES = [
    pytest.param(mutations, field, id=f"{key} #{number}")
    for key, row in TABLE.items() if isinstance(row, Refused)
    for number, (mutations, field) in enumerate(row.cases)
]


@pytest.mark.parametrize(("mutations", "field"), CASES)
def test_the_schema_refuses_what_the_module_would(tmp_path: Path, mutations: dict[str, Any], field: str) -> None:
    path = tmp_path / "parity.yaml"
    path.write_text(yaml.safe_dump(mutated(mutations), allow_unicode=True), encoding="utf-8")
    with pytest.raises(EnvConfigError) as caught:
        load_environment(path)
    fields = [problem.field for problem in caught.value.problems]
    shown = [str(problem) for problem in caught.value.problems]
    assert any(f == field or f.startswith(field + ".") for f in fields), (field, shown)


def test_the_unmutated_env_loads(tmp_path: Path) -> None:
    path = tmp_path / "parity.yaml"
    path.write_text(yaml.safe_dump(mutated({})))
    load_environment(path)


def _regex_in(rule_start: str) -> str:
    rule = next(r for r in RULES if r.key.startswith(rule_start))
    match = re.search(r'regex\("(.+?)",', rule.condition)
    assert match, rule.condition
    return match.group(1).encode().decode("unicode_escape")


def test_every_known_region_matches_the_module_patterns() -> None:
    """The two rules marked KNOWN_REGION: every region the schema accepts passes both modules' patterns."""
    for start in ("modules/provider var.supported_regions validation",
                  "modules/central var.services validation: Every service_region"):
        pattern = re.compile(_regex_in(start), re.ASCII)
        assert [r for r in known_regions() if not pattern.fullmatch(r)] == [], start


def _contains_list(rule_start: str) -> tuple[int, ...]:
    rule = next(r for r in RULES if r.key.startswith(rule_start))
    match = re.search(r"contains\(\[([\d,\s]+)\]", rule.condition)
    assert match, rule.condition
    return tuple(int(n) for n in re.findall(r"\d+", match.group(1)))


def test_the_schema_reads_the_modules_own_lists() -> None:
    """The regex reader the schema uses (no hcl2 at run time) and python-hcl2 see the same lists."""
    assert schema_rules.log_retention_days() == _contains_list(
        "modules/central var.api validation: The api.log_retention_days")
    rule = next(r for r in RULES if r.key.startswith("modules/provider var.fargate validation: fargate.cpu/memory"))
    assert sorted(schema_rules.fargate_sizes()) == sorted(int(c) for c in re.findall(r'"(\d+)"\s*=', rule.condition))


def _has(variables: Any, path: tuple[str, ...]) -> bool:
    for part in path:
        if not isinstance(variables, dict) or part not in variables:
            return False
        variables = variables[part]
    return True


def test_not_passed_rows_are_not_passed(tmp_path: Path) -> None:
    """A row saying crossgate does not pass a variable stays true: no drawn or shipped env passes it."""
    from hypothesis import HealthCheck, given, settings

    from crossgate.synth.stacks import provider_variables
    from tests.parity.valid_envs import valid_envs

    unpassed = {key: row.unpassed for key, row in TABLE.items()
                if isinstance(row, Unreachable) and row.reason.startswith(NOT_PASSED)}
    assert all(unpassed.values()), f"name the variable path of: {[k for k, v in unpassed.items() if not v]}"
    paths = [*sorted(ENVS.glob("*.yaml"))]

    @settings(max_examples=40, database=None, derandomize=True, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(valid_envs())
    def draw(env: tuple[str, dict[str, Any]]) -> None:
        path = tmp_path / f"{env[0]}-{len(paths)}.yaml"
        path.write_text(yaml.safe_dump(env[1], allow_unicode=True), encoding="utf-8")
        paths.append(path)

    draw()
    for path in paths:
        env = load_environment(path)
        for service in env.config.services:
            variables = provider_variables(env, service)
            passed = {key: p for key, p in unpassed.items() if _has(variables, p)}
            assert not passed, f"{path.name}: crossgate now passes {passed}; move these rows to refused(...)"
