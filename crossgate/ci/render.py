"""YAML out: key order kept (engines and people read it top-down), long commands on one line, a header."""

from __future__ import annotations

from typing import Any

import yaml


class _Dumper(yaml.SafeDumper):
    """Block style; lists indented under their key, as Atlantis's and GitHub's own examples write them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: object) -> bool:
        return True  # a list used twice is written twice: no &anchors for people to decode


def to_yaml(document: dict[str, Any], header: str) -> str:
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=10_000,
                     allow_unicode=True)
    comment = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    return comment + body
