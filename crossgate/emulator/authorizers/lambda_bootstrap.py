"""Runs one Lambda handler in its own process: JSON envelope in on stdin, JSON envelope out on the
original stdout. Started by :mod:`crossgate.emulator.authorizers.lambda_runner` as a plain script (it
imports nothing from crossgate), with the unpacked deployment package as working directory.

Input ``{"handler": "module.function", "event": ..., "function_name": ..., "request_id": ...,
"timeout_s": ..., "memory_mb": ..., "function_arn": ...}``; output ``{"result": ...}`` or
``{"errorType": ..., "errorMessage": ...}``. Whatever the handler prints goes to stderr (the log).
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback
from typing import Any, TextIO


class LambdaContext:
    """The parts of the Lambda context object handlers commonly read."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.function_name = str(spec.get("function_name", ""))
        self.function_version = "$LATEST"
        self.invoked_function_arn = str(spec.get("function_arn", ""))
        self.memory_limit_in_mb = int(spec.get("memory_mb", 128))
        self.aws_request_id = str(spec.get("request_id", ""))
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = "crossgate-emulator"
        self._deadline = time.monotonic() + float(spec.get("timeout_s", 3))

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def main() -> int:
    spec = json.loads(sys.stdin.read())
    out: TextIO = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # the handler's prints (Python or C level) land in the log, not in our answer
    sys.stdout = sys.stderr
    sys.path.insert(0, os.getcwd())
    try:
        module_name, _, function_name = str(spec["handler"]).rpartition(".")
        if not module_name:
            raise ValueError(f"Bad handler '{spec['handler']}': not enough values to unpack")
        handler = getattr(importlib.import_module(module_name.replace("/", ".")), function_name)
        result = handler(spec["event"], LambdaContext(spec))
        answer = json.dumps({"result": result})
    except Exception as error:  # the function's own failure, reported like Lambda does
        traceback.print_exc()
        answer = json.dumps({"errorType": type(error).__name__, "errorMessage": str(error)})
    out.write(answer)
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
