"""Static checks of the HCL modules and of the synthesized stacks.

- checkov (its own pinned venv, `.venv-checkov`) over every module directory (examples included, so the
  modules are also evaluated with real inputs) and over every synthesized stack of every env in envs/:
  0 failed checks. Synthesized JSON (`cdk.tf.json`) is scanned with checkov's `terraform_json` framework,
  which sees only what the stack itself declares (providers, backend); the same stacks synthesized as HCL
  (`cdk.tf`) are scanned with the `terraform` framework, which follows the module calls, so the modules'
  resources are checked with each environment's inputs.
- Every inline skip (`# checkov:skip=ID:reason`) carries a reason, and every skip is still needed.
- No ingress from 0.0.0.0/0 or ::/0 anywhere in the modules: the ingress rules and blocks are parsed from
  the HCL text (comments and strings handled, var./local. references followed), and every open CIDR
  literal must sit in an egress rule, a route or a validation. The modules' own mocked `terraform test`
  suites assert the same on planned/applied rules.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from crossgate.config import load_environment
from crossgate.paths import ENVS, HCL_MODULES, REPO_ROOT
from crossgate.synth import synthesize

CHECKOV = REPO_ROOT / ".venv-checkov" / "bin" / "checkov"
MODULE_DIRS = list(HCL_MODULES)
ENV_NAMES = sorted(p.stem for p in ENVS.glob("*.yaml"))
OPEN_CIDRS = ("0.0.0.0/0", "::/0")
SKIP_RE = re.compile(r"checkov:skip=([^\s:]*)(?::(.*))?", re.IGNORECASE)
MIN_REASON = 20  # characters: a reason, not a shrug


def _id(path: Path) -> str:
    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)


def _tf_files(*roots: Path) -> list[Path]:
    return sorted(p for root in roots for p in root.rglob("*.tf") if ".terraform" not in p.parts)


# ---------------------------------------------------------------------------------------------------------
# checkov
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Scan:
    """The reports of one checkov run (one per framework), flattened."""

    what: str
    reports: list[dict[str, Any]]

    def results(self, kind: str) -> list[dict[str, Any]]:
        return [c for r in self.reports for c in r.get("results", {}).get(kind, [])]

    @property
    def failed(self) -> list[dict[str, Any]]:
        return self.results("failed_checks")

    @property
    def skipped(self) -> list[dict[str, Any]]:
        return self.results("skipped_checks")

    @property
    def evaluated(self) -> list[dict[str, Any]]:
        return self.results("passed_checks") + self.failed + self.skipped

    def parsing_errors(self) -> list[str]:
        return [e for r in self.reports for e in r.get("results", {}).get("parsing_errors", [])]

    def describe_failures(self) -> str:
        lines = []
        for c in self.failed:
            start, end = c.get("file_line_range") or (0, 0)
            caller = f", called from {c['caller_file_path']}" if c.get("caller_file_path") else ""
            lines.append(
                f"  {c['check_id']} {c['resource']} ({c.get('file_abs_path') or c.get('file_path')}:{start}-{end}"
                f"{caller}): {c.get('check_name', '')}"
            )
        return f"checkov: {len(self.failed)} failed check(s) in {self.what}:\n" + "\n".join(lines) + (
            "\nFix the module, or skip inline on the resource with `# checkov:skip=<ID>:<reason>`."
        )


def _json_documents(text: str) -> Iterator[Any]:
    """checkov prints one JSON document per directory/framework group, back to back."""
    decoder = json.JSONDecoder()
    index = 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index >= len(text):
            return
        document, index = decoder.raw_decode(text, index)
        yield document


def run_checkov(what: str, directories: list[Path], frameworks: list[str]) -> Scan:
    if not CHECKOV.is_file():
        pytest.fail(f"checkov is missing at {_id(CHECKOV)}: run `bash scripts/setup` (it creates .venv-checkov)")
    command = [str(CHECKOV), "--output", "json", "--skip-download", "--framework", *frameworks]
    for directory in directories:
        command += ["--directory", str(directory)]
    # No API key, no network: --skip-download keeps checkov from fetching guidelines from Prisma Cloud.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BC_", "PRISMA_", "CKV_", "TF_VAR_"))}
    proc = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=REPO_ROOT, env=env)
    if proc.returncode not in (0, 1):
        pytest.fail(f"checkov exited {proc.returncode} on {what}:\n{proc.stderr[-3000:]}")
    try:
        documents = list(_json_documents(proc.stdout))
    except json.JSONDecodeError as exc:
        pytest.fail(f"checkov printed no JSON for {what} ({exc}):\n{proc.stdout[-1500:]}\n{proc.stderr[-1500:]}")
    reports = [r for d in documents for r in (d if isinstance(d, list) else [d])]
    return Scan(what, reports)


@pytest.fixture(scope="module")
def module_scans() -> dict[Path, Scan]:
    with ThreadPoolExecutor(max_workers=len(MODULE_DIRS)) as pool:
        scans = pool.map(lambda d: run_checkov(_id(d), [d], ["terraform"]), MODULE_DIRS)
        return dict(zip(MODULE_DIRS, scans, strict=True))


@dataclass
class EnvScan:
    env: str
    stacks: list[str]
    json_scan: Scan
    hcl_scan: Scan
    hcl_dir: Path = field(repr=False)


@pytest.fixture(scope="module")
def stack_scans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, EnvScan]:
    # Synthesized under the repo-independent tmp dir: module sources are relative paths back to modules/.
    jobs = []
    for name in ENV_NAMES:
        env = load_environment(ENVS / f"{name}.yaml")
        json_dir = tmp_path_factory.mktemp(f"{name}-json")
        hcl_dir = tmp_path_factory.mktemp(f"{name}-hcl")
        manifest = synthesize(env, json_dir)
        synthesize(env, hcl_dir, hcl=True)
        jobs.append((name, [s.name for s in manifest.stacks], json_dir / "stacks", hcl_dir / "stacks"))

    def scan(job: tuple[str, list[str], Path, Path]) -> EnvScan:
        name, stacks, json_stacks, hcl_stacks = job
        return EnvScan(
            env=name,
            stacks=stacks,
            json_scan=run_checkov(f"envs/{name}.yaml stacks (cdk.tf.json)", [json_stacks], ["terraform_json"]),
            hcl_scan=run_checkov(f"envs/{name}.yaml stacks (cdk.tf, modules followed)", [hcl_stacks], ["terraform"]),
            hcl_dir=hcl_stacks,
        )

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return {result.env: result for result in pool.map(scan, jobs)}


@pytest.mark.terraform
@pytest.mark.parametrize("module", MODULE_DIRS, ids=_id)
def test_checkov_module_has_no_failed_checks(module: Path, module_scans: dict[Path, Scan]) -> None:
    scan = module_scans[module]
    assert not scan.parsing_errors(), f"checkov could not parse: {scan.parsing_errors()}"
    assert scan.evaluated, f"checkov evaluated nothing in {_id(module)}"
    assert not scan.failed, scan.describe_failures()


@pytest.mark.terraform
@pytest.mark.parametrize("module", MODULE_DIRS, ids=_id)
def test_every_inline_skip_is_still_needed(module: Path, module_scans: dict[Path, Scan]) -> None:
    """A skip whose check no longer applies (or no longer fails) hides nothing but should go."""
    declared = {m.group(1) for path in _tf_files(module) for m in SKIP_RE.finditer(path.read_text())}
    used = {c["check_id"] for c in module_scans[module].skipped}
    assert declared <= used, f"{_id(module)}: inline skips checkov never applied: {sorted(declared - used)}"


@pytest.mark.terraform
@pytest.mark.parametrize("env", ENV_NAMES)
def test_checkov_synthesized_stacks_have_no_failed_checks(env: str, stack_scans: dict[str, EnvScan]) -> None:
    result = stack_scans[env]
    for scan in (result.json_scan, result.hcl_scan):
        assert not scan.parsing_errors(), f"checkov could not parse {scan.what}: {scan.parsing_errors()}"
        assert scan.evaluated, f"checkov evaluated nothing in {scan.what}"
        assert not scan.failed, scan.describe_failures()
    # The HCL scan must really have followed every stack's module call (a broken relative source would
    # silently scan nothing but the provider block).
    callers = {str(c.get("caller_file_path") or "") for c in result.hcl_scan.evaluated}
    for stack in result.stacks:
        assert any(f"/{stack}/" in caller for caller in callers), (
            f"checkov did not reach the module resources of stack {stack} ({result.hcl_dir / stack})"
        )


# ---------------------------------------------------------------------------------------------------------
# Inline skips carry reasons
# ---------------------------------------------------------------------------------------------------------


def test_every_checkov_skip_in_the_modules_has_a_reason() -> None:
    problems = []
    found = 0
    for path in _tf_files(*MODULE_DIRS):
        text = path.read_text()
        blocks = parse_hcl(text)
        for lineno, line in enumerate(text.splitlines(), 1):
            if "checkov" not in line.lower() or "skip" not in line.lower():
                continue
            where = f"{_id(path)}:{lineno}"
            match = SKIP_RE.search(line)
            if match is None or not line.lstrip().startswith(("#", "//")):
                problems.append(f"{where}: not of the form `# checkov:skip=CKV_AWS_123:reason`: {line.strip()}")
                continue
            found += 1
            check_id, reason = match.group(1), (match.group(2) or "").strip()
            if not re.fullmatch(r"CKV2?_[A-Z0-9]+_[0-9]+", check_id):
                problems.append(f"{where}: {check_id!r} is not a checkov check id")
            if len(reason) < MIN_REASON:
                problems.append(f"{where}: skip of {check_id} has no real reason ({reason!r})")
            offset = sum(len(x) + 1 for x in text.splitlines()[: lineno - 1])
            if not any(b.kind in ("resource", "data") and b.start < offset < b.end for b in blocks):
                problems.append(f"{where}: skip of {check_id} is not inside a resource or data block")
    assert not problems, "\n".join(problems)
    assert found, "no inline checkov skip found at all: is the pattern still right?"


# ---------------------------------------------------------------------------------------------------------
# No open ingress: a small HCL reader (blocks, attributes; comments, strings and heredocs respected)
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Block:
    kind: str
    labels: list[str]
    start: int  # offset of the opening brace
    end: int  # offset just past the closing brace
    depth: int
    children: list[Block] = field(default_factory=list)
    parent: Block | None = field(default=None, repr=False)

    def text(self, masked: str) -> str:
        return masked[self.start : self.end]

    def walk(self) -> Iterator[Block]:
        yield self
        for child in self.children:
            yield from child.walk()


_HEADER = re.compile(r'^[ \t]*([A-Za-z_][\w-]*)((?:[ \t]+(?:"[^"\n]*"|[A-Za-z_][\w-]*))*)[ \t]*$')


def mask_hcl(text: str) -> str:
    """The text with comments blanked and braces inside strings/heredocs neutralized; same length and lines."""
    out = list(text)
    n = len(text)

    def blank(i: int, j: int) -> None:
        for k in range(i, min(j, n)):
            if out[k] != "\n":
                out[k] = " "

    def neutral(i: int, j: int) -> None:
        for k in range(i, min(j, n)):
            if out[k] in "{}":
                out[k] = "_"

    def string_end(i: int) -> int:
        """i is just past an opening quote; return the index just past the closing quote."""
        while i < n:
            c = text[i]
            if c == "\\":
                i += 2
            elif c == '"':
                return i + 1
            elif text.startswith(("${", "%{"), i):
                i = template_end(i + 2)
            else:
                i += 1
        return n

    def template_end(i: int) -> int:
        """i is just past `${`; return the index just past the matching `}` (nested strings allowed)."""
        depth = 1
        while i < n:
            c = text[i]
            if c == '"':
                i = string_end(i + 1)
                continue
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
        return n

    i = 0
    while i < n:
        c = text[i]
        if c == "#" or text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            blank(i, j)
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            blank(i, j)
            i = j
        elif c == '"':
            j = string_end(i + 1)
            neutral(i, j)
            i = j
        elif (heredoc := re.match(r"<<-?([A-Za-z_]\w*)[ \t]*\n", text[i:])) is not None:
            closing = re.compile(rf"^[ \t]*{re.escape(heredoc.group(1))}[ \t]*$", re.MULTILINE)
            found = closing.search(text, i + heredoc.end())
            j = n if found is None else found.end()
            neutral(i, j)
            i = j
        else:
            i += 1
    return "".join(out)


def parse_hcl(text: str) -> list[Block]:
    """Top-level blocks with their nested blocks (object literals are not blocks)."""
    masked = mask_hcl(text)
    roots: list[Block] = []
    stack: list[Block | None] = []  # None = a brace that is not a block (object literal, template)
    for i, c in enumerate(masked):
        if c == "{":
            line_start = masked.rfind("\n", 0, i) + 1
            header = _HEADER.match(masked[line_start:i])
            parent = next((b for b in reversed(stack) if b is not None), None)
            inside_literal = bool(stack) and stack[-1] is None
            if header and not inside_literal and header.group(1) not in ("for", "if"):
                labels = re.findall(r'"([^"]*)"|([A-Za-z_][\w-]*)', header.group(2))
                block = Block(header.group(1), [a or b for a, b in labels], i, -1, len(stack), parent=parent)
                (parent.children if parent else roots).append(block)
                stack.append(block)
            else:
                stack.append(None)
        elif c == "}" and stack:
            block = stack.pop()
            if block is not None:
                block.end = i + 1
    return roots


def attribute(block: Block, masked: str, name: str) -> str | None:
    """The expression text of a direct attribute of the block (balanced brackets, may span lines)."""
    body_start = block.start + 1
    child_spans = [(c.start, c.end) for c in block.children]
    for match in re.finditer(rf"^[ \t]*{re.escape(name)}[ \t]*=(?!=)", masked[body_start : block.end], re.MULTILINE):
        position = body_start + match.end()
        if any(s <= position < e for s, e in child_spans):
            continue
        depth = 0
        j = position
        while j < block.end - 1:
            ch = masked[j]
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                depth -= 1
            elif ch == "\n" and depth <= 0:
                break
            j += 1
        return masked[position:j].strip()
    return None


@dataclass
class Source:
    path: Path
    text: str
    masked: str
    blocks: list[Block]


def load_sources(roots: list[Path]) -> list[Source]:
    sources = []
    for path in _tf_files(*roots):
        text = path.read_text()
        sources.append(Source(path, text, mask_hcl(text), parse_hcl(text)))
    return sources


def _open_literals(expression: str) -> list[str]:
    return [cidr for cidr in OPEN_CIDRS if re.search(rf'"\s*{re.escape(cidr)}\s*"', expression)]


def _resolve_open(expression: str, directory_sources: list[Source], seen: set[str], depth: int = 0) -> list[str]:
    """Open CIDRs the expression can produce: literals, and those of the var./local. it refers to."""
    found = [f"literal {c}" for c in _open_literals(expression)]
    if depth > 6:
        return found
    for kind, name in re.findall(r"\b(var|local)\.([A-Za-z_][\w-]*)", expression):
        key = f"{kind}.{name}"
        if key in seen:
            continue
        seen.add(key)
        for source in directory_sources:
            for block in source.blocks:
                if kind == "var" and block.kind == "variable" and block.labels[:1] == [name]:
                    for attr in ("default", "type"):  # `type` holds optional() defaults
                        value = attribute(block, source.masked, attr)
                        if value:
                            inner = _resolve_open(value, directory_sources, seen, depth + 1)
                            found += [f"{key} ({attr}) -> {x}" for x in inner]
                if kind == "local" and block.kind == "locals":
                    value = attribute(block, source.masked, name)
                    if value:
                        found += [f"{key} -> {x}" for x in _resolve_open(value, directory_sources, seen, depth + 1)]
    return found


SECURITY_GROUP_LIKE = ("aws_security_group", "aws_default_security_group", "aws_network_acl", "aws_default_network_acl")


def ingress_blocks(source: Source) -> Iterator[Block]:
    """Every block that admits inbound traffic: standalone ingress rules and nested ingress blocks."""
    for top in source.blocks:
        if top.kind != "resource" or not top.labels:
            continue
        rtype = top.labels[0]
        if rtype == "aws_vpc_security_group_ingress_rule":
            yield top
        elif rtype == "aws_security_group_rule":
            if "egress" not in (attribute(top, source.masked, "type") or ""):
                yield top
        elif rtype == "aws_network_acl_rule":
            if "true" not in (attribute(top, source.masked, "egress") or ""):
                yield top
        elif rtype in SECURITY_GROUP_LIKE:
            for block in top.walk():
                if block.kind == "ingress" or (block.kind == "dynamic" and block.labels[:1] == ["ingress"]):
                    yield block


def open_ingress(roots: list[Path]) -> list[str]:
    sources = load_sources(roots)
    problems = []
    for source in sources:
        siblings = [s for s in sources if s.path.parent == source.path.parent]
        for block in ingress_blocks(source):
            text = block.text(source.masked)
            found = _resolve_open(text, siblings, set())
            if found:
                line = source.text.count("\n", 0, block.start) + 1
                problems.append(f"{_id(source.path)}:{line}: ingress admits the internet: {'; '.join(found)}")
    return problems


def stray_open_cidrs(roots: list[Path]) -> list[str]:
    """Open CIDR literals outside the places they belong: egress rules, routes, validations."""
    problems = []
    for source in load_sources(roots):
        allowed: list[tuple[int, int]] = []
        for top in source.blocks:
            for block in top.walk():
                rtype = block.labels[0] if block.kind == "resource" and block.labels else ""
                legacy_egress = rtype == "aws_security_group_rule" and "egress" in (
                    attribute(block, source.masked, "type") or ""
                )
                if (
                    rtype in ("aws_vpc_security_group_egress_rule", "aws_route")
                    or legacy_egress
                    or block.kind in ("egress", "validation")
                    or (block.kind == "dynamic" and block.labels[:1] == ["egress"])
                ):
                    allowed.append((block.start, block.end))
        for cidr in OPEN_CIDRS:
            for match in re.finditer(re.escape(cidr), source.masked):
                if not any(s <= match.start() < e for s, e in allowed):
                    line = source.text.count("\n", 0, match.start()) + 1
                    problems.append(f"{_id(source.path)}:{line}: {cidr} outside an egress rule, route or validation")
    return problems


def test_no_ingress_from_the_internet_in_the_modules() -> None:
    roots = MODULE_DIRS
    sources = load_sources(roots)
    assert any(True for s in sources for _ in ingress_blocks(s)), "no ingress rule found at all: is the reader broken?"
    problems = open_ingress(roots) + stray_open_cidrs(roots)
    assert not problems, "\n".join(problems)


OPEN_EXAMPLES = {
    "standalone rule": 'resource "aws_vpc_security_group_ingress_rule" "x" {\n  cidr_ipv4 = "0.0.0.0/0"\n}\n',
    "ipv6 rule": 'resource "aws_vpc_security_group_ingress_rule" "x" {\n  cidr_ipv6   = "::/0"\n}\n',
    "nested block": (
        'resource "aws_security_group" "x" {\n  name = "x"\n  ingress {\n'
        '    cidr_blocks = ["10.0.0.0/8", "0.0.0.0/0"]\n  }\n}\n'
    ),
    "dynamic block": (
        'resource "aws_security_group" "x" {\n  dynamic "ingress" {\n    for_each = [1]\n'
        '    content {\n      cidr_blocks = [ "0.0.0.0/0" ]\n    }\n  }\n}\n'
    ),
    "legacy rule": 'resource "aws_security_group_rule" "x" {\n  type = "ingress"\n  cidr_blocks = ["0.0.0.0/0"]\n}\n',
    "through a variable": (
        'variable "cidr" {\n  type    = string\n  default = "0.0.0.0/0"\n}\n'
        'resource "aws_vpc_security_group_ingress_rule" "x" {\n  cidr_ipv4 = var.cidr\n}\n'
    ),
    "through a local and an optional() default": (
        'variable "net" {\n  type = object({\n    cidr = optional(string, "0.0.0.0/0")\n  })\n}\n'
        'locals {\n  cidr = var.net.cidr\n}\n'
        'resource "aws_vpc_security_group_ingress_rule" "x" {\n  cidr_ipv4 = local.cidr\n}\n'
    ),
}

CLOSED_EXAMPLES = {
    "egress to anywhere": 'resource "aws_vpc_security_group_egress_rule" "x" {\n  cidr_ipv4 = "0.0.0.0/0"\n}\n',
    "comment": (
        'resource "aws_vpc_security_group_ingress_rule" "x" {\n  # never 0.0.0.0/0\n'
        '  cidr_ipv4 = "10.0.0.0/16" /* nor ::/0 */\n}\n'
    ),
    "validation": (
        'variable "c" {\n  type = list(string)\n  validation {\n    condition     = !contains(var.c, "0.0.0.0/0")\n'
        '    error_message = "No 0.0.0.0/0 {here}."\n  }\n}\n'
        'resource "aws_vpc_security_group_ingress_rule" "x" {\n  cidr_ipv4 = var.c[0]\n}\n'
    ),
    "route": 'resource "aws_route" "x" {\n  destination_cidr_block = "0.0.0.0/0"\n}\n',
    "legacy egress rule": (
        'resource "aws_security_group_rule" "x" {\n  type = "egress"\n  cidr_blocks = ["0.0.0.0/0"]\n}\n'
    ),
}


@pytest.mark.parametrize("name", sorted(OPEN_EXAMPLES))
def test_the_ingress_reader_catches_open_ingress(name: str, tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(OPEN_EXAMPLES[name])
    assert open_ingress([tmp_path]), f"open ingress ({name}) not detected"


@pytest.mark.parametrize("name", sorted(CLOSED_EXAMPLES))
def test_the_ingress_reader_accepts_closed_configurations(name: str, tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(CLOSED_EXAMPLES[name])
    assert not open_ingress([tmp_path]) and not stray_open_cidrs([tmp_path])


def test_the_hcl_reader_sees_nested_blocks_and_ignores_braces_in_strings() -> None:
    text = (
        'resource "aws_security_group" "x" {\n  description = "a } brace and ${var.x == "}" ? 1 : 2}"\n'
        "  tags = {\n    a = 1\n  }\n  ingress {\n    from_port = 1\n  }\n"
        '  policy = <<-EOT\n    { "x": "}" }\n  EOT\n  egress {\n    to_port = 2\n  }\n}\n'
        "locals {\n  x = { y = 1 }\n}\n"
    )
    blocks = parse_hcl(text)
    assert [(b.kind, b.labels) for b in blocks] == [("resource", ["aws_security_group", "x"]), ("locals", [])]
    assert [c.kind for c in blocks[0].children] == ["ingress", "egress"]
    assert text[blocks[0].end - 1] == "}" and text[blocks[0].end] == "\n"
    assert attribute(blocks[1], mask_hcl(text), "x") == "{ y = 1 }"
