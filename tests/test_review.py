"""Plan review reports from real plan JSON (fixtures made by tests/fixtures/plans/make_fixtures.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crossgate.config import load_environment
from crossgate.ops.diagram import mermaid
from crossgate.ops.review import MASK, build_review, render_json, render_markdown
from crossgate.paths import ENVS
from crossgate.runner.terraform import Terraform

FIXTURES = Path(__file__).parent / "fixtures" / "plans"


def load(prefix: str) -> dict[str, dict[str, Any]]:
    return {p.stem.removeprefix(f"{prefix}-"): json.loads(p.read_text()) for p in FIXTURES.glob(f"{prefix}-*.json")}


def test_create_plan_summary_counts_every_resource() -> None:
    plans = load("create")
    review = build_review(plans)
    (summary,) = review.summaries
    creates = [rc for rc in plans[summary.stack]["resource_changes"]
               if rc["mode"] == "managed" and rc["change"]["actions"] == ["create"]]
    assert summary.add == len(creates) > 10
    assert (summary.change, summary.destroy, summary.replace) == (0, 0, 0)


def test_security_changes_come_first_and_name_why() -> None:
    review = build_review(load("change"), diagram=mermaid(load_environment(ENVS / "local.yaml")))
    text = render_markdown(review, title="crossgate plan: local")
    security_at = text.index("### Security-relevant changes")
    other_at = text.index("### Other changes by module")
    assert security_at < other_at
    security_text = text[security_at:other_at]
    # the principal swap is the first thing a reviewer must see
    assert "allowed_principal" in security_text or "aws_vpc_endpoint_service" in security_text
    assert "arn:aws:iam::111111111111:role/crossgate-gateway" in security_text
    assert "security_group" in security_text and "8443" in security_text
    assert "aws_apigatewayv2_route" in security_text and "AWS_IAM" in security_text
    types = [c.type for c in review.security]
    assert "aws_vpc_security_group_ingress_rule" in types
    for change in review.security:
        assert change.security_reasons
    replaced = [c for c in review.security if c.action == "replace"]
    assert all("replaced" in " ".join(c.security_reasons) for c in replaced)
    assert "```mermaid" in text


def test_summary_table_per_stack() -> None:
    review = build_review(load("change"))
    text = render_markdown(review, title="t")
    for summary in review.summaries:
        row = f"| `{summary.stack}` | {summary.add} | {summary.change} | {summary.destroy} | {summary.replace} |"
        assert row in text
    assert any(s.total for s in review.summaries)


def test_non_security_changes_are_grouped_by_module() -> None:
    review = build_review(load("create"))
    assert review.by_module
    for group, changes in review.by_module.items():
        assert all(f"{c.stack}: {c.module}" == group for c in changes)
        assert not any(c.is_security_relevant for c in changes)


def test_json_format_is_machine_readable() -> None:
    data = json.loads(render_json(build_review(load("change"))))
    assert data["has_changes"] is True
    assert {s["stack"] for s in data["summaries"]} == set(load("change"))
    assert all(c["security_relevant"] for c in data["security"])


@pytest.mark.terraform
def test_sensitive_values_never_appear(tmp_path: Path) -> None:
    """A real plan with a sensitive value nested in an attribute: the value never reaches the report."""
    (tmp_path / "main.tf").write_text("""
variable "token" {
  type      = string
  sensitive = true
  default   = "tok-9f8e7d6c5b4a"
}
resource "terraform_data" "authorizer_secret" {
  input = { issuer = "https://login.example.com", token = var.token }
}
""")
    tf = Terraform(tmp_path)
    tf.init()
    plan_json = tf.show_json(tf.plan())
    review = build_review({"demo": plan_json})
    for text in (render_markdown(review, title="t"), render_json(review)):
        assert "tok-9f8e7d6c5b4a" not in text
    assert MASK in render_json(review)
    assert any(a.after == MASK for c in review.by_module.get("demo: (root)", ()) for a in c.attributes)
