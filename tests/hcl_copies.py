"""Shared by the tests that run `terraform test` on a scratch copy of the HCL modules."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from crossgate.paths import HCL_MODULES, REPO_ROOT
from crossgate.runner.terraform import Terraform


def copy_hcl_modules(root: Path, *, without: tuple[str, ...] = ()) -> Path:
    """The modules (and eni_lookup) under ``root`` in the checkout's layout, so their relative sources resolve."""
    for source in HCL_MODULES:
        shutil.copytree(source, root / source.relative_to(REPO_ROOT),
                        ignore=shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", *without))
    return root


def terraform_test_events(tf: Terraform) -> Iterator[dict[str, Any]]:
    """`terraform test -json`'s events (a failing run exits 1: that is an answer, not an error)."""
    for line in tf.run("test", "-json", "-no-color", ok_codes=(0, 1)).stdout.splitlines():
        try:
            yield json.loads(line)
        except ValueError:
            continue


def error_text(event: dict[str, Any]) -> str | None:
    """An error diagnostic's summary and detail; None for any other event."""
    diagnostic = event.get("diagnostic") if event.get("type") == "diagnostic" else None
    if not diagnostic or diagnostic.get("severity") != "error":
        return None
    return f"{diagnostic.get('summary', '')}: {diagnostic.get('detail', '')}"
