"""push-image.sh with stand-in `aws` and `docker` commands (no Docker engine or AWS here): the calls it makes."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "push-image.sh"

# Each fake appends its argv (and, for docker login, its stdin) to calls.log and answers like the real CLI.
FAKE_AWS = """#!/usr/bin/env bash
echo "aws $*" >> "$CALLS"
case "$*" in
  *"sts get-caller-identity"*) echo 111122223333 ;;
  *"ecr describe-repositories"*) [ -n "${REPO_EXISTS:-}" ] || { echo "RepositoryNotFoundException" >&2; exit 254; } ;;
  *"ecr get-login-password"*) echo s3cret-token ;;
esac
"""
FAKE_DOCKER = """#!/usr/bin/env bash
if [ "$1" = login ]; then echo "docker $* stdin=$(cat)" >> "$CALLS"; else echo "docker $*" >> "$CALLS"; fi
"""


def _run(tmp_path: Path, *args: str, **env: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name, body in (("aws", FAKE_AWS), ("docker", FAKE_DOCKER)):
        (bin_dir / name).write_text(body)
        (bin_dir / name).chmod(0o755)
    calls = tmp_path / "calls.log"
    calls.write_text("")
    full_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "CALLS": str(calls),
        **env,
    }
    result = subprocess.run(
        ["bash", str(SCRIPT), *args], env=full_env, capture_output=True, text=True, timeout=30, check=False
    )
    return result, calls.read_text().splitlines()


def test_creates_the_repository_logs_in_builds_and_pushes(tmp_path: Path) -> None:
    result, calls = _run(tmp_path, "--region", "eu-west-1", "--tag", "v1", "--profile", "provider")
    assert result.returncode == 0, result.stderr
    image = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/crossgate/employee-service:v1"
    assert result.stdout.splitlines() == [image]  # stdout carries only the image URI
    assert calls[0] == "aws --profile provider --region eu-west-1 sts get-caller-identity --query Account --output text"
    assert any("ecr create-repository --repository-name crossgate/employee-service" in c for c in calls)
    registry = "111122223333.dkr.ecr.eu-west-1.amazonaws.com"
    assert f"docker login --username AWS --password-stdin {registry} stdin=s3cret-token" in calls
    assert f"docker build --platform linux/amd64 --tag {image} {SCRIPT.parent}" in calls
    assert calls[-1] == f"docker push {image}"


def test_existing_repository_is_not_created_again(tmp_path: Path) -> None:
    result, calls = _run(tmp_path, "--tag", "v2", AWS_REGION="us-west-1", REPO_EXISTS="1")
    assert result.returncode == 0, result.stderr
    assert not any("create-repository" in c for c in calls)
    assert result.stdout.strip().endswith(".dkr.ecr.us-west-1.amazonaws.com/crossgate/employee-service:v2")


def test_default_tag_is_the_git_commit(tmp_path: Path) -> None:
    result, _ = _run(tmp_path, "--region", "eu-west-1", REPO_EXISTS="1")
    assert result.returncode == 0, result.stderr
    commit = subprocess.run(
        ["git", "-C", str(SCRIPT.parent), "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert result.stdout.strip().split(":")[-1] in {commit, f"{commit}-dirty"}


@pytest.mark.parametrize(
    "args", [[], ["--region"], ["--region", "x", "--bogus"]], ids=["no-region", "no-value", "unknown"]
)
def test_usage_errors_fail_before_calling_aws(tmp_path: Path, args: list[str]) -> None:
    result, calls = _run(tmp_path, *args)
    assert result.returncode != 0
    assert calls == []
