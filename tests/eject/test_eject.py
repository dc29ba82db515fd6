"""crossgate eject on every shipped env (no deploy): files by role, readable names, module sources,
no path back into the checkout, README order; and ``crossgate synth --hcl`` output."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from crossgate import names
from crossgate.cli import main
from crossgate.config import load_environment
from crossgate.eject import Ejected, ModuleSourceError, ModuleSources, eject
from crossgate.eject.sources import with_subdir
from crossgate.paths import ENVS, REPO_ROOT
from crossgate.synth import Manifest, synthesize

SHIPPED = sorted(p.stem for p in ENVS.glob("*.yaml"))
# A quoted string that is one interpolation and nothing else (`"${x}"`): eject writes the bare expression.
INTERPOLATION_ONLY = re.compile(r'= "\$\{[^"]*\}"\s*$', re.MULTILINE)


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Manifest]:
    root = tmp_path_factory.mktemp("eject-synth")
    return {name: synthesize(load_environment(ENVS / f"{name}.yaml"), root / name) for name in SHIPPED}


@pytest.fixture(scope="module")
def ejected(synthesized: dict[str, Manifest], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Ejected]:
    root = tmp_path_factory.mktemp("ejected")
    return {name: eject(load_environment(ENVS / f"{name}.yaml"), manifest, root / name, ModuleSources())
            for name, manifest in synthesized.items()}


def tf_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.tf") if "modules" not in p.parts and "eni_lookup" not in p.parts)


@pytest.mark.parametrize("name", SHIPPED)
def test_one_folder_per_stack_files_by_role(ejected: dict[str, Ejected], name: str) -> None:
    out = ejected[name]
    env = load_environment(ENVS / f"{name}.yaml")
    assert [p.name for p in out.stacks] == list(names.stack_names(name, env.config.services))
    for folder in out.stacks:
        assert {p.name for p in folder.glob("*.tf")} == {"versions.tf", "backend.tf", "providers.tf", "main.tf",
                                                          "outputs.tf"}
        assert 'backend "s3"' in (folder / "backend.tf").read_text()
        assert 'provider "aws"' in (folder / "providers.tf").read_text()
        assert "required_providers" in (folder / "versions.tf").read_text()
        assert "module " in (folder / "main.tf").read_text()
        outputs = (folder / "outputs.tf").read_text()
        assert "sensitive" not in outputs and "cross-stack" not in outputs
    for path in tf_files(out.out_dir):
        text = path.read_text()
        assert not INTERPOLATION_ONLY.search(text), path
        assert str(REPO_ROOT) not in text and "../../../" not in text, path
        assert '"//"' not in text and "stackName" not in text, path


@pytest.mark.terraform
def test_ejected_stacks_are_fmt_clean(ejected: dict[str, Ejected]) -> None:
    folders = [str(f) for out in ejected.values() for f in out.stacks]
    fmt = subprocess.run(["terraform", "fmt", "-check", "-diff", "-no-color", *folders], capture_output=True,
                         text=True, check=False)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_modules_are_copied_and_called_relatively(ejected: dict[str, Ejected]) -> None:
    out = ejected["multi"]
    assert (out.out_dir / "modules" / "central" / "main.tf").exists()
    assert (out.out_dir / "eni_lookup" / "main.tf").exists(), "modules/central calls ../../eni_lookup"
    assert 'source = "../modules/central"' in (out.out_dir / "multi-central" / "main.tf").read_text()
    assert 'source = "../modules/provider"' in (out.out_dir / "multi-provider-payroll" / "main.tf").read_text()
    assert not list(out.out_dir.rglob(".terraform"))


def test_readme_gives_apply_and_destroy_order(ejected: dict[str, Ejected]) -> None:
    text = ejected["multi"].readme.read_text()
    apply, destroy = text.split("## Apply order")[1].split("## Destroy order")
    order = re.findall(r"-chdir=(\S+) init", apply)
    assert order[-1] == "multi-central" and set(order[:-1]) == {
        "multi-provider-employee", "multi-provider-payroll", "multi-provider-reports"}
    assert re.findall(r"-chdir=(\S+) destroy", destroy)[0] == "multi-central"
    assert "## Emulator target" in ejected["local"].readme.read_text()
    assert "## Emulator target" not in text


@pytest.mark.parametrize(("prefix", "version", "expected"), [
    ("git::https://github.com/acme/crossgate.git?ref=v1", None,
     "git::https://github.com/acme/crossgate.git//modules/central?ref=v1"),
    ("git::https://github.com/acme/infra.git//crossgate?ref=v1", None,
     "git::https://github.com/acme/infra.git//crossgate/modules/central?ref=v1"),
    ("github.com/acme/crossgate?ref=v2.0.0", None, "github.com/acme/crossgate//modules/central?ref=v2.0.0"),
    ("acme/crossgate/aws", "1.2.0", "acme/crossgate/aws//modules/central"),
    ("app.terraform.io/acme/crossgate/aws", None, "app.terraform.io/acme/crossgate/aws//modules/central"),
    ("../shared/crossgate", None, "../../shared/crossgate/modules/central"),
])
def test_module_sources(synthesized: dict[str, Manifest], tmp_path: Path, prefix: str, version: str | None,
                        expected: str) -> None:
    env = load_environment(ENVS / "multi.yaml")
    out = eject(env, synthesized["multi"], tmp_path / "out", ModuleSources(prefix, version))
    main_tf = (out.out_dir / "multi-central" / "main.tf").read_text()
    assert re.search(r"source +" + re.escape(f'= "{expected}"'), main_tf), main_tf
    assert (re.search(r"version += " + re.escape(f'"{version}"'), main_tf) is not None) == (version is not None)
    assert not (out.out_dir / "modules").exists(), "modules are only copied by default"


def test_with_subdir_keeps_the_query_last() -> None:
    assert with_subdir("https://example.com/crossgate.zip?archive=zip", "modules/provider") == \
        "https://example.com/crossgate.zip//modules/provider?archive=zip"


def test_bad_module_sources_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ModuleSourceError, match="points into the crossgate checkout"):
        ModuleSources(os.path.relpath(REPO_ROOT, tmp_path)).check(tmp_path)
    with pytest.raises(ModuleSourceError, match="relative to the --to folder"):
        ModuleSources(str(REPO_ROOT)).check(tmp_path)
    with pytest.raises(ModuleSourceError, match="not a module source"):
        ModuleSources("crossgate").check(tmp_path)
    with pytest.raises(ModuleSourceError, match="registry address"):
        ModuleSources("git::https://example.com/x.git", "1.0").check(tmp_path)


def test_local_state_moves_into_the_ejected_folder(tmp_path: Path) -> None:
    env_file = tmp_path / "solo.yaml"
    text = (ENVS / "dev.yaml").read_text()
    env_file.write_text(re.sub(r"^state:\n(  .*\n)+", "state: local\n", text, flags=re.MULTILINE))
    env = load_environment(env_file)
    manifest = synthesize(env, tmp_path / "cdktf.out")
    out = eject(env, manifest, tmp_path / "out", ModuleSources())
    backend = (out.out_dir / "solo-central" / "backend.tf").read_text()
    assert 'path = "../state/solo-central.tfstate"' in backend
    main_tf = (out.out_dir / "solo-central" / "main.tf").read_text()
    assert 'path = "../state/solo-provider-employee.tfstate"' in main_tf
    assert "State is local, in `state/`" in out.readme.read_text()


def test_cli_eject_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eject", "--env", "local", "--to", str(tmp_path / "out")]) == 0
    assert "local-central" in capsys.readouterr().out
    assert (tmp_path / "out" / "local-central" / "main.tf").exists()
    assert main(["eject", "--env", "local", "--to", str(tmp_path / "bad"), "--module-source", "nonsense"]) == 1
    assert "--module-source 'nonsense' is not a module source" in capsys.readouterr().err
    assert not (tmp_path / "bad").exists(), "nothing written for a bad source"


@pytest.mark.terraform
def test_synth_hcl_is_fmt_clean_without_interpolation_only_strings(tmp_path: Path) -> None:
    assert main(["synth", "--env", "multi", "--hcl", "--outdir", str(tmp_path)]) == 0
    files = sorted(tmp_path.glob("stacks/*/cdk.tf"))
    assert len(files) == 4 and not list(tmp_path.glob("stacks/*/cdk.tf.json"))
    for path in files:
        assert not INTERPOLATION_ONLY.search(path.read_text()), path
    fmt = subprocess.run(["terraform", "fmt", "-check", "-diff", "-no-color", *map(str, files)],
                         capture_output=True, text=True, check=False)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr
