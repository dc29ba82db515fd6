"""Reading YAML with the line and column of every key, and refusing duplicate keys.

PyYAML's ``safe_load`` keeps the last of two equal keys silently and forgets where each value was;
an env file's errors must point at the offending line, so the document is composed into nodes
(which carry marks) and constructed from them by the same safe constructor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MERGE_TAG = "tag:yaml.org,2002:merge"

Path = tuple[str, ...]
"""A place in the document: mapping keys and sequence indices, all as strings."""


@dataclass(frozen=True)
class Mark:
    """A 1-based line and column."""

    line: int
    column: int

    @classmethod
    def of(cls, node: Node) -> Mark:
        return cls(node.start_mark.line + 1, node.start_mark.column + 1)


@dataclass(frozen=True)
class DuplicateKey:
    """A key given twice in one mapping: where it is, where it was first."""

    path: Path
    mark: Mark
    first: Mark


@dataclass
class Document:
    """The constructed data, the mark of every key (or sequence item), and the duplicate keys found."""

    data: Any
    marks: dict[Path, Mark] = field(default_factory=dict)
    duplicates: list[DuplicateKey] = field(default_factory=list)

    def mark_of(self, path: tuple[object, ...]) -> Mark:
        """The mark of ``path``, or of its nearest ancestor present in the file (a missing key's parent)."""
        parts = tuple(str(p) for p in path)
        while parts:
            found = self.marks.get(parts)
            if found is not None:
                return found
            parts = parts[:-1]
        return self.marks.get((), Mark(1, 1))


def load(text: str) -> Document:
    """Parse ``text`` as one YAML document (safe tags only); raise yaml.YAMLError when it is not YAML."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return Document(None)
        document = Document(None, {(): Mark.of(root)})
        _walk(loader, root, (), document, set())
        document.data = loader.construct_document(root)
        return document
    finally:
        loader.dispose()


def _walk(loader: yaml.SafeLoader, node: Node, path: Path, document: Document, seen: set[int]) -> None:
    """Record marks below ``node``; each node once (aliases reuse nodes, and may even form a cycle)."""
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            document.marks.setdefault((*path, str(index)), Mark.of(item))
            _walk(loader, item, (*path, str(index)), document, seen)
    elif isinstance(node, MappingNode):
        first: dict[str, Mark] = {}
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                _walk(loader, value_node, path, document, seen)  # `<<: *base`: the keys land in this mapping
                continue
            key = _key_text(loader, key_node)
            mark = Mark.of(key_node)
            if key in first:
                document.duplicates.append(DuplicateKey((*path, key), mark, first[key]))
                continue
            first[key] = mark
            document.marks.setdefault((*path, key), mark)
            _walk(loader, value_node, (*path, key), document, seen)


def _key_text(loader: yaml.SafeLoader, node: Node) -> str:
    """A key as the constructed mapping will hold it (``1`` and ``"1"`` differ in YAML, not here)."""
    if isinstance(node, ScalarNode):
        return str(loader.construct_object(node))
    return f"<{type(node).__name__} key at line {node.start_mark.line + 1}>"
