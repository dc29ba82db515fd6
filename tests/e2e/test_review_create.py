"""The plan review of a first deploy, from a real plan of today's modules against the emulator (no fixtures)."""

from __future__ import annotations

from typing import Any

import pytest

from crossgate.config import load_environment
from crossgate.ops.review import build_review
from crossgate.paths import ENVS
from crossgate.runner.orchestrate import Orchestrator
from crossgate.synth import synthesize
from crossgate.target import Target

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]


@pytest.fixture(scope="module")
def create_plans(emulator_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """envs/local.yaml under another name (its own, empty state): every resource is a create."""
    scratch = tmp_path_factory.mktemp("review-create")
    fresh = scratch / "firstplan.yaml"
    fresh.write_text((ENVS / "local.yaml").read_text())
    manifest = synthesize(load_environment(fresh), scratch / "out", emulator_url=emulator_url)
    outcomes = Orchestrator(manifest, extra_env=Target("emulator", emulator_url).terraform_env(),
                            collect_plans=True).run("plan")
    plans = {o.stack: o.plan_json for o in outcomes if o.plan_json is not None}
    assert "firstplan-provider-employee" in plans, outcomes
    return plans


def test_create_plan_summary_counts_every_resource(create_plans: dict[str, dict[str, Any]]) -> None:
    review = build_review(create_plans)
    for summary in review.summaries:
        creates = [rc for rc in create_plans[summary.stack]["resource_changes"]
                   if rc["mode"] == "managed" and rc["change"]["actions"] == ["create"]]
        assert summary.add == len(creates)
        assert (summary.change, summary.destroy, summary.replace) == (0, 0, 0)
    assert sum(s.add for s in review.summaries) > 10


def test_non_security_changes_are_grouped_by_module(create_plans: dict[str, dict[str, Any]]) -> None:
    review = build_review(create_plans)
    assert review.by_module
    for group, changes in review.by_module.items():
        assert all(f"{c.stack}: {c.module}" == group for c in changes)
        assert not any(c.is_security_relevant for c in changes)
