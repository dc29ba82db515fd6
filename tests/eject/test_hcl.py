"""The JSON -> HCL writer: fmt-clean output, bare expressions for interpolation-only strings, and values
that terraform reads back exactly as it reads the JSON they came from."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from crossgate.eject.hcl import Attribute, Block, Expression, Literal, interpolation_only, quote, render_file
from crossgate.eject.tf_json import EjectError, convert
from crossgate.paths import TERRAFORM_CLI_CONFIG

TRICKY: dict[str, Any] = {
    "plain": "hello",
    "escapes": 'quote " backslash \\ tab \t',
    "unicode": "café ✓",
    "multiline": "line one\n  line two \\ raw\n",
    "no_final_newline": "a\nb",
    "template": "prefix-${upper(\"x\")}-suffix",
    "escaped_template": "$${not_interpolated} and %%{ not a directive }",
    "only": "${upper(\"only\")}",
    "two": "${upper(\"a\")}${lower(\"B\")}",
    "braces_in_string": "${join(\"}\", [\"a\", \"b\"])}",
    "numbers": [1, 2.5, -3, 1e20],
    "flags": [True, False, None],
    "empty_list": [],
    "empty_object": {},
    "keys": {"crossgate:env": "x", "ANY /a/{proxy+}": 1, "for": 2, "null": 3, "plain_key": 4, "with-dash": 5},
    "nested": [{"a": [{"b": "c"}], "d": {}}, "e"],
    "list_of_multiline": ["x\ny\n"],
}


TF_ENV = {**os.environ, "TF_CLI_CONFIG_FILE": str(TERRAFORM_CLI_CONFIG), "CHECKPOINT_DISABLE": "1"}


def terraform(folder: Path, *args: str) -> str:
    result = subprocess.run(["terraform", f"-chdir={folder}", *args, "-no-color"], capture_output=True, text=True,
                            timeout=120, check=False, env=TF_ENV)
    assert result.returncode == 0, result.stderr
    return result.stdout


def output_values(folder: Path) -> dict[str, Any]:
    terraform(folder, "init", "-input=false")
    terraform(folder, "plan", "-input=false", "-out=plan")
    shown = json.loads(terraform(folder, "show", "-json", "plan"))
    return {name: o["value"] for name, o in shown["planned_values"]["outputs"].items()}


def tricky_config() -> dict[str, Any]:
    return {"output": {name: {"value": value} for name, value in TRICKY.items()}}


def test_interpolation_only_strings_become_bare_expressions() -> None:
    assert interpolation_only("${module.service.endpoint_service_name}") == "module.service.endpoint_service_name"
    assert interpolation_only('${join("}", x)}') == 'join("}", x)'
    assert interpolation_only("${a}${b}") is None
    assert interpolation_only("x${a}") is None
    assert interpolation_only("${a}x") is None
    assert interpolation_only("$request.path") is None
    text = render_file(convert(tricky_config()).outputs)
    assert 'value = upper("only")' in text
    assert '"${upper(\\"only\\")}"' not in text


def test_literal_contexts_escape_template_sequences() -> None:
    assert quote("${x}", literal=True) == '"$${x}"'
    assert quote("%{x}", literal=True) == '"%%{x}"'
    text = render_file(convert({"terraform": {"backend": {"local": {"path": "${weird}.tfstate"}}}}).backend)
    assert 'path = "$${weird}.tfstate"' in text


@pytest.mark.terraform
def test_output_is_fmt_clean_and_reads_back_as_the_json_does(tmp_path: Path) -> None:
    config = tricky_config()
    as_json, as_hcl = tmp_path / "json", tmp_path / "hcl"
    as_json.mkdir()
    as_hcl.mkdir()
    (as_json / "main.tf.json").write_text(json.dumps(config))
    (as_hcl / "main.tf").write_text(render_file(convert(config).outputs))
    fmt = subprocess.run(["terraform", "fmt", "-check", "-diff", "-no-color", str(as_hcl)], capture_output=True,
                         text=True, check=False)
    assert fmt.returncode == 0, fmt.stdout
    expected = output_values(as_json)
    assert output_values(as_hcl) == expected
    assert expected["escaped_template"] == "${not_interpolated} and %{ not a directive }"


@pytest.mark.terraform
def test_blocks_attributes_and_meta_arguments_validate(tmp_path: Path) -> None:
    config = {
        "terraform": {"required_version": ">= 1.5", "backend": {"local": {"path": "x.tfstate"}},
                      "required_providers": {"aws": {"source": "hashicorp/aws", "version": ">= 5.83, < 7.0"}}},
        "provider": {"aws": [{"region": "us-west-1"}, {"alias": "east", "region": "us-east-1",
                                                        "assume_role": [{"role_arn": "arn:aws:iam::1:role/r"}],
                                                        "default_tags": [{"tags": {"a:b": "c"}}]}]},
        "variable": {"names": {"type": "${list(string)}", "default": ["${literal}"], "description": "d"}},
        "locals": {"first": "${var.names[0]}"},
        "module": {"m": {"source": "./m", "providers": {"aws": "aws.east"}, "count": 1,
                         "settings": {"nested": [{"x": 1}]}, "depends_on": ["terraform_data.t"]}},
        "resource": {"terraform_data": {"t": {"input": "${local.first}",
                                              "lifecycle": {"ignore_changes": ["input"]}}}},
        "output": {"o": {"value": "${module.m}", "sensitive": False}},
    }
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "main.tf").write_text(
        'variable "settings" {}\n\nterraform {\n  required_providers {\n    aws = {\n      source = "hashicorp/aws"'
        '\n    }\n  }\n}\n')
    files = convert(config).files()
    assert set(files) == {"versions.tf", "backend.tf", "providers.tf", "variables.tf", "main.tf", "outputs.tf"}
    for name, blocks in files.items():
        (tmp_path / name).write_text(render_file(blocks))
    main = (tmp_path / "main.tf").read_text()
    assert "aws = aws.east" in main and "depends_on = [terraform_data.t]" in main
    assert "nested = [\n" in main, "a module input is a value, never a block"
    assert "assume_role {" in (tmp_path / "providers.tf").read_text(), "an array of objects is a nested block"
    assert "type        = list(string)" in (tmp_path / "variables.tf").read_text()
    assert 'default     = ["$${literal}"]' in (tmp_path / "variables.tf").read_text()
    fmt = subprocess.run(["terraform", "fmt", "-check", "-diff", "-no-color", str(tmp_path)], capture_output=True,
                         text=True, check=False)
    assert fmt.returncode == 0, fmt.stdout
    terraform(tmp_path, "init", "-backend=false", "-input=false")
    terraform(tmp_path, "validate")


def test_unsupported_constructs_are_named() -> None:
    with pytest.raises(EjectError, match="'moved'"):
        convert({"moved": {}})
    with pytest.raises(EjectError, match="dynamic"):
        convert({"resource": {"x": {"y": {"dynamic": {}}}}})


def test_argument_names_must_be_identifiers() -> None:
    with pytest.raises(ValueError, match="identifiers"):
        render_file([Block("module", ("m",), [Attribute("not valid", 1)])])


def test_expressions_and_literals_render_as_given() -> None:
    text = render_file([Block("x", (), [Attribute("a", Expression("var.a")), Attribute("bb", Literal("${x}"))])])
    assert text == 'x {\n  a  = var.a\n  bb = "$${x}"\n}\n'
