"""atlantis.yaml for the shipped envs: valid against the repo-config schema written from Atlantis's docs, and
ordered so that every central stack applies after all of its env's provider stacks."""

from __future__ import annotations

import json
import posixpath
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from crossgate import names
from crossgate.ci import atlantis
from crossgate.ci.layers import CiConfigError, layers_of
from crossgate.ci.render import to_yaml
from crossgate.cli.context import load_env
from crossgate.paths import REPO_ROOT

SCHEMA = json.loads((Path(__file__).parent / "atlantis_repo_config.schema.json").read_text())
ENVS = ("local", "multi", "dev")


def _generated(*envs: str, stacks_dir: str | None = None) -> dict[str, Any]:
    """The config as Atlantis reads it: rendered to YAML and parsed back."""
    document = atlantis.repo_config([layers_of(load_env(e)) for e in envs], stacks_dir)
    loaded: dict[str, Any] = yaml.safe_load(to_yaml(document, "header"))
    return loaded


def _check_order(config: dict[str, Any], env_names: tuple[str, ...]) -> None:
    projects = {p["name"]: p for p in config["projects"]}
    assert len(projects) == len(config["projects"]), "project names are unique"
    for env_name in env_names:
        env = load_env(env_name)
        providers = [names.provider_stack(env.name, s) for s in sorted(env.config.services)]
        central = projects[names.central_stack(env.name)]
        assert sorted(central["depends_on"]) == sorted(providers)
        for provider in providers:
            assert "depends_on" not in projects[provider]
            assert projects[provider]["execution_order_group"] < central["execution_order_group"]
    for project in config["projects"]:
        for dependency in project.get("depends_on", []):
            assert dependency in projects, f"{project['name']} depends on an unknown project {dependency}"
        if "workflow" in project:
            assert project["workflow"] in config["workflows"]
    # Atlantis sorts by execution_order_group before planning/applying: that order puts every central last.
    ordered = [p["name"] for p in sorted(config["projects"], key=lambda p: p["execution_order_group"])]
    for project in config["projects"]:
        for dependency in project.get("depends_on", []):
            assert ordered.index(dependency) < ordered.index(project["name"])


@pytest.mark.parametrize("env_name", ENVS)
def test_each_shipped_env_validates_and_orders(env_name: str) -> None:
    config = _generated(env_name)
    jsonschema.validate(config, SCHEMA)
    _check_order(config, (env_name,))
    assert config["abort_on_execution_order_fail"] is True and config["parallel_plan"] is False


def test_all_envs_in_one_file_validate_and_order() -> None:
    config = _generated(*ENVS)
    jsonschema.validate(config, SCHEMA)
    _check_order(config, ENVS)
    assert len(config["projects"]) == sum(len(load_env(e).config.services) + 1 for e in ENVS)


def test_projects_are_the_synthesized_stack_folders_and_autoplan_on_their_sources() -> None:
    config = _generated("multi")
    for project in config["projects"]:
        assert project["dir"] == f"cdktf.out/stacks/{project['name']}"
        # when_modified is relative to the project dir: resolved, it names the env file, modules and wrapper.
        resolved = {posixpath.normpath(posixpath.join(project["dir"], p)) for p in project["autoplan"]["when_modified"]}
        assert {"envs/multi.yaml", "modules/**", "eni_lookup/**", "crossgate/**", "main.py"} <= resolved
        assert (REPO_ROOT / "envs/multi.yaml").is_file()


def test_the_workflows_run_crossgate_plan_with_review_into_planfile_and_central_replans_before_apply() -> None:
    config = _generated("dev")
    provider, central = config["workflows"]["crossgate-dev"], config["workflows"]["crossgate-dev-central"]
    plan_command = provider["plan"]["steps"][1]["run"]
    assert '--env envs/dev.yaml --stack "$PROJECT_NAME"' in plan_command
    assert '--review "$DIR/crossgate-review.md" --plan-out "$PLANFILE"' in plan_command
    assert provider["plan"]["steps"][2] == {"run": 'cat "$DIR/crossgate-review.md"'}  # the PR comment
    assert provider["apply"]["steps"] == ["apply"]  # applies the saved $PLANFILE
    apply_steps = central["apply"]["steps"]
    assert apply_steps[-1] == "apply"
    assert '--plan-out "$PLANFILE"' in apply_steps[1]["run"], "re-planned after the providers applied"


def test_ejected_stacks_are_plain_terraform_projects() -> None:
    config = _generated("multi", stacks_dir="infra/multi")
    jsonschema.validate(config, SCHEMA)
    _check_order(config, ("multi",))
    assert all(p["dir"] == f"infra/multi/{p['name']}" for p in config["projects"])
    central = config["workflows"]["crossgate-multi-central"]
    assert central["plan"]["steps"] == ["init", "plan"] and central["apply"]["steps"][-1] == "apply"
    assert all("workflow" not in p for p in config["projects"] if p["name"] != "multi-central")
    with pytest.raises(CiConfigError, match="inside the repository"):
        _generated("multi", stacks_dir="../elsewhere")


def test_the_schema_refuses_what_atlantis_refuses() -> None:
    good = _generated("dev")
    for broken in (
        {**good, "pre_workflow_hooks": [{"run": "x"}]},  # server-side only
        {**good, "version": 2},
        {**good, "projects": [{**good["projects"][0], "dir": "../up"}]},
        {**good, "projects": [{**good["projects"][0], "execution_order_group": "first"}]},
        {**good, "projects": [{**good["projects"][0], "apply_requirements": ["reviewed"]}]},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, SCHEMA)


def test_server_side_entry_synthesizes_in_a_pre_workflow_hook() -> None:
    server = atlantis.server_config([layers_of(load_env("dev"))], "github.com/acme/infra")
    (repo,) = server["repos"]
    assert repo["id"] == "github.com/acme/infra" and repo["allowed_overrides"] == ["workflow"]
    assert repo["allow_custom_workflows"] is True
    assert ".venv/bin/crossgate synth --env envs/dev.yaml" in repo["pre_workflow_hooks"][0]["run"]


def test_an_env_given_twice_is_refused() -> None:
    with pytest.raises(CiConfigError, match="given twice"):
        _generated("dev", "dev")
