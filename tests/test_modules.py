"""The HCL modules on their own, with plain terraform: init (offline mirror), validate, fmt, native tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from crossgate.paths import HCL_MODULES, REPO_ROOT
from crossgate.runner.terraform import Terraform

pytestmark = pytest.mark.terraform

MODULE_DIRS = list(HCL_MODULES)
EXAMPLE_DIRS = sorted(path for module in MODULE_DIRS for path in (module / "examples").glob("*") if path.is_dir())


def _id(path: Path) -> str:
    return str(path.relative_to(REPO_ROOT))


def test_every_module_has_the_standard_files() -> None:
    for module in MODULE_DIRS:
        for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md"):
            assert (module / name).is_file(), f"{_id(module)} lacks {name}"
        assert list((module / "tests").glob("*.tftest.hcl")), f"{_id(module)} has no terraform test"
        assert list((module / "examples").glob("*/main.tf")), f"{_id(module)} has no example"


@pytest.mark.parametrize("module", MODULE_DIRS, ids=_id)
def test_module_fmt_validate_and_native_tests(module: Path) -> None:
    tf = Terraform(module)
    tf.run("fmt", "-check", "-recursive", "-diff", "-no-color")
    tf.run("init", "-backend=false", "-input=false", "-no-color")
    tf.validate()
    result = tf.run("test", "-no-color")
    assert "0 failed" in result.stdout and " passed" in result.stdout


@pytest.mark.parametrize("example", EXAMPLE_DIRS, ids=_id)
def test_example_validates(example: Path) -> None:
    tf = Terraform(example)
    tf.run("init", "-backend=false", "-input=false", "-no-color")
    tf.validate()
