"""The lifecycle logic on local state files: which stacks an env still has in its backend, which it dropped
(orphans), and who may use an env's name and state. No terraform: states are written as terraform does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crossgate import names
from crossgate.config import Environment, load_environment
from crossgate.lifecycle.assess import Assessment, assess
from crossgate.lifecycle.backend import LifecycleError, StateLocation
from crossgate.lifecycle.orphans import ALLOW_FLAG, refuse_rename, refuse_without_flag
from crossgate.lifecycle.records import OUTPUT_NAME, Kind, StackRecord, env_file_ref, record_in_state
from crossgate.ops.review import build_review, render_markdown
from crossgate.synth.manifest import stack_names_of
from crossgate.target import Target
from tests.lifecycle_env import CENTRAL_ACCOUNT, PROVIDER_ACCOUNT, REGION, env_data, fake_nlb_arn, write_env

AWS = Target("aws")


def record(env: str, env_file: Path | str, stack: str, *, kind: Kind = "provider", account: str = PROVIDER_ACCOUNT,
           service: str | None = "x") -> StackRecord:
    ref = env_file if isinstance(env_file, str) else env_file_ref(env_file)
    return StackRecord(env=env, env_file=ref, stack=stack, kind=kind, account_id=account,
                       region=REGION, service=service, role_arn=f"arn:aws:iam::{account}:role/crossgate-deployer")


def write_state(folder: Path, stack: str, rec: StackRecord | None, resources: int = 2) -> Path:
    """A state file in terraform's v4 format: the identity output and `resources` managed resources."""
    state = {
        "version": 4, "serial": 3, "lineage": "x",
        "outputs": {OUTPUT_NAME: {"value": rec.to_json(), "type": "object"}} if rec else {},
        "resources": [{"mode": "managed", "type": "aws_vpc_endpoint_service", "name": f"r{i}",
                       "instances": [{"attributes": {"id": f"vpce-svc-{i}"}}]} for i in range(resources)]
                     + [{"mode": "data", "type": "aws_caller_identity", "name": "me", "instances": [{}]}],
    }
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stack}.tfstate"
    path.write_text(json.dumps(state))
    return path


@pytest.fixture
def env(tmp_path: Path) -> Environment:
    return load_environment(write_env(tmp_path / "envs" / "life.yaml", env_data({"alpha": fake_nlb_arn("a")})))


@pytest.fixture
def states(tmp_path: Path) -> Path:
    return tmp_path / "work" / "life" / "state"


def judge(env: Environment, folder: Path) -> Assessment:
    return assess(env, AWS, stack_names_of(env), StateLocation(folder=folder))


def test_a_declared_stack_is_no_orphan_and_a_dropped_one_is(env: Environment, states: Path) -> None:
    write_state(states, "life-central", record("life", env.path, "life-central", kind="central"))
    write_state(states, "life-provider-alpha", record("life", env.path, "life-provider-alpha"))
    dropped = record("life", env.path, "life-provider-beta", service="beta")
    write_state(states, "life-provider-beta", dropped)
    found = judge(env, states)
    assert found.orphans == (dropped,)
    assert found.notes == () and found.rename_from is None
    with pytest.raises(LifecycleError, match=rf"(?s)life-provider-beta.*service beta.*{ALLOW_FLAG}"):
        refuse_without_flag(found, env_file_ref(env.path))


def test_a_destroyed_stack_is_gone_even_if_its_state_object_remains(env: Environment, states: Path) -> None:
    write_state(states, "life-provider-beta", record("life", env.path, "life-provider-beta"), resources=0)
    assert judge(env, states).orphans == ()


def test_another_existing_file_with_the_same_name_is_refused(env: Environment, states: Path, tmp_path: Path) -> None:
    other = write_env(tmp_path / "other" / "life.yaml", env_data({"alpha": fake_nlb_arn("a")}))
    write_state(states, "life-central", record("life", other, "life-central", kind="central"))
    with pytest.raises(LifecycleError) as refused:
        judge(env, states)
    message = str(refused.value)
    assert str(other.resolve()) in message and "name: <another name>" in message and str(states) in message


