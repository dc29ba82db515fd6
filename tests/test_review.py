"""Plan review: sensitive values stay out of the report.

The review of whole plans is tested on real plans of today's modules: a first deploy in
tests/e2e/test_review_create.py, a security-relevant change of a deployed env in tests/e2e/test_local_env.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crossgate.ops.review import MASK, build_review, render_json, render_markdown
from crossgate.runner.terraform import Terraform


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
