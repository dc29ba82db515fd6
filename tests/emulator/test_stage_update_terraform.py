"""Real terraform + aws provider: an HTTP API stage's throttling and route settings change in place.

Needs the apigatewayv2-update-stage patch (UpdateStage / DeleteRouteSettings); each apply is followed
by a plan that must be empty (GetStage answers the settings the way the provider reads them).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import CENTRAL_ACCOUNT, AccountClient
from test_terraform_e2e import _outputs, _terraform, _write_target

from crossgate.emulator import Emulator, terraform_environment
from crossgate.runner.terraform import plugin_cache_turn

FIXTURE = Path(__file__).parent / "fixtures" / "stage_update"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.terraform,
    pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not on PATH"),
]


def test_stage_settings_change_in_place_and_replan_clean(
    emulator: Emulator, account_client: AccountClient, tmp_path: Path
) -> None:
    workdir = tmp_path / "config"
    shutil.copytree(FIXTURE, workdir, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
    _write_target(workdir, emulator.endpoint_url)
    backend = json.loads((workdir / "backend.tf.json").read_text())
    backend["terraform"]["backend"]["s3"]["key"] = "tests/stage_update.tfstate"
    (workdir / "backend.tf.json").write_text(json.dumps(backend))
    env = {**terraform_environment(emulator.endpoint_url, os.environ), "TF_DATA_DIR": str(tmp_path / "tfdata")}

    def apply(variables: dict[str, Any]) -> None:
        (workdir / "terraform.tfvars.json").write_text(json.dumps(variables))
        _terraform(workdir, env, "apply", "-auto-approve")
        _terraform(workdir, env, "plan", "-detailed-exitcode")

    with plugin_cache_turn():
        _terraform(workdir, env, "init")
    apply({"rate_limit": 50, "burst_limit": 100, "description": "first",
           "route_throttling": {"GET /a": {"rate_limit": 5, "burst_limit": 10}}})
    api_id = _outputs(workdir, env)["api_id"]
    apply({"rate_limit": 200, "burst_limit": 400, "description": "second",
           "route_throttling": {"GET /b": {"rate_limit": 7, "burst_limit": 14}}})

    stage = account_client(CENTRAL_ACCOUNT, "apigatewayv2").get_stage(ApiId=api_id, StageName="$default")
    assert stage["DefaultRouteSettings"]["ThrottlingRateLimit"] == 200
    assert stage["DefaultRouteSettings"]["ThrottlingBurstLimit"] == 400
    assert {k: v["ThrottlingBurstLimit"] for k, v in stage["RouteSettings"].items()} == {"GET /b": 14}
    assert stage["Description"] == "second"
    _terraform(workdir, env, "destroy", "-auto-approve")
