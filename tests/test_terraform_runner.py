"""The terraform runner and the orchestrator against provider-free `terraform_data` configs."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crossgate.paths import TERRAFORM_CLI_CONFIG
from crossgate.runner.orchestrate import Orchestrator
from crossgate.runner.terraform import LOCK_FILE, PlanResult, Result, Terraform, TerraformError, plugin_cache_turn
from crossgate.synth import Manifest, Stack

pytestmark = pytest.mark.terraform


def stack_dir(tmp_path: Path, name: str, body: str) -> Path:
    directory = tmp_path / name
    directory.mkdir()
    (directory / "main.tf").write_text(body)
    return directory


DATA = """
variable "greeting" {
  type    = string
  default = "hello"
}
resource "terraform_data" "this" {
  input = var.greeting
}
output "greeting" {
  value = terraform_data.this.output
}
"""


def test_plan_apply_replan_exit_codes(tmp_path: Path) -> None:
    tf = Terraform(stack_dir(tmp_path, "a", DATA))
    tf.init()
    first = tf.plan()
    assert first.has_changes
    assert stat.S_IMODE(first.plan_file.stat().st_mode) & 0o077 == 0, "plan files must be private"
    plan_json = tf.show_json(first)
    assert [c["type"] for c in plan_json["resource_changes"]] == ["terraform_data"]
    tf.apply(first)
    assert tf.output_json() == {"greeting": "hello"}
    assert tf.plan().has_changes is False
    assert tf.state_list() == ["terraform_data.this"]


def test_error_text_surfaces(tmp_path: Path) -> None:
    tf = Terraform(stack_dir(tmp_path, "bad", 'resource "terraform_data" "x" {\n  input = var.missing\n}\n'))
    tf.init()
    with pytest.raises(TerraformError) as raised:
        tf.plan()
    assert raised.value.returncode == 1
    assert "Reference to undeclared input variable" in str(raised.value)


def test_ambient_tf_var_does_not_leak(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TF_VAR_greeting", "from-the-shell")
    tf = Terraform(stack_dir(tmp_path, "a", DATA))
    tf.init()
    tf.apply(tf.plan())
    assert tf.output_json()["greeting"] == "hello"


def test_each_stack_has_its_own_data_dir(tmp_path: Path) -> None:
    a = Terraform(stack_dir(tmp_path, "a", DATA))
    b = Terraform(stack_dir(tmp_path, "b", DATA.replace('"hello"', '"bonjour"')))
    for tf in (a, b):
        tf.init()
        tf.apply(tf.plan())
    assert a.environment()["TF_DATA_DIR"] != b.environment()["TF_DATA_DIR"]
    assert a.output_json() == {"greeting": "hello"}
    assert b.output_json() == {"greeting": "bonjour"}


def test_timeout_is_enforced(tmp_path: Path) -> None:
    slow = 'resource "terraform_data" "x" {\n  provisioner "local-exec" {\n    command = "sleep 30"\n  }\n}\n'
    tf = Terraform(stack_dir(tmp_path, "slow", slow), timeout=120)
    tf.init()
    plan = tf.plan()
    tf.timeout = 2
    with pytest.raises(TerraformError, match="timed out"):
        tf.apply(plan)


def test_orchestrator_applies_in_dependency_order_and_destroys_in_reverse(tmp_path: Path) -> None:
    producer = stack_dir(tmp_path, "producer", DATA)
    consumer_body = f"""
