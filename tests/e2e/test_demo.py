"""README command 1 as a new user runs it: `crossgate demo` starts its own emulator, deploys envs/local.yaml,
runs the seed's scenario through the gateway, re-plans and destroys."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from crossgate.paths import REPO_ROOT
from tests.e2e.conftest import environment_without_emulator_url

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]


def test_the_demo_passes_with_the_scenario_through_the_gateway(tmp_path: Path) -> None:
    env = environment_without_emulator_url()
    result = subprocess.run([sys.executable, "-m", "crossgate.cli", "demo", "--env", "local", "--outdir",
                             str(tmp_path / "cdktf.out")], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                            timeout=1200, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "== the seed's scenario through the gateway" in output
    assert "/_crossgate/execute-api/" in output
    assert "OK: 6/6 steps passed" in output, output[-4000:]
    assert output.count("  PASS  ") >= 6
    assert "== destroy" in output and "Traceback" not in output
    # the provider waits ~60 s for the NLB to turn active: the demo says so while it waits
    assert "waiting for the NLB to be created (module.service.aws_lb.this" in output
    # after a re-plan with no changes the destroy does not read every resource back again
    assert "plan -destroy -refresh=false" in output