def test_a_moved_file_takes_its_env_over_and_is_told(env: Environment, states: Path, tmp_path: Path) -> None:
    gone = tmp_path / "old-place" / "life.yaml"  # recorded, no longer there
    write_state(states, "life-central", record("life", gone, "life-central", kind="central"))
    found = judge(env, states)
    assert found.orphans == () and found.rename_from is None
    assert len(found.notes) == 1 and "no longer exists" in found.notes[0] and "takes it over" in found.notes[0]


def test_a_renamed_file_is_told_what_a_deploy_would_do_and_how_to_keep_the_old_env(
        env: Environment, tmp_path: Path) -> None:
    # The file was envs/old.yaml (env "old"), deployed, then renamed to envs/life.yaml: no state under "life".
    old_states = tmp_path / "work" / "old" / "state"
    write_state(old_states, "old-central", record("old", tmp_path / "envs" / "old.yaml", "old-central",
                                                  kind="central", account=CENTRAL_ACCOUNT, service=None))
    found = judge(env, tmp_path / "work" / "life" / "state")
    assert found.rename_from == "old"
    assert "second gateway 'life'" in found.notes[-1] and "`name: old`" in found.notes[-1]
    with pytest.raises(LifecycleError, match="--new-env"):
        refuse_rename(found)


def test_an_old_env_whose_file_still_exists_is_no_rename(env: Environment, tmp_path: Path) -> None:
    old_file = write_env(tmp_path / "envs" / "old.yaml", env_data({"alpha": fake_nlb_arn("a")}))
    write_state(tmp_path / "work" / "old" / "state", "old-central",
                record("old", old_file, "old-central", kind="central", account=CENTRAL_ACCOUNT, service=None))
    assert judge(env, tmp_path / "work" / "life" / "state").rename_from is None


def test_an_explicit_name_keys_stacks_and_state(tmp_path: Path) -> None:
    env = load_environment(write_env(tmp_path / "renamed.yaml", env_data({"alpha": fake_nlb_arn("a")}, name="old")))
    assert env.name == "old"
    assert stack_names_of(env) == {"old-central", "old-provider-alpha"}
    assert names.state_key(env.name, "old-central") == "old/old-central.tfstate"


def test_a_bad_explicit_name_is_reported_on_its_field(tmp_path: Path) -> None:
    from crossgate.config import EnvConfigError

    with pytest.raises(EnvConfigError, match=r"name: env name 'Bad_Name' is not DNS-safe"):
        load_environment(write_env(tmp_path / "ok.yaml", env_data({"alpha": fake_nlb_arn("a")}, name="Bad_Name")))


def test_a_state_without_record_is_named_but_not_destroyable(env: Environment, states: Path) -> None:
    write_state(states, "life-provider-beta", None)
    found = judge(env, states)
    assert found.orphans == () and [s.stack for s in found.unrecorded] == ["life-provider-beta"]
    assert "no identity record" in found.notes[0]


def test_records_survive_terraform_dropping_nulls() -> None:
    rec = record("life", "envs/life.yaml", "life-central", kind="central", service=None)
    shown = {k: v for k, v in rec.to_json().items() if v is not None}  # terraform drops null object attributes
    assert record_in_state({"outputs": {OUTPUT_NAME: {"value": shown}}}) == rec
    assert record_in_state({"outputs": {OUTPUT_NAME: {"value": {**shown, "version": 99}}}}) is None
    assert record_in_state({}) is None


def test_the_review_lists_a_dropped_stack_first(tmp_path: Path) -> None:
    def plan(resource_type: str) -> dict[str, object]:
        return {"resource_changes": [{"address": f"module.m.{resource_type}.x", "module_address": "module.m",
                                      "mode": "managed", "type": resource_type,
                                      "change": {"actions": ["delete"], "before": {"a": 1}, "after": None}}]}

    review = build_review({"life-central": plan("aws_vpc_endpoint"), "life-provider-beta": plan("aws_lb")},
                          removed=("life-provider-beta",))
    assert [c.stack for c in review.security] == ["life-provider-beta", "life-central"]
    text = render_markdown(review, title="t")
    security = text[text.index("### Security-relevant changes"):]
    assert security.index("Stacks to be destroyed") < security.index("- `life-provider-beta`") \
        < security.index("aws_lb") < security.index("aws_vpc_endpoint")
