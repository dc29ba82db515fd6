"""Before any change: which stacks of this env exist in its backend but are no longer declared (orphans),
and whether this env file may use its name and state at all.

An env's identity is its name (``name:`` or the file's stem), which keys its stacks and state. Each stack's
state records the env file that deployed it (crossgate.lifecycle.records), so:

- another env file that still exists and claims the same name and state is refused (it would overwrite
  that env's stacks);
- a recorded file that no longer exists (moved) is taken over, and the user is told;
- a new name with no state, while the backend holds an env whose central stack is in the same account and
  region and whose file no longer exists, is most likely a renamed file: the user is told that a deploy would
  create a second gateway and how to keep the old one (``name: <old>``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crossgate.lifecycle.backend import LifecycleError, StateLocation, StoredState, location_of
from crossgate.lifecycle.records import StackRecord, env_file_exists, env_file_ref

if TYPE_CHECKING:
    from crossgate.config import Environment
    from crossgate.target import Target


@dataclass(frozen=True)
class Assessment:
    """What the backend says about one env, beyond what its file declares."""

    location: StateLocation
    orphans: tuple[StackRecord, ...] = ()
    """Stacks with resources that the env file no longer declares; each has its identity record."""
    unrecorded: tuple[StoredState, ...] = ()
    """Undeclared stacks with resources but no identity record (deployed before crossgate wrote one)."""
    notes: tuple[str, ...] = ()
    """What the user should know and may act on (a taken-over env file, a likely rename)."""
    rename_from: str | None = None
    """The env this file most likely was before a rename (a deploy refuses it unless told to start anew)."""

    @property
    def orphan_names(self) -> tuple[str, ...]:
        return tuple(record.stack for record in self.orphans)


def assess(env: Environment, target: Target, declared: Iterable[str],
           location: StateLocation | None = None) -> Assessment:
    """List the env's backend and judge it; raise LifecycleError when another env file owns this identity."""
    location = location or location_of(env, target)
    this_file = env_file_ref(env.path)
    declared = frozenset(declared)
    own = [s for s in location.states() if s.exists and _belongs(s, env.name, declared)]
    _refuse_collision(env, this_file, location, own)
    notes = [f"env {env.name!r} was last deployed from {moved}, which no longer exists; {this_file} takes it "
             "over (its stacks and state keep their names)"
             for moved in sorted({s.record.env_file for s in own if s.record and s.record.env_file != this_file})]
    undeclared = [s for s in own if s.stack not in declared]
    orphans = tuple(s.record for s in undeclared if s.record is not None)
    unrecorded = tuple(s for s in undeclared if s.record is None)
    notes += [f"{s.stack} ({s.where}) holds {s.resources} resource(s), is no longer declared by {this_file}, and has "
              "no identity record (it was deployed by an older crossgate), so crossgate cannot destroy it: add its "
              "service back, deploy once (that records it), then remove the service again" for s in unrecorded]
    rename_from = None if own else _renamed_from(env, location)
    if rename_from is not None:
        notes.append(_rename_note(env, this_file, rename_from))
    return Assessment(location, orphans, unrecorded, tuple(notes), rename_from.env if rename_from else None)


def _belongs(state: StoredState, env_name: str, declared: frozenset[str]) -> bool:
    """A state is this env's when its record says so; an unrecorded one when its stack name is this env's."""
    if state.record is not None:
        return state.record.env == env_name or state.stack in declared
    return state.stack in declared or bool(re.fullmatch(rf"{re.escape(env_name)}-(central|provider-[a-z0-9-]+)",
                                                        state.stack))


def _refuse_collision(env: Environment, this_file: str, location: StateLocation, own: list[StoredState]) -> None:
    claimed = sorted({s.record.env_file for s in own
                      if s.record and s.record.env_file != this_file and env_file_exists(s.record.env_file)})
    if not claimed:
        return
    stacks = ", ".join(s.stack for s in own if s.record and s.record.env_file in claimed)
    raise LifecycleError(
        f"env name {env.name!r} and its state ({location.describe()}) belong to {', '.join(claimed)}, which "
        f"still exists; using {this_file} would overwrite that env's stacks ({stacks}). fix: give this file "
        f"its own identity with a top-level `name: <another name>` (it keys stacks and state), or work on that "
        f"env from {claimed[0]}.")


def _renamed_from(env: Environment, location: StateLocation) -> StackRecord | None:
    central = env.config.central
    for state in location.wider_states():
        record = state.record
        if (state.exists and record is not None and record.kind == "central" and record.env != env.name
                and record.account_id == central.account_id and record.region == central.region
                and not env_file_exists(record.env_file)):
            return record
    return None


def _rename_note(env: Environment, this_file: str, old: StackRecord) -> str:
    return (f"no state exists for env {env.name!r} yet, but env {old.env!r} (central stack in account "
            f"{old.account_id}, {old.region}) was deployed from {old.env_file}, which no longer exists: if "
            f"{this_file} is that file renamed, a deploy would create a second gateway {env.name!r} and leave "
            f"{old.env!r} running with nothing managing it. To keep {old.env!r}, add `name: {old.env}` to "
            f"{this_file}; to create {env.name!r} anyway, deploy with --new-env.")
