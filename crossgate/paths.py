"""Where things live in a crossgate checkout: the one place that knows the layout."""

from __future__ import annotations

from pathlib import Path

from crossgate.errors import CrossgateError

REPO_ROOT = Path(__file__).resolve().parent.parent
MODULES = REPO_ROOT / "modules"
# Every HCL module crossgate ships (each with README, examples/ and native tests).
HCL_MODULES = (MODULES / "provider", MODULES / "central", MODULES / "private_network", REPO_ROOT / "eni_lookup")
ENVS = REPO_ROOT / "envs"
WORK_DIR = REPO_ROOT / ".crossgate"
DEFAULT_OUTDIR = REPO_ROOT / "cdktf.out"
TERRAFORM_CLI_CONFIG = WORK_DIR / "terraformrc"
MAIN_PY = REPO_ROOT / "main.py"


def env_file(name_or_path: str) -> Path:
    """`local` -> envs/local.yaml; a path (anything with a slash or a .yaml/.yml suffix) is taken as is."""
    if "/" in name_or_path or name_or_path.endswith((".yaml", ".yml")):
        return Path(name_or_path)
    return ENVS / f"{name_or_path}.yaml"


def state_dir(env: str) -> Path:
    """Local Terraform state of one environment (the default when the env file names no S3 state)."""
    return WORK_DIR / env / "state"


class NotACheckoutError(CrossgateError):
    """crossgate runs from its checkout: the modules, envs and cdktf.json live there."""


def require_checkout(root: Path = REPO_ROOT) -> None:
    """Refuse to run from an installed copy without the checkout's modules (e.g. a non-editable wheel)."""
    missing = [p for p in ("modules/provider", "modules/central", "eni_lookup", "envs", "main.py")
               if not (root / p).exists()]
    if missing:
        raise NotACheckoutError(
            f"crossgate runs from its git checkout, and {root} is not one (no {', '.join(missing)}). "
            "Install it editable from the checkout (`pip install -e .`, which scripts/setup does) and run it "
            "from anywhere, or use `. scripts/env.sh` in the checkout.")