data "terraform_remote_state" "producer" {{
  backend = "local"
  config = {{ path = "{producer}/terraform.tfstate" }}
}}
resource "terraform_data" "this" {{
  input = "${{data.terraform_remote_state.producer.outputs.greeting}}, world"
}}
output "sentence" {{
  value = terraform_data.this.output
}}
"""
    consumer = stack_dir(tmp_path, "consumer", consumer_body)
    manifest = Manifest(tmp_path, (
        Stack("consumer", consumer, ("producer",)),
        Stack("producer", producer, ()),
    ))
    events: list[tuple[str, str]] = []
    orchestrator = Orchestrator(manifest, report=lambda stack, message: events.append((stack, message)))

    planned = {o.stack: o.status for o in orchestrator.run("plan")}
    assert planned == {"producer": "changed", "consumer": "skipped"}

    deployed = orchestrator.run("deploy")
    assert [(o.stack, o.status) for o in deployed] == [("producer", "applied"), ("consumer", "applied")]
    assert orchestrator.outputs()["consumer"] == {"sentence": "hello, world"}
    assert {o.status for o in orchestrator.run("plan")} == {"unchanged"}

    destroyed = orchestrator.run("destroy")
    assert [(o.stack, o.status) for o in destroyed] == [("consumer", "destroyed"), ("producer", "destroyed")]
    applies = [stack for stack, message in events if message == "apply"]
    assert applies == ["producer", "consumer", "consumer", "producer"]
    state = json.loads((producer / "terraform.tfstate").read_text())
    assert state["resources"] == []


def test_plan_checks_later_layers_dependencies_beside_the_first_layer(tmp_path: Path) -> None:
    """The consumer's "is the producer applied?" check must not wait for the producer's plan to finish."""
    producer = stack_dir(tmp_path, "producer", DATA)
    consumer = stack_dir(tmp_path, "consumer", DATA)
    manifest = Manifest(tmp_path, (Stack("consumer", consumer, ("producer",)), Stack("producer", producer, ())))
    events: list[str] = []

    class Recording(Orchestrator):
        def _unapplied_dependencies(self, stack: Stack) -> list[str]:
            events.append(f"check {stack.name}")
            return super()._unapplied_dependencies(stack)

    outcomes = Recording(manifest, report=lambda stack, message: events.append(f"{stack} {message}")).run("plan")
    assert {o.stack: o.status for o in outcomes} == {"producer": "changed", "consumer": "skipped"}
    assert events.index("check consumer") < events.index("producer changed")
    assert events.count("check consumer") == 1


def test_dependency_check_stops_at_the_first_batch_with_an_unapplied_stack(tmp_path: Path) -> None:
    producers = [Stack(f"p{i}", stack_dir(tmp_path, f"p{i}", DATA), ()) for i in range(6)]
    consumer = Stack("consumer", stack_dir(tmp_path, "consumer", DATA), tuple(p.name for p in producers))
    asked: list[str] = []

    class Counting(Orchestrator):
        def terraform(self, stack: Stack) -> Terraform:
            asked.append(stack.name)
            return super().terraform(stack)

    missing = Counting(Manifest(tmp_path, (consumer, *producers)), parallelism=2)._unapplied_dependencies(consumer)
    assert missing == ["p0", "p1"] and sorted(asked) == ["p0", "p1"]


def test_orchestrator_stops_dependents_after_a_failure(tmp_path: Path) -> None:
    broken = stack_dir(tmp_path, "broken", 'resource "terraform_data" "x" {\n  input = var.nope\n}\n')
    dependent = stack_dir(tmp_path, "dependent", DATA)
    manifest = Manifest(tmp_path, (Stack("broken", broken, ()), Stack("dependent", dependent, ("broken",))))
    outcomes = Orchestrator(manifest).run("deploy")
    assert [(o.stack, o.status) for o in outcomes] == [("broken", "failed"), ("dependent", "skipped")]
    assert "undeclared input variable" in outcomes[0].detail
    assert not (dependent / "terraform.tfstate").exists()


class LaggingTerraform(Terraform):
    """Real terraform whose first apply fails the way eni_lookup's precondition does right after create."""

    failed_once = False

    def apply(self, plan: PlanResult) -> Result:
        if not LaggingTerraform.failed_once:
            LaggingTerraform.failed_once = True
            super().apply(plan)  # the endpoint is created, as in AWS, before the lookup fails
            raise TerraformError("apply", 1, "Error: Resource precondition failed\n"
                                 "The VPC endpoint lists 1 network interface(s) but 2 were expected (one per subnet).")
        return super().apply(plan)


def test_deploy_retries_once_when_endpoint_enis_lag(tmp_path: Path) -> None:
    directory = stack_dir(tmp_path, "lagging", DATA)

    class Lagging(Orchestrator):
        def terraform(self, stack: Stack) -> Terraform:
            return LaggingTerraform(stack.directory, extra_env=self.extra_env)

    events: list[str] = []
    outcomes = Lagging(Manifest(tmp_path, (Stack("lagging", directory, ()),)),
                       report=lambda stack, message: events.append(message)).run("deploy")
    assert [(o.stack, o.status) for o in outcomes] == [("lagging", "applied")], outcomes
    assert events.count("endpoint ENIs not all listed yet; retrying once") == 1
    assert Terraform(directory).output_json() == {"greeting": "hello"}


