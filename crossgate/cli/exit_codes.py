"""crossgate's exit codes, documented in the README next to the commands."""

EXIT_OK = 0
EXIT_ERROR = 1  # a failure crossgate explains (an invalid env file included)
EXIT_CHANGES = 2  # only for `plan --detailed-exitcode`: some stack has changes
EXIT_UNEXPECTED = 3  # a bug: one line on screen, the traceback in .crossgate/logs/
EXIT_INTERRUPTED = 130  # Ctrl-C
