"""moto handles one control-plane request at a time, so concurrent callers never see a half-made change.

AWS answers terraform's parallel calls (ten at a time by default) independently: a server error (HTTP 5xx,
"Error codes for the Amazon EC2 API") is AWS's own fault, and SDKs retry it. moto's backends are plain dicts
and lists that its handlers iterate while other request threads change them, so under parallel calls a handler
raises ``RuntimeError: dictionary changed size during iteration`` and answers 500 — sometimes after it has
already made its change. The SDK's retry then meets the change: a retried AuthorizeSecurityGroupEgress fails
with ``InvalidPermission.Duplicate`` although the caller asked once (a CI run hit exactly that). AWS's EC2 API
is eventually consistent ("Eventual consistency in the Amazon EC2 API"), which the emulator does not model: it
is strictly consistent, which every caller that copes with AWS copes with.

Each request to moto runs under moto's ``backend_lock``, the lock the workloads' scheduler and the state save
already hold when they touch moto's objects. The request body is read before the lock is taken and the answer
is built in full under it, so a slow client never holds the lock. The data plane (gateway traffic) does not
pass through here: it forwards to workloads that may take seconds. SQS long polls, the one moto handler that
waits for another request, give the lock up while they wait.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from crossgate.emulator.backends import moto_lock
from crossgate.emulator.patches.base import wrap
from crossgate.emulator.wsgi import WsgiApp, read_request_body


def _buffer_request_body(environ: dict[str, Any]) -> None:
    """Read the whole request body now (outside the lock) and hand moto an in-memory copy."""
    body, _ = read_request_body(environ)
    if body is None:
        return
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))


class OneRequestAtATime:
    """WSGI wrapper: the wrapped moto app sees one request at a time; bodies move outside the lock."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        self.lock = moto_lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        _buffer_request_body(environ)
        with self.lock:
            answer = self.app(environ, start_response)
            try:
                body = b"".join(answer)
            finally:
                close = getattr(answer, "close", None)
                if close is not None:
                    close()
        return [body]


@contextmanager
def lock_released() -> Iterator[None]:
    """Give the moto lock up for a wait (this thread holds it once, from :class:`OneRequestAtATime`)."""
    lock = moto_lock()
    lock.release()
    try:
        yield
    finally:
        lock.acquire()


def let_long_polls_wait_unlocked() -> None:
    """An SQS ReceiveMessage with WaitTimeSeconds waits up to 20 s for a SendMessage: it must not hold the
    lock the SendMessage needs. moto 5.2.5 waits in ``Queue.wait_for_messages`` on the queue's own Condition."""
    from moto.sqs.models import Queue

    def make(original: Callable[..., None]) -> Callable[..., None]:
        def wait_for_messages(self: Any, timeout: int) -> None:
            if not _held_by_this_thread():
                return original(self, timeout)
            with lock_released():
                return original(self, timeout)

        return wait_for_messages

    wrap(Queue, "wait_for_messages", make, layer="serial")


def _held_by_this_thread() -> bool:
    owned: Callable[[], bool] | None = getattr(moto_lock(), "_is_owned", None)  # RLock's, undocumented
    return bool(owned()) if owned is not None else False