def test_other_failures_are_not_retried(tmp_path: Path) -> None:
    body = 'resource "terraform_data" "x" {\n  provisioner "local-exec" {\n    command = "exit 3"\n  }\n}\n'
    events: list[str] = []
    outcomes = Orchestrator(Manifest(tmp_path, (Stack("x", stack_dir(tmp_path, "x", body), ()),)),
                            report=lambda stack, message: events.append(message)).run("deploy")
    assert outcomes[0].status == "failed"
    assert not any("retrying" in e for e in events)


def test_stale_lock_hint_names_the_lock_id_from_lock_info() -> None:
    from crossgate.runner.orchestrate import _hint

    text = """Error: Error acquiring the state lock

Error message: operation error S3: PutObject, https response error StatusCode: 412, RequestID: ab12,
HostID: e32VK4z1dsc0ia8OdAyDhr3SSw5xpypHiFX9jvK0ynlnO3ZzleWe, api error PreconditionFailed
Lock Info:
  ID:        c63cd972-bbce-e3d6-3b7b-cbe1372b521d
  Path:      crossgate-tfstate/x/x-provider-employee.tfstate
"""
    hint = _hint(Stack("x-provider-employee", Path("."), ()), TerraformError("plan", 1, text))
    assert "crossgate unlock --stack x-provider-employee c63cd972-bbce-e3d6-3b7b-cbe1372b521d" in hint


def test_init_turns_are_shared_with_other_processes() -> None:
    """terraform's plugin cache breaks under concurrent inits from any process, so the turn is machine-wide."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom crossgate.runner.terraform import plugin_cache_turn\n"
         "with plugin_cache_turn():\n    print('holding', flush=True)\n    time.sleep(2)\n"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        started = time.monotonic()
        with plugin_cache_turn():
            waited = time.monotonic() - started
        assert waited > 1.0, "the turn was taken while another process held it"
    finally:
        holder.wait(timeout=30)


AWS_ONLY = 'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws", version = "5.100.0" }\n  }\n}\n'


def test_a_fresh_stack_links_the_cached_provider_its_sibling_locked(tmp_path: Path) -> None:
    """An init without a lock file re-installs the provider into the shared plugin cache, which every other
    stack's .terraform links through (a plan starting then fails); seeded with a sibling's lock file, it links."""
    cache = tmp_path / "plugin-cache"
    cache.mkdir()
    installation = [line for line in TERRAFORM_CLI_CONFIG.read_text().splitlines() if "plugin_cache_dir" not in line]
    config = tmp_path / "terraformrc"
    config.write_text("\n".join([*installation, f'plugin_cache_dir = "{cache}"', ""]))
    env = {"TF_CLI_CONFIG_FILE": str(config)}

    def cache_entry() -> tuple[int, int]:
        entry = next(cache.glob("registry.terraform.io/hashicorp/aws/*/*")).lstat()
        return entry.st_ino, entry.st_mtime_ns

    first = Terraform(stack_dir(tmp_path, "first", AWS_ONLY), extra_env=env)
    first.init()
    installed = cache_entry()
    seeded = Terraform(stack_dir(tmp_path, "seeded", AWS_ONLY), extra_env=env)
    seeded.init(lock_files=[tmp_path / "not-initialized" / LOCK_FILE, first.working_dir / LOCK_FILE])
    assert cache_entry() == installed, "the seeded init re-installed the provider into the shared cache"
    assert (seeded.working_dir / LOCK_FILE).read_text() == (first.working_dir / LOCK_FILE).read_text()
    Terraform(stack_dir(tmp_path, "unseeded", AWS_ONLY), extra_env=env).init()
    assert cache_entry() != installed, "control: an init without a lock file re-installs into the cache"


def test_init_follows_a_moved_backend_without_copying_state(tmp_path: Path) -> None:
    """Plain `init` first (cheaper); when the saved backend differs, start from the new one, state not copied."""
    body = 'terraform {\n  backend "local" {\n    path = "STATE"\n  }\n}\n' + DATA
    directory = stack_dir(tmp_path, "moving", body.replace("STATE", "first.tfstate"))
    tf = Terraform(directory)
    tf.init()
    tf.apply(tf.plan())
    assert tf.state_list() == ["terraform_data.this"]
    tf.init()  # unchanged backend: nothing to reconfigure
    (directory / "main.tf").write_text(body.replace("STATE", "second.tfstate"))
    tf.init()
    assert tf.state_list() == [], "the new backend starts empty: crossgate never migrates state between backends"
    assert tf.plan().has_changes
