"""Which rule fired: every module test that expects a failure names the rule's message, and it is that one.

`terraform test`'s ``expect_failures = [var.services]`` passes when *any* validation of ``var.services``
fails, so a test meant for "port 0 is refused" also passes when a route-key rule fires by mistake. Here each
such run carries one ``# fires: <start of the error message>`` comment per rule it means to trip; the run
is replayed on its own (one file per run in a copy of the modules, ``expect_failures`` removed: a failing
run skips the rest of its file), and terraform's errors must be exactly those rules: each named one fires,
and nothing else does (a second rule tripping by accident is a bug a user would see).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from crossgate.paths import HCL_MODULES, REPO_ROOT
from crossgate.runner.terraform import Terraform
from tests.hcl_copies import copy_hcl_modules, error_text, terraform_test_events

pytestmark = pytest.mark.terraform

FIRES = re.compile(r"^\s*#\s*fires:\s*(?P<message>\S.*?)\s*$", re.MULTILINE)
EXPECT_FAILURES = re.compile(r"^\s*expect_failures\s*=.*$", re.MULTILINE)


@dataclass(frozen=True)
class Block:
    kind: str  # the block's type: run, variables, mock_provider, override_resource, ...
    label: str  # its first label ("" when it has none)
    text: str


@dataclass(frozen=True)
class ExpectedFailure:
    module: Path
    test_file: str
    run: str
    messages: tuple[str, ...]  # the `# fires:` annotations; empty when missing
    header: str  # the file's blocks other than runs (mock providers, variables)
    body: str  # the run block with expect_failures removed

    @property
    def id(self) -> str:
        return f"{self.module.name}/{self.test_file}::{self.run}"


def split_blocks(text: str) -> list[Block]:
    """The top-level blocks of an HCL file, by brace matching outside strings and comments."""
    blocks: list[Block] = []
    depth, start, i = 0, None, 0
    in_string = False
    while i < len(text):
        char = text[i]
        if in_string:
            if char == "\\":
                i += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "#" or text.startswith("//", i):
            i = text.find("\n", i)
            if i < 0:
                break
        elif char == "{":
            if depth == 0:
                start = text.rfind("\n", 0, i) + 1
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0 and start is not None:
                chunk = text[start:i + 1]
                head = chunk.split("{", 1)[0].split()
                label = head[1].strip('"') if len(head) > 1 else ""
                blocks.append(Block(head[0], label, chunk))
                start = None
        i += 1
    return blocks


def expected_failures(module: Path) -> list[ExpectedFailure]:
    found = []
    for test_file in sorted((module / "tests").glob("*.tftest.hcl")):
        blocks = split_blocks(test_file.read_text())
        header = "\n\n".join(b.text for b in blocks if b.kind != "run")
        for block in blocks:
            if block.kind != "run" or not EXPECT_FAILURES.search(block.text):
                continue
            fires = tuple(m["message"] for m in FIRES.finditer(block.text))
            found.append(ExpectedFailure(module, test_file.name, block.label, fires, header,
                                         EXPECT_FAILURES.sub("", block.text)))
    return found


ALL = [case for module in HCL_MODULES for case in expected_failures(module)]


def test_every_expected_failure_names_its_rule() -> None:
    missing = [case.id for case in ALL if not case.messages]
    assert ALL and not missing, f"add a `# fires: <start of the error message>` line to: {missing}"


def test_the_splitter_keeps_braces_inside_strings() -> None:
    blocks = split_blocks('run "a" {\n  routes = ["ANY /x/{proxy+}"] # a } in a comment\n}\nvariables {\n  b = 1\n}\n')
    assert [(b.kind, b.label) for b in blocks] == [("run", "a"), ("variables", "")]


def _diagnostics(tf: Terraform) -> dict[str, list[str]]:
    """Error diagnostics (summary + detail) per test file, from `terraform test -json`."""
    errors: dict[str, list[str]] = {}
    for event in terraform_test_events(tf):
        if (text := error_text(event)) is not None and "@testfile" in event:
            errors.setdefault(event["@testfile"], []).append(text)
    return errors


@pytest.mark.parametrize("module", list(HCL_MODULES), ids=lambda m: m.name)
def test_each_expected_failure_is_its_named_rule(module: Path, tmp_path: Path) -> None:
    cases = [case for case in ALL if case.module == module and case.messages]
    if not cases:
        pytest.skip(f"{module.name} expects no failures")
    # A copy with the modules' relative layout (modules/<name>, eni_lookup), one test file per run.
    copy = copy_hcl_modules(tmp_path / "repo") / module.relative_to(REPO_ROOT)
    for test_file in (copy / "tests").glob("*.tftest.hcl"):
        test_file.unlink()
    files = {}
    for number, case in enumerate(cases):
        name = f"tests/case{number:03d}.tftest.hcl"
        (copy / name).write_text(case.header + "\n\n" + case.body + "\n")
        files[name] = case
    tf = Terraform(copy)
    tf.run("init", "-backend=false", "-input=false", "-no-color")
    errors = _diagnostics(tf)
    wrong = {}
    for name, case in files.items():
        fired = errors.get(name, [])
        missed = [m for m in case.messages if not any(m in e for e in fired)]
        unexpected = [e for e in fired if not any(m in e for m in case.messages)]
        if missed or unexpected:
            wrong[case.id] = {"expected but did not fire": missed, "fired but not expected": unexpected}
    assert not wrong, json.dumps(wrong, indent=1)
