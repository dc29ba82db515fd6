"""The modules' README Inputs/Outputs tables are generated (scripts/module_docs.py): stale ones fail here."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from crossgate.paths import REPO_ROOT

SCRIPT = REPO_ROOT / "scripts" / "module_docs.py"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120,
                          check=False)


def test_every_module_readme_is_up_to_date() -> None:
    result = _run("--check")
    assert result.returncode == 0, result.stderr + "\n(run: .venv/bin/python scripts/module_docs.py)"


def _copy_module(tmp_path: Path, name: str) -> Path:
    module = tmp_path / "modules" / name
    module.mkdir(parents=True)
    for file in ("variables.tf", "outputs.tf", "README.md"):
        shutil.copy(REPO_ROOT / "modules" / name / file, module / file)
    return module


def test_a_changed_description_fails_the_check_and_shows_up_in_the_table(tmp_path: Path) -> None:
    module = _copy_module(tmp_path, "provider")
    variables = module / "variables.tf"
    text = variables.read_text()
    old = "Tags applied to every resource that supports them."
    assert old in text
    variables.write_text(text.replace(old, "Tags for everything | even pipes <and> brackets."))

    check = _run("--check", "--root", str(tmp_path))
    assert check.returncode == 1
    assert "modules/provider/README.md" in check.stderr

    written = _run("--root", str(tmp_path))
    assert written.returncode == 0, written.stderr
    readme = (module / "README.md").read_text()
    assert "| `tags` | Tags for everything \\| even pipes &lt;and&gt; brackets. | `map(string)` | `{}` | no |" in readme
    assert old not in readme
    assert _run("--check", "--root", str(tmp_path)).returncode == 0


def test_the_tables_stay_between_the_markers_and_long_types_are_laid_out(tmp_path: Path) -> None:
    module = _copy_module(tmp_path, "central")
    readme = module / "README.md"
    before, after = readme.read_text().split("<!-- BEGIN_TF_DOCS -->")[0], readme.read_text().split(
        "<!-- END_TF_DOCS -->")[1]
    (module / "outputs.tf").write_text('output "only" {\n  description = "The one output."\n  value       = 1\n}\n')

    assert _run("--root", str(tmp_path)).returncode == 0
    text = readme.read_text()
    assert text.startswith(before) and text.endswith(after)  # the hand-written parts are untouched
    generated = text.split("<!-- BEGIN_TF_DOCS -->")[1].split("<!-- END_TF_DOCS -->")[0]
    assert "| `only` | The one output. |" in generated
    assert "api_id" not in generated
    # an object type: one attribute per line in a <pre> block, `=` aligned as terraform fmt does
    assert "<pre>object({<br>  domain_name         = string<br>  certificate_arn     = string<br>" in generated
    # a required input has no default
    assert "| n/a | yes |" in generated


def test_a_readme_without_markers_is_refused(tmp_path: Path) -> None:
    module = _copy_module(tmp_path, "private_network")
    (module / "README.md").write_text("# private_network\n\nno markers\n")
    result = _run("--check", "--root", str(tmp_path))
    assert result.returncode != 0
    assert "BEGIN_TF_DOCS" in result.stderr
