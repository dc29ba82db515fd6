"""``atlantis.yaml`` (repo config version 3) for one or more envs, and the server-side ``repos.yaml`` it needs.

One Atlantis project per stack. The central project ``depends_on`` its provider projects and sits in a later
``execution_order_group``, so `atlantis apply` applies the providers first (and, with
``abort_on_execution_order_fail``, not the central stack when a provider failed). Keys follow
https://www.runatlantis.io/docs/repo-level-atlantis-yaml (reference: Project, Autoplan) and
https://www.runatlantis.io/docs/custom-workflows (steps, ``$PLANFILE``, ``$DIR``, ``$REPO_REL_DIR``,
``$PROJECT_NAME``).

Stale central plans: Atlantis plans every project of a pull request before any is applied, so the central plan
is computed from the provider outputs of before the merge, and for a new provider stack (no outputs yet) it
cannot be computed at all. The central workflow therefore plans **again in its apply stage**, after its
provider projects applied (the earlier execution order group), into ``$PLANFILE``, shows that plan's review in
the apply comment and applies exactly it. A central stack that waits for unapplied providers at plan time gets a
placeholder ``$PLANFILE`` (so that `atlantis apply` still includes it), never applied: its apply stage replaces
it or fails. See docs/ci.md.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Sequence
from typing import Any

from crossgate.ci.layers import SOURCE_PATHS, SYNTH_OUTDIR, CiConfigError, CiStack, Layers

REVIEW_FILE = "crossgate-review.md"
PLAN_LOG = "crossgate-plan.log"
ROOT_VARIABLE = "CROSSGATE_ROOT"
CROSSGATE = ".venv/bin/crossgate"
"""The checkout's own crossgate (scripts/setup, run by the pre-workflow hook): it runs from the clone Atlantis
made of the pull request, so it reads that clone's env file, modules and wrapper."""

PLACEHOLDER = "crossgate: this stack waits for its provider stacks; it is planned again in its apply stage"


def project_dir(stack: str, stacks_dir: str | None) -> str:
    """The stack's folder, relative to the repository root: synthesized (cdktf.out/stacks/<stack>) or ejected."""
    return f"{stacks_dir}/{stack}" if stacks_dir else f"{SYNTH_OUTDIR}/stacks/{stack}"


def normalize_stacks_dir(value: str | None) -> str | None:
    """A folder of the repository (Atlantis refuses a project dir with ``..``), as a clean posix path."""
    if value is None:
        return None
    clean = posixpath.normpath(value.replace(os.sep, "/")).strip("/")
    if not clean or clean == "." or clean.startswith("..") or value.startswith("/"):
        raise CiConfigError(f"--stacks-dir {value!r}: give a folder inside the repository, relative to its root "
                            "(for example `infra` after `crossgate eject --to infra`)")
    return clean


def _root_step() -> dict[str, Any]:
    # The repository root of the clone: $DIR minus $REPO_REL_DIR (Atlantis's custom-workflows `env` example).
    return {"env": {"name": ROOT_VARIABLE, "command": 'echo "${DIR%/$REPO_REL_DIR}"'}}


def _plan_command(layers: Layers) -> str:
    """crossgate plan of the project's stack into $PLANFILE; its progress goes to a log shown only on failure
    (the PR comment is the review, the next step)."""
    log = f'"$DIR/{PLAN_LOG}"'
    return (f'cd "${ROOT_VARIABLE}" && {CROSSGATE} plan --env {layers.env_file} --stack "$PROJECT_NAME" '
            f'--outdir {SYNTH_OUTDIR} --review "$DIR/{REVIEW_FILE}" --plan-out "$PLANFILE" '
            f'> {log} 2>&1 || {{ cat {log}; exit 1; }}')


def _show_review() -> dict[str, Any]:
    return {"run": f'cat "$DIR/{REVIEW_FILE}"'}


