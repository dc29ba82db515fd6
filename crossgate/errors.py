"""The one error type users see: a failure crossgate explains in words (exit 1, no traceback).

Every subsystem's own error (an invalid env file, a failed synth, terraform's failure, an emulator
that would not start, a bad command line) derives from :class:`CrossgateError`, so the CLI needs
one rule: a ``CrossgateError`` is printed; anything else is a bug, logged with its traceback.
"""

from __future__ import annotations


class CrossgateError(Exception):
    """A failure explained to the user in its message."""
