"""Run terraform over an environment's stacks in dependency order.

Provider stacks do not depend on each other, so each layer runs in parallel (bounded); the central stack
follows them. Destroy walks the layers backwards. A failed layer stops everything that depends on it.
A plan changes no state and reads only what is applied, so `plan` runs every stack at once (bounded).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from crossgate.errors import CrossgateError
from crossgate.runner import adopt, output_text, recovery
from crossgate.runner.terraform import LOCK_FILE, PlanResult, Terraform, TerraformError
from crossgate.runner.waits import WaitReporter
from crossgate.synth import Manifest, Stack
from crossgate.synth.tags import STACK_TAG

Action = Literal["plan", "deploy", "destroy"]
Status = Literal["unchanged", "changed", "applied", "destroyed", "failed", "skipped"]
Reporter = Callable[[str, str], None]

DEFAULT_PARALLELISM = 4


def _hint(stack: Stack, exc: TerraformError) -> str:
    """What to do next, for the failures whose terraform text does not say it plainly."""
    text = exc.output
    if exc.returncode < 0:
        return (f"\nhint: terraform was killed (signal {-exc.returncode}) while working on {stack.name}. Re-run the "
                "same command: crossgate releases the lock that run left and pushes any state it could not save. "
                "Resources it was creating at that moment may exist without being in the state (see below if the "
                "re-run reports them).")
    if output_text.lock_held(text):
        lock = output_text.parse_lock_info(text)
        lock_id = lock.lock_id if lock else "<lock id above>"
        return (f"\nhint: the state of {stack.name} is locked. If no other crossgate or terraform run is "
                f"working on it (e.g. a killed run left the lock), release it with:\n"
                f"  crossgate unlock --stack {stack.name} {lock_id}   (plus the same --env)")
    if output_text.already_exists(text):
        return (f"\nhint: {stack.name} wants to create resources that already exist. A terraform run that was "
                "killed (SIGKILL, power loss) can create them without recording them in its state; crossgate adopts "
                f"those it can prove are this stack's ({STACK_TAG} tag) and names the rest above. Import those "
                "(`terraform import` in the stack folder) or delete them, then re-run.")
    if output_text.unreachable(text):
        return ("\nhint: AWS (or the local emulator) could not be reached. For emulator envs, check that "
                "`crossgate emulator` still runs and CROSSGATE_EMULATOR_URL points at it; then re-run: "
                "terraform converges from the state it saved.")
    return ""


class LockInUseError(CrossgateError):
    """A state lock that a live terraform may still hold: releasing it could corrupt the state."""


@dataclass(frozen=True)
class StackOutcome:
    stack: str
    status: Status
    seconds: float
    detail: str = ""
    plan_json: dict[str, Any] | None = field(default=None, compare=False, repr=False)

    @property
    def ok(self) -> bool:
        return self.status != "failed"


@dataclass
class Orchestrator:
    manifest: Manifest
    extra_env: Mapping[str, str] = field(default_factory=dict)
    parallelism: int = DEFAULT_PARALLELISM
    report: Reporter = lambda stack, message: None
    collect_plans: bool = False  # keep each plan's `show -json` on its outcome (for plan review)
    clients: Callable[[Stack, str], Any] | None = None
    """A boto3 client in a stack's account (stack, service): adoption asks AWS for what no data source finds."""
    # stack name -> fingerprint of its configuration files when this orchestrator last ran `init` there
    _initialized: dict[str, tuple[tuple[str, int, int], ...]] = field(default_factory=dict, repr=False)
    # one `init` at a time per stack folder: a dependency check may init the folder its own plan inits
    _init_guard: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _init_locks: dict[str, threading.Lock] = field(default_factory=dict, repr=False)

    def terraform(self, stack: Stack) -> Terraform:
        return Terraform(stack.directory, extra_env=self.extra_env,
                         on_line=WaitReporter(lambda message: self.report(stack.name, message)))

    def _init(self, stack: Stack, tf: Terraform) -> None:
        """`terraform init`, unless this orchestrator already initialized the stack's unchanged configuration
        (a demo's deploy, re-plan, outputs and destroy would pay ~2-5 s per stack for each)."""
        with self._init_guard:
            folder_lock = self._init_locks.setdefault(stack.name, threading.Lock())
        with folder_lock:
            if self._initialized.get(stack.name) == _configuration(stack):
                return
            self._initialized.pop(stack.name, None)
            self.report(stack.name, "init")
            tf.init(lock_files=(other.directory / LOCK_FILE for other in self.manifest.stacks if other != stack))
            self._initialized[stack.name] = _configuration(stack)

    def run(self, action: Action, *, refresh: bool = True) -> list[StackOutcome]:
        """``refresh=False`` plans without reading every resource back first (`-refresh=false`): only for a
        caller that has just seen a refreshed plan report no changes (the demo's destroy after its re-plan)."""
        layers = self.manifest.layers()
        if action == "destroy":
            layers = list(reversed(layers))
        if action == "plan":
            return self._plan_all(layers, refresh)
        outcomes: list[StackOutcome] = []
        blocked = False
        for layer in layers:
            if blocked:
                outcomes.extend(StackOutcome(s.name, "skipped", 0.0, "an earlier stack failed") for s in layer)
                continue
            with ThreadPoolExecutor(max_workers=max(1, min(self.parallelism, len(layer)))) as pool:
                results = list(pool.map(lambda stack: self._one(stack, action, refresh=refresh), layer))
            outcomes.extend(results)
            blocked = any(not r.ok for r in results)
        return outcomes

    def _plan_all(self, layers: list[list[Stack]], refresh: bool) -> list[StackOutcome]:
        """Every stack's plan at once: a stack whose dependencies are not applied yet is skipped (its
        dependency check runs beside the others' plans), the rest need nothing from another stack's plan."""
        stacks = [stack for layer in layers for stack in layer]
        with ThreadPoolExecutor(max_workers=1) as checks:
            waiting = {stack.name: checks.submit(self._unapplied_dependencies, stack)
                       for stack in stacks if stack.dependencies}
            with ThreadPoolExecutor(max_workers=max(1, min(self.parallelism, len(stacks)))) as pool:
                return list(pool.map(lambda stack: self._one(stack, "plan", waiting.get(stack.name), refresh),
                                     stacks))

    def _one(self, stack: Stack, action: Action, waiting: Future[list[str]] | None = None,
             refresh: bool = True) -> StackOutcome:
        started = time.monotonic()
        tf = self.terraform(stack)
        try:
            # Checked before this stack's own init, which a stack that must wait does not need.
            if action == "plan" and (missing := waiting.result() if waiting else self._unapplied_dependencies(stack)):
                detail = f"waits for {', '.join(missing)} to be deployed (its outputs feed this stack)"
                self.report(stack.name, detail)
                return StackOutcome(stack.name, "skipped", time.monotonic() - started, detail)
            self._init(stack, tf)
            status, plan_json = self._recovering(stack, tf, action, refresh)
        except TerraformError as exc:
            if recovery.was_interrupted(exc.returncode, exc.output):
                created = output_text.created_before_failure(exc.stdout)
                recovery.record_interruption(stack.directory, exc.command, created)
            detail = str(exc) + _hint(stack, exc)
            self.report(stack.name, f"failed: {str(exc).splitlines()[0]} (details at the end)")
            return StackOutcome(stack.name, "failed", time.monotonic() - started, detail)
        self.report(stack.name, status)
        return StackOutcome(stack.name, status, time.monotonic() - started, plan_json=plan_json)

    def _recovering(self, stack: Stack, tf: Terraform, action: Action,
                    refresh: bool = True) -> tuple[Status, dict[str, Any] | None]:
        """`_act`, after finishing what an interrupted run left: its stale lock and its unsaved state."""

        def attempt(tf: Terraform) -> tuple[Status, dict[str, Any] | None]:
            if action != "plan" and (errored := recovery.errored_state(stack.directory)):
                self.report(stack.name, f"pushing {errored.name} (the state an interrupted run could not save)")
                tf.state_push(errored)
                recovery.mark_pushed(errored)
            return self._act(stack, tf, action, refresh)

        try:
            # After an interruption the lock is most likely that run's: ask once without waiting for it.
            result = attempt(replace(tf, lock_timeout="0s") if recovery.interrupted(stack.directory) else tf)
        except TerraformError as exc:
            lock = recovery.releasable_lock(stack.directory, exc.output)
            if lock is None:
                raise
            self.report(stack.name, f"releasing state lock {lock.lock_id}, left by the run interrupted earlier")
            tf.run("force-unlock", "-force", "-no-color", lock.lock_id)
            result = attempt(tf)
        if action == "deploy":
            recovery.clear_interruption(stack.directory)  # what the interrupted run created is adopted by now
        elif action == "destroy" and recovery.interrupted(stack.directory):
            self.report(stack.name, f"note: an interrupted run created resources its state may lack (listed in "
                                    f"{recovery.MARKER_FILE}); `crossgate deploy` adopts them, then destroy again")
        return result

    def _act(self, stack: Stack, tf: Terraform, action: Action,
             refresh: bool = True) -> tuple[Status, dict[str, Any] | None]:
        self.report(stack.name, ("plan" if action != "destroy" else "plan -destroy")
                    + ("" if refresh else " -refresh=false"))
        plan = tf.plan(destroy=action == "destroy", refresh=refresh)
        if action == "plan" or not plan.has_changes:
            plan_json = tf.show_json(plan) if self.collect_plans else None
            return ("changed" if plan.has_changes else "unchanged"), plan_json
        created = recovery.created_by_interrupted_run(stack.directory) if action == "deploy" else {}
        if created:
            plan = self._import_recorded(stack, tf, plan, created)
        self.report(stack.name, "apply")
        try:
            tf.apply(plan)
        except TerraformError as exc:
            if action == "deploy" and (addresses := output_text.failed_addresses(exc.output)):
                self._adopt(stack, tf, plan, addresses, exc)
            elif action == "deploy" and output_text.endpoint_enis_lagging(exc.output):
                # AWS can list fewer endpoint ENIs than subnets right after create: one re-run settles it.
                self.report(stack.name, "endpoint ENIs not all listed yet; retrying once")
                time.sleep(5)
                retry = tf.plan()
                if retry.has_changes:
                    tf.apply(retry)
            else:
                raise
        finally:
            adopt.remove(stack.directory)
        return ("destroyed" if action == "destroy" else "applied"), None

    def _import_recorded(self, stack: Stack, tf: Terraform, plan: PlanResult, created: dict[str, str]) -> PlanResult:
        """Re-plan with imports of what the interrupted run reported created and this plan creates again."""
        imports: list[dict[str, Any]] = []
        for _ in range(4):  # an import can make another id known (a route's table), so ask again, a few rounds
            seen = {i["to"] for i in imports}
            shown = tf.show_json(plan)
            found = [i for i in adopt.recorded_imports(created, shown) if i["to"] not in seen]
            if not found:
                break
            imports += found
            adopt.write(stack.directory, {"import": imports})
            try:
                plan = tf.plan()
            except TerraformError as exc:
                adopt.remove(stack.directory)
                raise TerraformError(exc.command, exc.returncode, exc.output + "\nhint: crossgate tried to import "
                                     f"what an interrupted run created (recorded in {recovery.MARKER_FILE} in the "
                                     "stack folder); delete that file to plan without those imports.") from None
        if imports:
            self.report(stack.name, f"adopting {len(imports)} resource(s) the interrupted run created: "
                                    f"{', '.join(i['to'] for i in imports)}")
            self._refuse_foreign(stack, shown if not found else tf.show_json(plan))
        return plan

    def _refuse_foreign(self, stack: Stack, plan_json: dict[str, Any]) -> None:
        refused = adopt.foreign(plan_json, stack.name)
        if refused:
            adopt.remove(stack.directory)
            raise TerraformError("plan", 1, "these resources already exist but were not created by this stack, "
                                 "so crossgate will not take them over:\n  " + "\n  ".join(refused) +
                                 "\nRename them in the env file, or delete or import them by hand.")

    def _adopt(self, stack: Stack, tf: Terraform, failed: PlanResult, addresses: list[str],
               failure: TerraformError) -> None:
        """Import what a killed run created unrecorded (see crossgate.runner.adopt), then finish the apply."""
        try:
            clients = self.clients
            document = adopt.import_document(addresses, tf.show_json(failed), clients=(
                (lambda service: clients(stack, service)) if clients is not None else None))
        except adopt.AdoptionError as problem:
            raise TerraformError(failure.command, failure.returncode, f"{failure.output}\n{problem}") from None
        self.report(stack.name, f"adopting {len(addresses)} resource(s) an interrupted run created: "
                                f"{', '.join(addresses)}")
        adopt.write(stack.directory, document)
        try:
            retry = tf.plan()
            self._refuse_foreign(stack, tf.show_json(retry))
            tf.apply(retry)
        finally:
            adopt.remove(stack.directory)

    def _unapplied_dependencies(self, stack: Stack) -> list[str]:
        """Dependencies with no outputs yet: one `terraform output` each (~1 s of CPU), `parallelism` at once,
        stopping after the first batch that finds any (one is enough to make this stack wait; an env never
        deployed pays one batch, not one call per provider stack)."""

        def unapplied(name: str) -> bool:
            dependency = self.manifest.stack(name)
            tf = self.terraform(dependency)
            try:
                return not tf.output_json()
            except TerraformError:
                pass
            try:
                # `output` needs an init first when the dependency's configuration changed since its last one
                # (a re-synth, another CDK engine) or a fresh checkout (one CI job per stack) never ran one:
                # without it, its dependents would wait for nothing. The same init its own plan runs.
                self._init(dependency, tf)
                return not tf.output_json()
            except TerraformError:
                return True

        names = list(stack.dependencies)
        batch = max(1, self.parallelism)
        with ThreadPoolExecutor(max_workers=max(1, min(batch, len(names)))) as pool:
            for start in range(0, len(names), batch):
                chunk = names[start:start + batch]
                missing = [name for name, flag in zip(chunk, pool.map(unapplied, chunk), strict=True) if flag]
                if missing:
                    return missing
        return []

    def unlock(self, stack: Stack, lock_id: str) -> None:
        """Release a stale state lock (left by a killed terraform); only when no other run holds it.

        A terraform still working in the stack's folder may be the lock's holder: releasing its lock would
        let a second run write the same state, so that is refused. (A holder on another machine cannot be
        seen from here: terraform's lock info names it, and `force-unlock` is the user's call then.)
        """
        if recovery.terraform_running_in(stack.directory):
            raise LockInUseError(
                f"{stack.name}: a terraform run is still running in {stack.directory} and may hold lock "
                f"{lock_id}; wait for it to end (or stop it) instead of unlocking")
        tf = self.terraform(stack)
        tf.init()
        tf.run("force-unlock", "-force", "-no-color", lock_id)

    def outputs(self) -> dict[str, dict[str, object]]:
        """Every stack's outputs (empty for a stack not deployed)."""
        result: dict[str, dict[str, object]] = {}
        for stack in self.manifest.stacks:
            tf = self.terraform(stack)
            try:
                self._init(stack, tf)
                result[stack.name] = tf.output_json()
            except TerraformError:
                result[stack.name] = {}
        return result


def _configuration(stack: Stack) -> tuple[tuple[str, int, int], ...]:
    """What `terraform init` depends on in a stack folder, and what it leaves: the top-level configuration
    files (backend, providers, module calls) and the data folder (.terraform, absent when a configuration
    needs nothing installed), by name, size and modification time."""
    files = sorted(p for pattern in ("*.tf", "*.tf.json", ".terraform") for p in stack.directory.glob(pattern))
    return tuple((p.name, (s := p.stat()).st_size, s.st_mtime_ns) for p in files)