def _crossgate_workflows(layers: Layers) -> dict[str, dict[str, Any]]:
    plan = _plan_command(layers)
    providers = {
        "plan": {"steps": [_root_step(), {"run": plan}, _show_review()]},
        "apply": {"steps": ["apply"]},
    }
    central = {
        "plan": {"steps": [
            _root_step(),
            {"run": f'{plan}; test -s "$PLANFILE" || echo "{PLACEHOLDER}" > "$PLANFILE"'},
            _show_review(),
        ]},
        "apply": {"steps": [
            _root_step(),
            {"run": f'{plan}; test -s "$PLANFILE" || {{ echo "crossgate: $PROJECT_NAME still waits for its '
                    f'provider stacks, see the review" >&2; exit 1; }}'},
            _show_review(),
            "apply",
        ]},
    }
    return {workflow_name(layers, "provider"): providers, workflow_name(layers, "central"): central}


def _terraform_workflows(layers: Layers) -> dict[str, dict[str, Any]]:
    """Ejected stacks are plain Terraform: Atlantis's own steps, and the central re-plan before its apply."""
    central = {
        "plan": {"steps": ["init", "plan"]},
        "apply": {"steps": ["init", {"run": {"command": 'terraform plan -input=false -out "$PLANFILE"',
                                             "output": "strip_refreshing"}}, "apply"]},
    }
    return {workflow_name(layers, "central"): central}


def workflow_name(layers: Layers, kind: str) -> str:
    return f"crossgate-{layers.env_name}" + ("-central" if kind == "central" else "")


def _when_modified(layers: Layers, directory: str, stacks_dir: str | None) -> list[str]:
    """Paths relative to the project dir (Atlantis joins them to it): the env file, modules, wrapper."""
    up = posixpath.relpath(".", directory)
    if stacks_dir:
        return ["*.tf*", ".terraform.lock.hcl", f"{up}/{stacks_dir}/**/*.tf*"]
    return [f"{up}/{layers.env_file}", *(f"{up}/{path}" for path in SOURCE_PATHS), "*.tf*"]


def _project(layers: Layers, stack: CiStack, stacks_dir: str | None) -> dict[str, Any]:
    directory = project_dir(stack.name, stacks_dir)
    project: dict[str, Any] = {
        "name": stack.name,
        "dir": directory,
        "execution_order_group": 1 if stack.kind == "central" else 0,
    }
    if stack.depends_on:
        project["depends_on"] = list(stack.depends_on)
    project["autoplan"] = {"enabled": True, "when_modified": _when_modified(layers, directory, stacks_dir)}
    if not stacks_dir or stack.kind == "central":
        project["workflow"] = workflow_name(layers, stack.kind)
    return project


def repo_config(envs: Sequence[Layers], stacks_dir: str | None = None) -> dict[str, Any]:
    """The atlantis.yaml document for these envs (their projects side by side, one order for all)."""
    stacks_dir = normalize_stacks_dir(stacks_dir)
    seen: set[str] = set()
    for layers in envs:
        if layers.env_name in seen:
            raise CiConfigError(f"env {layers.env_name!r} is given twice (--env); give each env once")
        seen.add(layers.env_name)
    workflows: dict[str, Any] = {}
    for layers in envs:
        workflows.update(_terraform_workflows(layers) if stacks_dir else _crossgate_workflows(layers))
    return {
        "version": 3,
        "automerge": False,
        # Each crossgate plan synthesizes the env into the clone's cdktf.out: plans one at a time.
        "parallel_plan": False,
        # Applies only run terraform on saved plans; the provider stacks of a group are independent.
        "parallel_apply": True,
        "abort_on_execution_order_fail": True,
        "projects": [_project(layers, stack, stacks_dir) for layers in envs for stack in layers.stacks],
        "workflows": workflows,
    }


def server_config(envs: Sequence[Layers], repo_id: str, stacks_dir: str | None = None) -> dict[str, Any]:
    """The server-side repos.yaml entry: pre-workflow hooks are server-side only (Atlantis's pre-workflow-hooks
    page), and so are the permissions for the repo to pick and define its workflows."""
    stacks_dir = normalize_stacks_dir(stacks_dir)
    repo: dict[str, Any] = {"id": repo_id, "allowed_overrides": ["workflow"], "allow_custom_workflows": True}
    if not stacks_dir:
        synth = " && ".join(f"{CROSSGATE} synth --env {layers.env_file}" for layers in envs)
        repo["pre_workflow_hooks"] = [{
            "run": f'cd "$DIR" && bash scripts/setup && {synth}',
            "description": "crossgate: install the checkout's crossgate and synthesize the stacks",
        }]
    return {"repos": [repo]}
