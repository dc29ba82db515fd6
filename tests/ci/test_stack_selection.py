"""`--stack S` alone, as every CI job runs it: S runs by itself and still finds the stacks it depends on."""

from __future__ import annotations

from pathlib import Path

from crossgate.cli.context import select_stacks
from crossgate.lifecycle import orphans
from crossgate.synth import Manifest, Stack


def _manifest(root: Path) -> Manifest:
    return Manifest(root, (
        Stack("e-central", root / "stacks/e-central", ("e-provider-a", "e-provider-b")),
        Stack("e-provider-a", root / "stacks/e-provider-a", ()),
        Stack("e-provider-b", root / "stacks/e-provider-b", ()),
    ))


def test_the_central_stack_alone_is_one_layer_and_sees_its_providers(tmp_path: Path) -> None:
    central, tombstones = orphans.split(select_stacks(_manifest(tmp_path), ("e-central",)), ())
    assert [[s.name for s in layer] for layer in central.layers()] == [["e-central"]]
    # The orchestrator asks each dependency for its outputs (a central stack waits for unapplied providers).
    assert central.stack("e-provider-b").directory == tmp_path / "stacks/e-provider-b"
    assert [s.name for s in central.stacks] == ["e-central"] and not tombstones.stacks


def test_all_stacks_keep_their_order(tmp_path: Path) -> None:
    layers = select_stacks(_manifest(tmp_path), ()).layers()
    assert [[s.name for s in layer] for layer in layers] == [["e-provider-a", "e-provider-b"], ["e-central"]]
