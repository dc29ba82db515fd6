"""The emulator's child process: patch moto, restore saved state, serve on 127.0.0.1, save on stop."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path

from crossgate.emulator.launcher import CHILD_ENV
from crossgate.emulator.settings import HOST


def _die_with_parent() -> None:
    """Ask Linux to SIGTERM us when the parent dies (best effort; stdin EOF covers the rest)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)


def run_child(port: int, state_file: Path | None = None, work_dir: Path | None = None) -> int:
    """Child entry point: patch moto, restore saved state, bind 127.0.0.1, hand the port over, serve, save.

    ``work_dir`` holds what the local workloads write (task folders, their logs).
    """
    for key, value in CHILD_ENV.items():
        os.environ.setdefault(key, value)
    _die_with_parent()

    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    from crossgate.emulator import state as emulator_state
    from crossgate.emulator.authorizers import Authorizers
    from crossgate.emulator.dataplane import DataPlane
    from crossgate.emulator.iam_enforcement import ENFORCE_VARIABLE, prepare_child
    from crossgate.emulator.patches import apply_all
    from crossgate.emulator.serial import OneRequestAtATime, let_long_polls_wait_unlocked
    from crossgate.emulator.workloads import Workloads

    patches = apply_all()
    let_long_polls_wait_unlocked()
    if os.environ.get(ENFORCE_VARIABLE):
        prepare_child()
    restored = emulator_state.restore(state_file) if state_file is not None and state_file.exists() else 0
    work_dir = work_dir or Path(tempfile.mkdtemp(prefix="crossgate-emulator-work-"))
    workloads = Workloads(work_dir / "workloads")
    authorizers = Authorizers(work_dir / "authorizers")
    app = DataPlane(OneRequestAtATime(DomainDispatcherApplication(create_backend_app)), workloads, authorizers)
    class RequestHandler(MotoRequestHandler):
        # HTTP/1.1 keeps clients' connections open (moto's default HTTP/1.0 closes each one): a gateway
        # request then costs no new connection and thread; werkzeug adds chunked encoding where needed.
        protocol_version = "HTTP/1.1"

        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            if not self.path.startswith("/_crossgate/"):  # the data plane logs its own line per request
                super().log_request(code, size)

    server = make_server(HOST, port, app, threaded=True, request_handler=RequestHandler)
    os.environ["MOTO_PORT"] = str(server.server_port)  # moto builds some URLs from it

    def shutdown(*_: object) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    def watch_stdin() -> None:
        with contextlib.suppress(OSError):
            while sys.stdin.buffer.read(4096):
                pass
        shutdown()

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    threading.Thread(target=watch_stdin, daemon=True).start()

    print(json.dumps({"port": server.server_port, "patches": list(patches), "restored": restored}), flush=True)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # nobody reads stdout after the handshake
    workloads.start()
    try:
        server.serve_forever()
    finally:
        workloads.stop()
    if state_file is not None:
        try:
            size = emulator_state.save(state_file)
        except Exception as error:  # a stale file must not come back as current
            state_file.unlink(missing_ok=True)
            print(f"crossgate emulator: could not save the state ({error!r}); removed {state_file}", file=sys.stderr)
            return 1
        print(f"crossgate emulator: saved the state to {state_file} ({size} bytes)", file=sys.stderr)
    return 0
