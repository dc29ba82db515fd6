"""``python -m crossgate.cli``: the same as the ``crossgate`` command."""

import sys

from crossgate.cli.app import main

sys.exit(main())
