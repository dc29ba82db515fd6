"""CI engines: crossgate's stacks as Atlantis projects (``atlantis``) or a GitHub Actions workflow (``github``).

Both are written from one model of an env's stacks (``layers``) so they cannot disagree on names, order or
credentials; crossgate stays out of scheduling: the engine the team already runs plans and applies.
"""
