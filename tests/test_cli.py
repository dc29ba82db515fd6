"""The crossgate CLI as a user runs it: exit codes, messages, and the commands that need no cloud."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from crossgate.cli import main
from crossgate.paths import REPO_ROOT
from service.localrun import free_port, serve_local


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crossgate.cli", *args], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=120, check=False)


def test_smoke_passes_against_the_real_service_and_fails_against_nothing(tmp_path: Path) -> None:
    with serve_local(tmp_path / "employees.db", tmp_path / "service.log") as service:
        passed = run_cli("smoke", "--url", service.base_url)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "FAIL" not in passed.stdout and passed.stdout.count("PASS") == 6

    failed = run_cli("smoke", "--url", f"http://127.0.0.1:{free_port()}", "--timeout", "2")
    assert failed.returncode == 1
    assert "FAIL" in failed.stdout and "Traceback" not in failed.stderr


def test_smoke_of_an_emulator_env_without_emulator_says_how(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CROSSGATE_EMULATOR_URL", raising=False)
    result = run_cli("smoke", "--env", "local")
    assert result.returncode == 1 and "crossgate emulator" in result.stderr and "Traceback" not in result.stderr


def test_diagram_of_multi(tmp_path: Path) -> None:
    out = tmp_path / "multi.mmd"
    assert main(["diagram", "--env", "multi", "--output", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("flowchart LR")
    for account in ("111111111111", "222222222222", "333333333333"):
        assert f"acct_{account}" in text
    assert "us-east-1" in text and "cross-region PrivateLink" in text
    assert "GET /payroll/runs/{id}" in text and "auth: JWT corporate" in text and "auth: IAM" in text
    assert text.count("==>|") == 3, "one PrivateLink edge per service"


def test_plan_of_emulator_env_without_emulator_says_how(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CROSSGATE_EMULATOR_URL", raising=False)
    result = run_cli("plan", "--env", "local")
    assert result.returncode == 1
    assert "crossgate emulator" in result.stderr and "CROSSGATE_EMULATOR_URL" in result.stderr


def test_unknown_stack_is_refused(tmp_path: Path) -> None:
    result = run_cli("synth", "--env", "dev", "--outdir", str(tmp_path))
    assert result.returncode == 0
    result = run_cli("plan", "--env", "dev", "--stack", "dev-nope", "--outdir", str(tmp_path))
    assert result.returncode == 1 and "unknown stack" in result.stderr


def test_no_command_prints_help() -> None:
    result = run_cli()
    assert result.returncode == 1 and "synth" in result.stdout and "deploy" in result.stdout


def test_crossgate_refuses_to_run_outside_a_checkout(tmp_path: Path) -> None:
    from crossgate.paths import NotACheckoutError, require_checkout

    require_checkout()  # this checkout
    with pytest.raises(NotACheckoutError, match="not one") as caught:
        require_checkout(tmp_path)
    assert "pip install -e ." in str(caught.value)


def test_an_unexpected_error_is_one_line_and_a_log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    from crossgate.cli.exit_codes import EXIT_UNEXPECTED

    def broken(_args: object) -> int:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("crossgate.cli.app.WORK_DIR", tmp_path)
    monkeypatch.setattr("crossgate.cli.commands.diagram.run", broken)  # the parser binds it when built
    assert main(["diagram", "--env", "local"]) == EXIT_UNEXPECTED
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unexpected error ZeroDivisionError: a bug" in err and "Traceback" not in err
    log = next((tmp_path / "logs").glob("crash-*.log")).read_text()
    assert "Traceback" in log and "ZeroDivisionError" in log


def test_validate_prints_ok_or_every_problem_with_its_line(tmp_path: Path) -> None:
    ok = run_cli("validate", "--env", "multi")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == "ok: envs/multi.yaml: env 'multi' (3 services, 4 stacks, target aws)"

    bad = tmp_path / "bad.yaml"
    bad.write_text((REPO_ROOT / "envs" / "dev.yaml").read_text()
                   .replace("    port: 8080\n", "    port: 0\n    prot: 8080\n")
                   .replace("throttling:", "throtling:"))
    failed = run_cli("validate", "--env", str(bad))
    assert failed.returncode == 1 and "Traceback" not in failed.stderr and failed.stdout == ""
    lines = failed.stderr.splitlines()
    assert lines[0] == "crossgate: invalid environment (3 problem(s)); nothing was written:"
    assert lines[1].startswith(f"  {bad}:13:5: central.api.throtling: is not a known field; fix: did you mean")
    assert lines[2].startswith(f"  {bad}:21:5: services.employee.port: Input should be greater than or equal to 1")
    assert lines[3] == f"  {bad}:22:5: services.employee.prot: is not a known field; fix: did you mean 'port'?"


def test_validate_needs_an_env() -> None:
    result = run_cli("validate")
    assert result.returncode == 2 and "--env" in result.stderr


def test_version_is_the_installed_package_version() -> None:
    from importlib.metadata import version

    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"crossgate {version('crossgate')}"


@pytest.mark.parametrize("command", [["plan"], ["deploy"], ["destroy"], ["outputs"], ["demo"], ["unlock", "lock-id"]])
def test_an_unknown_stack_fails_on_every_command_that_takes_stack(
        command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    # envs/local.yaml targets the emulator: the refusal comes before any emulator is needed or started.
    assert main([*command, "--env", "local", "--stack", "local-nope"]) == 1
    err = capsys.readouterr().err
    assert "unknown stack(s) ['local-nope']; this env has ['local-central', 'local-provider-employee']" in err
    assert "started a local AWS emulator" not in err


def _options(command: str) -> set[str]:
    from crossgate.cli.parser import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    chosen = sub.choices[command]  # type: ignore[index]
    return {flag for action in chosen._actions for flag in action.option_strings}


@pytest.mark.parametrize(("command", "takes", "refuses"), [
    ("synth", {"--env", "--outdir", "--emulator-url", "--hcl"}, {"--stack", "--parallelism"}),
    ("outputs", {"--env", "--stack", "--outdir", "--emulator-url"}, {"--parallelism"}),
    ("unlock", {"--env", "--stack", "--outdir", "--emulator-url"}, {"--parallelism"}),
    ("doctor", {"--env", "--outdir", "--emulator-url"}, {"--stack", "--parallelism"}),
    ("plan", {"--env", "--stack", "--outdir", "--emulator-url", "--parallelism"}, set()),
    ("deploy", {"--env", "--stack", "--outdir", "--emulator-url", "--parallelism"}, set()),
    ("destroy", {"--env", "--stack", "--outdir", "--emulator-url", "--parallelism"}, set()),
    ("validate", {"--env"}, {"--stack", "--outdir", "--emulator-url", "--parallelism"}),
    ("diagram", {"--env", "--output"}, {"--stack", "--outdir", "--emulator-url", "--parallelism"}),
])
def test_options_appear_only_on_the_commands_that_use_them(command: str, takes: set[str], refuses: set[str]) -> None:
    options = _options(command)
    assert takes <= options and not refuses & options, options


def test_an_option_a_command_does_not_take_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["synth", "--env", "dev", "--stack", "dev-central"])
    assert exited.value.code == 2 and "unrecognized arguments: --stack" in capsys.readouterr().err
