"""A thin, explicit subprocess runner for the terraform binary.

Not python-terraform: it is unmaintained since 2019 and its apply()/destroy() defaults fail on Terraform 1.x.
Every call here spells out its flags, runs with a per-stack environment and a timeout, and surfaces
terraform's own error text.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import subprocess
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crossgate.errors import CrossgateError
from crossgate.paths import TERRAFORM_CLI_CONFIG, WORK_DIR
from crossgate.runner import output_text

DEFAULT_TIMEOUT_SECONDS = 1800

# terraform's plugin cache (plugin_cache_dir in the CLI config) is not safe for concurrent `init`s:
# two at once can fail with "failed to create directory ...: file exists" or "after installing ... it is
# still not detected in .../plugin-cache; this is a bug in Terraform". Inits are short; plans and applies,
# the long part, still run in parallel. A thread lock for this process's stacks, and a file lock for
# other processes on the machine (two crossgate commands, parallel test workers).
# An init without a dependency lock file also re-installs the provider into the cache (terraform >= 1.4
# trusts a cache entry only against the lock file's checksums), under the feet of every other stack whose
# .terraform links through that entry: see Terraform.init's `lock_files`.
_PLUGIN_CACHE_LOCK = threading.Lock()
PLUGIN_CACHE_LOCK_FILE = WORK_DIR / "plugin-cache.lock"


@contextlib.contextmanager
def plugin_cache_turn() -> Iterator[None]:
    """Hold the machine-wide turn for `terraform init` (anything that may write the plugin cache)."""
    with _PLUGIN_CACHE_LOCK:
        PLUGIN_CACHE_LOCK_FILE.parent.mkdir(parents=True, exist_ok=True)
        with PLUGIN_CACHE_LOCK_FILE.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
PLAN_FILE = "crossgate.tfplan"
PLAN_DIR = ".crossgate-plans"  # mode 0700, inside the stack folder
LOCK_FILE = ".terraform.lock.hcl"


class TerraformError(CrossgateError):
    """terraform failed; the message is terraform's own error text."""

    def __init__(self, command: str, returncode: int, output: str, stdout: str = "") -> None:
        super().__init__(f"terraform {command} failed (exit {returncode}):\n{output.strip()}")
        self.command = command
        self.returncode = returncode
        self.output = output
        self.stdout = stdout  # progress lines ("...: Creation complete after 2s [id=vpc-1]") up to the failure


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class PlanResult:
    """A saved plan: whether it changes anything, and where the plan file is."""

    has_changes: bool
    plan_file: Path
    output: str


@dataclass
class Terraform:
    """terraform in one stack folder, isolated from every other stack (own data dir, own environment)."""

    working_dir: Path
    extra_env: Mapping[str, str] = field(default_factory=dict)
    binary: str = "terraform"
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    on_line: Callable[[str], None] | None = None  # each stdout line as terraform prints it (progress)
    lock_timeout: str = "60s"  # how long plan/apply/state push wait for another run's state lock

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TF_VAR_")}
        env.update({
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1",
            "TF_DATA_DIR": str(self.working_dir / ".terraform"),
        })
        if TERRAFORM_CLI_CONFIG.exists() and "TF_CLI_CONFIG_FILE" not in self.extra_env:
            env["TF_CLI_CONFIG_FILE"] = str(TERRAFORM_CLI_CONFIG)
        env.update(self.extra_env)
        return env

    def run(self, *args: str, ok_codes: tuple[int, ...] = (0,)) -> Result:
        """Run `terraform <args>`; raise TerraformError with terraform's text unless the exit code is ok."""
        if args and args[0] == "init":
            with plugin_cache_turn():
                return self._run(*args, ok_codes=ok_codes)
        return self._run(*args, ok_codes=ok_codes)

    def _run(self, *args: str, ok_codes: tuple[int, ...]) -> Result:
        if shutil.which(self.binary) is None:
            raise TerraformError(args[0], 127, f"{self.binary} not found on PATH; install Terraform >= 1.10")
        process = subprocess.Popen(
            [self.binary, *args], cwd=self.working_dir, env=self.environment(), text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
        )
        # stdout is read line by line as it comes (on_line reports long waits while an apply runs), stderr whole.
        out_lines: list[str] = []
        err_text: list[str] = []
        readers = [threading.Thread(target=self._pump_stdout, args=(process, out_lines), daemon=True),
                   threading.Thread(target=lambda: err_text.append(process.stderr.read() if process.stderr else ""),
                                    daemon=True)]
        for reader in readers:
            reader.start()

        def collected() -> tuple[str, str]:
            for reader in readers:
                reader.join()
            return "".join(out_lines), "".join(err_text)

        try:
            process.wait(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            # SIGINT first: terraform then stops gracefully and releases its state lock.
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            _, stderr = collected()
            raise TerraformError(args[0], -1, f"timed out after {self.timeout:.0f} s\n{stderr}") from None
        except BaseException:
            os.killpg(process.pid, signal.SIGINT)
            process.wait(timeout=60)
            raise
        stdout, stderr = collected()
        if process.returncode not in ok_codes:
            raise TerraformError(args[0], process.returncode, stderr or stdout, stdout)
        return Result(process.returncode, stdout, stderr)

    def _pump_stdout(self, process: subprocess.Popen[str], lines: list[str]) -> None:
        if process.stdout is None:
            return
        for line in process.stdout:
            lines.append(line)
            if self.on_line:
                try:
                    self.on_line(line.rstrip("\n"))
                except Exception:  # a progress line must never break the run it reports on
                    self.on_line = None

    def init(self, *, lock_files: Iterable[Path] = ()) -> Result:
        """`terraform init`; a stack without a dependency lock file first gets the first of `lock_files` that
        exists (a sibling stack's, same providers), so that terraform links the cached provider instead of
        re-installing it into the shared cache while other stacks run from it."""
        with plugin_cache_turn():  # the turn also orders the seeding after the sibling's own init
            lock = self.working_dir / LOCK_FILE
            if not lock.exists() and (seed := next((f for f in lock_files if f.is_file()), None)):
                shutil.copyfile(seed, lock)
            command = ("init", "-input=false", "-no-color")
            try:
                return self._run(*command, ok_codes=(0,))
            except TerraformError as exc:
                if not output_text.backend_changed(exc.output):
                    raise
            # The backend moved (another emulator URL, another state bucket): start from the new one and never
            # copy state between backends. Only then, because -reconfigure costs every init ~0.6 s of CPU.
            return self._run(*command, "-reconfigure", ok_codes=(0,))

    def validate(self) -> Result:
        return self.run("validate", "-no-color")

    def plan(self, *, destroy: bool = False, refresh: bool = True) -> PlanResult:
        """Plan into a private plan file; -detailed-exitcode tells changes (2) from none (0)."""
        # A plan file can hold secrets: it goes into a folder only its owner can enter (no process-wide
        # umask change, which would leak into every thread running beside this one).
        private = self.working_dir / PLAN_DIR
        private.mkdir(mode=0o700, exist_ok=True)
        private.chmod(0o700)
        plan_file = private / PLAN_FILE
        args = ["plan", "-input=false", "-no-color", "-detailed-exitcode", f"-out={PLAN_DIR}/{PLAN_FILE}",
                f"-lock-timeout={self.lock_timeout}"]
        if destroy:
            args.append("-destroy")
        if not refresh:
            args.append("-refresh=false")
        result = self.run(*args, ok_codes=(0, 2))
        if plan_file.exists():
            plan_file.chmod(0o600)
        return PlanResult(has_changes=result.returncode == 2, plan_file=plan_file, output=result.stdout)

    def apply(self, plan: PlanResult) -> Result:
        return self.run("apply", "-input=false", "-no-color", "-auto-approve", f"-lock-timeout={self.lock_timeout}",
                        f"{PLAN_DIR}/{plan.plan_file.name}")

    def state_push(self, state_file: Path) -> Result:
        return self.run("state", "push", "-no-color", f"-lock-timeout={self.lock_timeout}", str(state_file))

    def show_json(self, plan: PlanResult) -> dict[str, Any]:
        result = self.run("show", "-json", "-no-color", f"{PLAN_DIR}/{plan.plan_file.name}")
        shown: dict[str, Any] = json.loads(result.stdout)
        return shown

    def output_json(self) -> dict[str, Any]:
        raw = json.loads(self.run("output", "-json", "-no-color").stdout or "{}")
        return {name: entry.get("value") for name, entry in raw.items()}

    def state_list(self) -> list[str]:
        result = self.run("state", "list", "-no-color", ok_codes=(0, 1))
        return [line for line in result.stdout.splitlines() if line.strip()] if result.returncode == 0 else []
