"""Fuzzed env files always end in a clean validation result, never an unexpected exception or a traceback."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crossgate.config import EnvConfigError, Environment, load_environment
from tests.test_config import VALID

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=300),
    st.text(alphabet=st.characters(min_codepoint=0x80, max_codepoint=0x2FFFF), max_size=50),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=20), inner, max_size=5)), max_leaves=20)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_paths(value, (*prefix, index)))
    return found


PATHS = _paths(VALID)


def _set(data: Any, path: tuple[Any, ...], value: Any, delete: bool) -> Any:
    data = copy.deepcopy(data)
    node = data
    for part in path[:-1]:
        node = node[part]
    if delete and isinstance(node, dict):
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value
    return data


def _check(path: Path) -> None:
    try:
        result = load_environment(path)
    except EnvConfigError as exc:
        assert exc.problems, "an error must carry at least one problem"
        for problem in exc.problems:
            assert problem.file == str(path)
            assert problem.message.strip()
        return
    assert isinstance(result, Environment)


FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(mutations=st.lists(st.tuples(st.sampled_from(PATHS), values, st.booleans()), min_size=1, max_size=4))
def test_mutated_envs_fail_cleanly(tmp_path: Path, mutations: list[tuple[tuple[Any, ...], Any, bool]]) -> None:
    data: Any = VALID
    for path, value, delete in mutations:
        try:
            data = _set(data, path, value, delete)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation replaced this path's parent
    env_file = tmp_path / "fuzz.yaml"
    env_file.write_text(yaml.safe_dump(data, allow_unicode=True))
    _check(env_file)


@FUZZ
@given(text=st.text(max_size=2000))
def test_arbitrary_text_fails_cleanly(tmp_path: Path, text: str) -> None:
    env_file = tmp_path / "fuzz.yaml"
    env_file.write_text(text, encoding="utf-8")
    _check(env_file)


@FUZZ
@given(blob=st.binary(max_size=500))
def test_arbitrary_bytes_fail_cleanly(tmp_path: Path, blob: bytes) -> None:
    env_file = tmp_path / "fuzz.yaml"
    env_file.write_bytes(blob)
    _check(env_file)


@pytest.mark.parametrize("content", [
    "central: [unclosed",
    "\x00\x01binary",
    "services: {a: {port: 999999999999999999999999999999}}",
    "central: &a [*a]",
    "!!python/object/apply:os.system ['echo pwned']",
    "central:\n  account_id: '" + "1" * 100000 + "'",
])
def test_cli_reports_bad_env_without_traceback(tmp_path: Path, content: str) -> None:
    env_file = tmp_path / "bad.yaml"
    env_file.write_text(content)
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "crossgate.cli", "synth", "--env", str(env_file),
                             "--outdir", str(out)], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "crossgate: invalid environment" in result.stderr
    assert not out.exists(), "nothing may be written for an invalid env"
