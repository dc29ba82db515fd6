"""A tiny HTTP workload for the scheduler tests: /health answers 200 (or STATUS), /env shows env and cwd."""

from __future__ import annotations

import argparse
import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/env":
            body = json.dumps({"env": dict(os.environ), "cwd": os.getcwd(), "pid": os.getpid()}).encode()
            status = 200
        else:
            status = int(os.environ.get("HEALTH_STATUS", "200"))
            body = b'{"status": "ok"}'
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    ThreadingHTTPServer((args.host, args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
