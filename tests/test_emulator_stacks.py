"""A synthesized emulator stack is self-sufficient: its provider blocks, backend and remote state carry the
emulator's fake credentials, endpoints and skip flags, so terraform (or `cdktf deploy`) in its folder needs no
AWS_* variable; crossgate's runner injects none. Real-AWS stacks get none of it.
(The deploy that proves it: tests/e2e/test_cdktf_deploy.py.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crossgate import emulator
from crossgate.config import load_environment
from crossgate.paths import ENVS
from crossgate.synth import synthesize
from crossgate.target import Target

URL = "http://127.0.0.1:45679"
CREDENTIAL_KEYS = {"access_key", "secret_key"}


def stacks(env_name: str, outdir: Path, url: str | None = None) -> dict[str, dict[str, Any]]:
    manifest = synthesize(load_environment(ENVS / f"{env_name}.yaml"), outdir, emulator_url=url)
    return {s.name: json.loads((s.directory / "cdk.tf.json").read_text()) for s in manifest.stacks}


def test_emulator_stacks_carry_the_fake_credentials_everywhere_terraform_needs_them(tmp_path: Path) -> None:
    found = stacks("local", tmp_path, URL)
    assert set(found) == {"local-central", "local-provider-employee"}
    for name, data in found.items():
        (provider,) = data["provider"]["aws"]
        assert provider["access_key"] == emulator.FAKE_ACCESS_KEY_ID, name
        assert provider["secret_key"] == emulator.FAKE_SECRET_ACCESS_KEY, name
        assert provider["skip_credentials_validation"] is True and provider["skip_metadata_api_check"] is True
        assert provider["assume_role"][0]["role_arn"].startswith("arn:aws:iam::"), "accounts still by assume-role"
        backend = data["terraform"]["backend"]["s3"]
        assert {k: backend[k] for k in CREDENTIAL_KEYS} == {
            "access_key": emulator.FAKE_ACCESS_KEY_ID, "secret_key": emulator.FAKE_SECRET_ACCESS_KEY}
        assert backend["endpoints"] == {"s3": URL, "sts": URL} and backend["region"] == emulator.EMULATOR_REGION
    (remote,) = found["local-central"]["data"]["terraform_remote_state"].values()
    assert set(remote["config"]) >= CREDENTIAL_KEYS and remote["config"]["endpoints"]["s3"] == URL


def test_real_stacks_get_no_credentials_no_endpoints(tmp_path: Path) -> None:
    for env_name in ("dev", "multi"):
        for name, data in stacks(env_name, tmp_path / env_name).items():
            text = json.dumps(data)
            assert emulator.FAKE_ACCESS_KEY_ID not in text and emulator.FAKE_SECRET_ACCESS_KEY not in text, name
            (provider,) = data["provider"]["aws"]
            assert not CREDENTIAL_KEYS & set(provider) and "endpoints" not in provider, name
            assert not CREDENTIAL_KEYS & set(data["terraform"]["backend"]["s3"]), name


def test_the_runner_injects_no_credentials_and_blanks_the_callers_aws_settings(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "prod")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real")
    assert Target("aws").terraform_env() == {}
    blanked = Target("emulator", URL).terraform_env()
    assert blanked["AWS_PROFILE"] == "" and blanked["AWS_SECRET_ACCESS_KEY"] == ""
    assert set(blanked.values()) == {""} and all(k.startswith("AWS_") for k in blanked)
