"""Settings: flags win over EMPLOYEE_* variables, which win over the defaults; bad values are usage errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.config import Settings, parse_settings


def test_defaults_bind_loopback_on_8080() -> None:
    assert parse_settings([], {}) == Settings(host="127.0.0.1", port=8080, db_path=Path("employees.db"))


def test_environment_configures_the_container() -> None:
    env = {
        "EMPLOYEE_HOST": "0.0.0.0",
        "EMPLOYEE_PORT": "9000",
        "EMPLOYEE_DB": "/data/e.db",
        "EMPLOYEE_LOG_LEVEL": "DEBUG",
    }
    assert parse_settings([], env) == Settings("0.0.0.0", 9000, Path("/data/e.db"), "debug")


def test_flags_override_the_environment() -> None:
    env = {"EMPLOYEE_PORT": "9000", "EMPLOYEE_DB": "/data/e.db"}
    settings = parse_settings(["--port", "8181", "--db", "x.db", "--host", "::1"], env)
    assert (settings.host, settings.port, settings.db_path) == ("::1", 8181, Path("x.db"))


@pytest.mark.parametrize(
    ("argv", "env"),
    [
        (["--port", "http"], {}),
        (["--port", "70000"], {}),
        ([], {"EMPLOYEE_PORT": "-1"}),
        ([], {"EMPLOYEE_LOG_LEVEL": "loud"}),
    ],
    ids=["non-int-flag", "too-big-flag", "negative-env", "bad-level-env"],
)
def test_bad_values_exit_with_a_usage_error(argv: list[str], env: dict[str, str]) -> None:
    with pytest.raises(SystemExit) as exited:
        parse_settings(argv, env)
    assert exited.value.code == 2
