"""Pure pieces of the workloads: health verdicts, matcher codes, container paths, image lookup (no emulator)."""

from __future__ import annotations

from pathlib import Path

from crossgate.emulator.workloads.health import HealthSettings, Probe, TargetState, code_matches
from crossgate.emulator.workloads.mappings import ImageCommands, expand
from crossgate.emulator.workloads.volumes import host_paths, translate

SETTINGS = HealthSettings("HTTP", "traffic-port", "/health", 5, 2, 3, 2, "200", True, network=True)


def test_matcher_codes_and_ranges() -> None:
    assert code_matches("200", 200) and not code_matches("200", 201)
    assert code_matches("200,202", 202) and code_matches("200-399", 302) and not code_matches("200-399", 404)


def test_one_pass_makes_a_new_target_healthy_then_thresholds_apply() -> None:
    state = TargetState()
    state.apply(Probe(True), SETTINGS)
    assert state.state == "healthy"
    state.apply(Probe(False, "Target.FailedHealthChecks", "x"), SETTINGS)
    assert state.state == "healthy"
    state.apply(Probe(False, "Target.FailedHealthChecks", "x"), SETTINGS)
    assert (state.state, state.reason) == ("unhealthy", "Target.FailedHealthChecks")
    for _ in range(2):
        state.apply(Probe(True), SETTINGS)
        assert state.state == "unhealthy"
    state.apply(Probe(True), SETTINGS)
    assert state.state == "healthy" and state.record() == {"State": "healthy"}


def test_a_new_target_failing_stays_initial_until_the_unhealthy_threshold() -> None:
    state = TargetState()
    state.apply(Probe(False, "Target.FailedHealthChecks", "x"), SETTINGS)
    assert (state.state, state.reason) == ("initial", "Elb.InitialHealthChecking")
    state.apply(Probe(False, "Target.FailedHealthChecks", "x"), SETTINGS)
    assert state.state == "unhealthy"


def test_bind_volumes_are_per_task_and_efs_is_shared(tmp_path: Path) -> None:
    volumes = [{"name": "scratch"}, {"name": "shared", "efsVolumeConfiguration": {"fileSystemId": "fs-1",
                                                                                 "rootDirectory": "/app"}}]
    container = {"mountPoints": [{"sourceVolume": "scratch", "containerPath": "/data"},
                                 {"sourceVolume": "shared", "containerPath": "/data/shared/"}]}
    one = host_paths(volumes, container, tmp_path / "t1", tmp_path / "efs")
    two = host_paths(volumes, container, tmp_path / "t2", tmp_path / "efs")
    assert one["/data"] != two["/data"] and one["/data/shared"] == two["/data/shared"] == tmp_path / "efs/fs-1/app"
    assert translate("/data/shared/x.db", one) == str(tmp_path / "efs/fs-1/app/x.db")
    assert translate("/data/x.db", one) == str(one["/data"] / "x.db")
    assert translate("/database", one) == "/database" and translate("--db=/data/x", one) == "--db=/data/x"


def test_image_lookup_falls_back_to_the_untagged_repository(tmp_path: Path) -> None:
    images = ImageCommands(tmp_path / "images.json")
    images.put("registry:5000/team/app", ["{python}", "-m", "app", "--port", "{port}"])
    assert images.command_for("registry:5000/team/app:v3") is not None
    assert images.command_for("registry:5000/team/other:v3") is None
    assert ImageCommands(tmp_path / "images.json").command_for("registry:5000/team/app@sha256:ab") is not None
    assert expand(["{python}", "--bind={host}:{port}"], "/py", "127.0.0.1", 9) == ["/py", "--bind=127.0.0.1:9"]
