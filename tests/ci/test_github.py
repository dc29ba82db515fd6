"""The GitHub Actions workflow: actionlint finds nothing wrong, and it does what the issue asks (OIDC roles per
account from the env file, provider matrix then central, PR reviews, gated and serialized applies)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from crossgate import names
from crossgate.ci import github
from crossgate.ci.layers import CiConfigError, layers_of
from crossgate.ci.render import to_yaml
from crossgate.cli.context import load_env


def actionlint() -> str:
    """The binary the actionlint wheel (dev extra) installs beside this Python."""
    beside = Path(sys.executable).parent / "actionlint"
    found = str(beside) if beside.exists() else shutil.which("actionlint")
    assert found, "actionlint is missing: install the dev extra (scripts/setup)"
    return found


def lint(text: str, folder: Path) -> subprocess.CompletedProcess[str]:
    path = folder / ".github" / "workflows" / "crossgate.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return subprocess.run([actionlint(), "-no-color", str(path)], cwd=folder, capture_output=True, text=True,
                          timeout=60, check=False)


def _workflow(env_name: str, **options: Any) -> tuple[str, dict[str, Any]]:
    text = to_yaml(github.workflow(layers_of(load_env(env_name)), **options), "header")
    loaded: dict[str, Any] = yaml.safe_load(text)
    return text, loaded


@pytest.mark.parametrize("env_name", ["dev", "multi"])
def test_actionlint_passes(env_name: str, tmp_path: Path) -> None:
    text, _ = _workflow(env_name)
    result = lint(text, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_is_really_checking(tmp_path: Path) -> None:
    text, _ = _workflow("dev")
    broken = text.replace("role-to-assume:", "role-to-asume:", 1)
    result = lint(broken, tmp_path)
    assert result.returncode == 1 and "role-to-asume" in result.stdout


@pytest.mark.parametrize("sign_in", ["central", "per-account"])
def test_roles_per_account_come_from_the_env_file(sign_in: str, tmp_path: Path) -> None:
    env = load_env("multi")
    text, workflow = _workflow("multi", sign_in=sign_in)
    assert lint(text, tmp_path).returncode == 0
    jobs = workflow["jobs"]
    for job in ("plan-providers", "apply-providers"):
        include = jobs[job]["strategy"]["matrix"]["include"]
        expected = [names.provider_stack("multi", s) for s in sorted(env.config.services)]
        assert [row["stack"] for row in include] == expected
        for row in include:
            service = env.config.services[row["stack"].removeprefix("multi-provider-")]
            assert (row["role"], row["region"], row["account"]) == (service.role_arn, service.region,
                                                                    service.account_id)
        credentials = next(s for s in jobs[job]["steps"] if s.get("uses", "").startswith("aws-actions/"))
        signed_in = env.config.central.role_arn if sign_in == "central" else "${{ matrix.role }}"
        assert credentials["with"]["role-to-assume"] == signed_in
        assert credentials["with"]["aws-region"] == "${{ matrix.region }}"
    for job in ("plan-central", "apply-central"):
        credentials = next(s for s in jobs[job]["steps"] if s.get("uses", "").startswith("aws-actions/"))
        assert credentials["with"] == {"role-to-assume": env.config.central.role_arn,
                                       "aws-region": env.config.central.region, "role-session-name": "crossgate"}
    # Two accounts' roles for three provider stacks: 222222222222 serves employee and reports.
    assert {row["role"] for row in jobs["plan-providers"]["strategy"]["matrix"]["include"]} == {
        "arn:aws:iam::222222222222:role/crossgate-deployer", "arn:aws:iam::333333333333:role/crossgate-deployer"}


def test_plans_on_pull_requests_applies_on_the_default_branch_behind_an_environment() -> None:
    _, workflow = _workflow("dev", branch="trunk", environment="production")
    assert workflow["permissions"]["id-token"] == "write"
    assert workflow["on"]["push"]["branches"] == ["trunk"]
    assert "envs/dev.yaml" in workflow["on"]["pull_request"]["paths"]
    jobs = workflow["jobs"]
    assert jobs["plan-central"]["needs"] == "plan-providers" and jobs["apply-central"]["needs"] == "apply-providers"
    for name in ("plan-providers", "plan-central"):
        assert jobs[name]["if"] == "github.event_name == 'pull_request'" and "environment" not in jobs[name]
        runs = [s.get("run", "") for s in jobs[name]["steps"]]
        assert any("crossgate plan --env envs/dev.yaml --stack" in r and "--review crossgate-review.md" in r
                   for r in runs)
        assert any(r.startswith("gh pr comment") for r in runs)
    for name in ("apply-providers", "apply-central"):
        assert jobs[name]["if"] == "github.event_name == 'push'" and jobs[name]["environment"] == "production"
        assert any("crossgate deploy --env envs/dev.yaml --stack" in s.get("run", "") for s in jobs[name]["steps"])
    concurrency = workflow["concurrency"]
    assert "'crossgate-dev-apply'" in concurrency["group"] and "pull_request" in concurrency["cancel-in-progress"]


def test_an_account_without_a_role_is_refused_with_the_field(tmp_path: Path) -> None:
    text = Path(load_env("dev").path).read_text().replace(
        "    role_arn: arn:aws:iam::222222222222:role/crossgate-deployer\n", "")
    env_file = tmp_path / "envs" / "norole.yaml"
    env_file.parent.mkdir()
    env_file.write_text(text)
    layers = layers_of(load_env(str(env_file)), root=tmp_path)  # the checkout here is tmp_path
    assert layers.env_file == "envs/norole.yaml"
    with pytest.raises(CiConfigError, match=r"services\.employee\.role_arn"):
        github.workflow(layers)


def test_an_env_file_outside_the_checkout_is_refused(tmp_path: Path) -> None:
    env_file = tmp_path / "dev.yaml"
    env_file.write_text(Path(load_env("dev").path).read_text())
    with pytest.raises(CiConfigError, match="outside the checkout"):
        layers_of(load_env(str(env_file)))


def test_emulator_envs_are_refused() -> None:
    with pytest.raises(CiConfigError, match="target: aws"):
        github.workflow(layers_of(load_env("local")))
