"""Reading an env file: YAML (with marks), the schema, the cross-field checks, every problem at once.

Each problem names the file, the line and column of the offending key, the field path, what is wrong and
the fix, rendered as ``envs/x.yaml:12:5: central.api.throttling.rate: <problem>; fix: <fix>``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from crossgate import names
from crossgate.config import marks
from crossgate.config.checks import check
from crossgate.config.render import render
from crossgate.config.schema import EnvConfig
from crossgate.config.view import salvage, view_of
from crossgate.errors import CrossgateError


@dataclass(frozen=True)
class EnvProblem:
    """One thing wrong with an env file: where, and what to do about it."""

    file: str
    field: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line is not None else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class EnvConfigError(CrossgateError):
    """An env file that cannot be used; carries every problem found."""

    def __init__(self, problems: list[EnvProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Environment:
    """A validated env file and its name (its `name:`, else the file's stem; it prefixes stacks and state)."""

    name: str
    path: Path
    config: EnvConfig

    def to_json(self) -> str:
        """The validated env as data, for a child process (synth) that must not re-read the YAML."""
        return json.dumps({"name": self.name, "path": str(self.path),
                           "config": self.config.model_dump(mode="json", by_alias=True, exclude_unset=True)})

    @classmethod
    def from_json(cls, text: str) -> Environment:
        data = json.loads(text)
        return cls(name=data["name"], path=Path(data["path"]), config=EnvConfig.model_validate(data["config"]))


def load_environment(path: Path) -> Environment:
    """Parse and validate an env file; raise EnvConfigError naming every problem, sorted by line."""
    shown = shown_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EnvConfigError([EnvProblem(shown, "", "no such env file; fix: pick one of envs/*.yaml")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EnvConfigError([EnvProblem(shown, "", f"cannot be read ({exc}); fix: save it as UTF-8 text")]) from None
    try:
        document = marks.load(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise EnvConfigError([EnvProblem(
            shown, "", f"is not valid YAML: {problem}; fix: correct the syntax",
            *((where.line + 1, where.column + 1) if where is not None else ()))]) from None
    except RecursionError:
        raise EnvConfigError([EnvProblem(shown, "", "nests too deeply to read; fix: flatten the structure")]) \
            from None
    raw = document.data
    if not isinstance(raw, dict):
        raise EnvConfigError([EnvProblem(
            shown, "", f"must be a YAML mapping with central and services (got {type(raw).__name__})", 1, 1)])
    problems = _Problems(shown, document)
    for duplicate in document.duplicates:
        problems.add(duplicate.path, (
            f"is given twice (first at line {duplicate.first.line}, column {duplicate.first.column}; YAML would "
            "silently keep only the last); fix: keep one of them"), mark=duplicate.mark)
    name = _env_name(path, raw, problems)
    try:
        config: EnvConfig | None = EnvConfig.model_validate(raw)
    except ValidationError as exc:
        config = None
        for error in render(exc):
            problems.add(error.path, error.message)
    if config is not None:
        view = view_of(config, name)
    else:
        view, errors = salvage(raw, name)
        for error in errors:
            problems.add(error.path, error.message)
    for finding in check(view):
        problems.add(finding.path, finding.message, at=finding.at)
    if problems.found:
        raise EnvConfigError(problems.sorted())
    assert config is not None  # no problem found means it validated
    return Environment(name=name, path=path, config=config)


def shown_path(path: Path) -> str:
    """The file as the user knows it: relative to the working folder when inside it (envs/dev.yaml)."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _env_name(path: Path, raw: dict[object, object], problems: _Problems) -> str:
    """An explicit `name:` is the env's identity (stacks, state keys); else the file's name is."""
    explicit = raw.get("name")
    name = explicit if isinstance(explicit, str) else path.stem
    if not names.ENV_NAME_RE.fullmatch(name):
        if isinstance(explicit, str):
            problems.add(("name",), f"env name {name!r} is not DNS-safe; fix: lowercase letters, digits and "
                         "'-', starting with a letter, at most 24 characters")
        else:
            problems.add((), f"env name {name!r} (the file name) is not DNS-safe; "
                         "fix: rename the file to lowercase letters, digits and '-', or set `name:` in it")
    return name


class _Problems:
    """Problems of one file, each placed at its key's line and column, without repeats."""

    def __init__(self, file: str, document: marks.Document) -> None:
        self._file = file
        self._document = document
        self._seen: set[tuple[str, str]] = set()
        self.found: list[EnvProblem] = []

    def add(self, path: tuple[str, ...], message: str, *, at: tuple[str, ...] | None = None,
            mark: marks.Mark | None = None) -> None:
        field = ".".join(path)
        if (field, message) in self._seen:
            return
        self._seen.add((field, message))
        where = mark or (self._document.mark_of(at if at is not None else path) if path or at else None)
        self.found.append(EnvProblem(self._file, field, message, *((where.line, where.column) if where else ())))

    def sorted(self) -> list[EnvProblem]:
        return sorted(self.found, key=lambda p: (p.line or 0, p.column or 0))
