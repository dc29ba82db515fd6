"""An emulator env pointed at an emulator URL: refused at once, naming the setting, when nothing listens there."""

from __future__ import annotations

import socket
import time

import pytest

from crossgate.cli.context import EMULATOR_URL_VARIABLE, CliError, load_env, open_target


def _closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_nothing_listening_is_refused_at_once_naming_the_flag_and_the_way_out(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(EMULATOR_URL_VARIABLE, raising=False)
    url = f"http://127.0.0.1:{_closed_port()}"
    started = time.monotonic()
    with pytest.raises(CliError) as refused, open_target(load_env("local"), url, may_start=True):
        pass
    assert time.monotonic() - started < 5, "no SDK retries before the refusal"
    message = str(refused.value)
    assert f"the emulator at {url} (from --emulator-url) could not be reached: Connection refused" in message
    assert f"`crossgate emulator` and export {EMULATOR_URL_VARIABLE}=<the URL it prints>" in message
    assert "drop --emulator-url" in message and "starts its own" in message


def test_the_variable_is_named_when_the_url_came_from_it(monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    monkeypatch.setenv(EMULATOR_URL_VARIABLE, url)
    with pytest.raises(CliError, match=rf"\(from \${EMULATOR_URL_VARIABLE}\)") as refused, \
            open_target(load_env("local"), url, may_start=False):
        pass
    assert "starts its own" not in str(refused.value), "a command that never starts an emulator does not offer it"


@pytest.mark.parametrize("url", ["127.0.0.1:4566", "http://127.0.0.1:port", "ftp://127.0.0.1:21", "http://"])
def test_a_url_that_is_not_an_http_url_is_refused(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(EMULATOR_URL_VARIABLE, raising=False)
    refusal = r"--emulator-url: .* is not an emulator URL; fix: .*http://127\.0\.0\.1:<port>"
    with pytest.raises(CliError, match=refusal), open_target(load_env("local"), url, may_start=True):
        pass


def test_a_listening_url_is_the_target() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        url = f"http://127.0.0.1:{server.getsockname()[1]}"
        with open_target(load_env("local"), url, may_start=True) as (target, started):
            assert (target.kind, target.emulator_url, started) == ("emulator", url, False)


def test_an_aws_env_ignores_the_emulator_url() -> None:
    with open_target(load_env("dev"), f"http://127.0.0.1:{_closed_port()}", may_start=True) as (target, started):
        assert (target.kind, started) == ("aws", False)
