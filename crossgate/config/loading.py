"""Reading an env file: YAML, the schema, the name checks, and every problem rendered for the user."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from crossgate import names
from crossgate.config import schema
from crossgate.config.schema import EnvConfig
from crossgate.errors import CrossgateError


@dataclass(frozen=True)
class EnvProblem:
    """One thing wrong with an env file: where, and what to do about it."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}" if self.field else f"{self.file}: {self.message}"


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
    """Parse and validate an env file; raise EnvConfigError naming every problem."""
    shown = str(path)
    problems: list[EnvProblem] = []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EnvConfigError([EnvProblem(shown, "", "no such env file; fix: pick one of envs/*.yaml")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EnvConfigError([EnvProblem(shown, "", f"cannot be read ({exc}); fix: save it as UTF-8 text")]) from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" at line {where.line + 1}, column {where.column + 1}" if where else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise EnvConfigError([EnvProblem(shown, "", f"is not valid YAML{at}: {problem}; fix: correct the syntax")]) \
            from None
    if not isinstance(raw, dict):
        problems.append(
            EnvProblem(shown, "", f"must be a YAML mapping with central and services (got {type(raw).__name__})")
        )
        raise EnvConfigError(problems)
    # An explicit `name:` is the env's identity (stacks, state keys); else the file's name is.
    explicit = raw.get("name")
    name = explicit if isinstance(explicit, str) else path.stem
    if not names.ENV_NAME_RE.match(name):
        problems.append(
            EnvProblem(shown, "name", f"env name {name!r} is not DNS-safe; fix: lowercase letters, digits and "
                       "'-', starting with a letter, at most 24 characters") if isinstance(explicit, str) else
            EnvProblem(shown, "", f"env name {name!r} (the file name) is not DNS-safe; "
                       "fix: rename the file to lowercase letters, digits and '-', or set `name:` in it")
        )
    try:
        config = EnvConfig.model_validate(raw)
    except ValidationError as exc:
        problems.extend(_problems_from(shown, exc))
        raise EnvConfigError(problems) from None
    problems.extend(_resource_name_problems(shown, name, config))
    if problems:
        raise EnvConfigError(problems)
    return Environment(name=name, path=path, config=config)


def _resource_name_problems(file: str, env_name: str, config: EnvConfig) -> list[EnvProblem]:
    problems = []
    for service in config.services:
        derived = names.provider_resource_name(env_name, service)
        if len(derived) > names.MAX_PROVIDER_NAME:
            problems.append(EnvProblem(
                file, f"services.{service}",
                f"resource names '{derived}' ({len(derived)} chars) would exceed {names.MAX_PROVIDER_NAME} "
                "(NLB names); "
                "fix: shorten the service name or the env file name"))
    derived = names.central_resource_name(env_name, config.central.api.name)
    if len(derived) > names.MAX_CENTRAL_NAME:
        problems.append(EnvProblem(
            file, "central.api.name",
            f"resource names '{derived}' ({len(derived)} chars) would exceed {names.MAX_CENTRAL_NAME}; "
            "fix: shorten api.name or the env file name"))
    return problems


def _problems_from(file: str, exc: ValidationError) -> list[EnvProblem]:
    problems: list[EnvProblem] = []
    for error in exc.errors(include_url=False, include_input=False):
        loc = [str(part) for part in error["loc"] if not _is_union_tag(str(part))]
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "is not a known field; fix: remove it or check its spelling"
        elif error["type"] == "missing":
            message = "is required; fix: add it"
        elif error["type"] in _FIX_BY_ERROR and "fix:" not in message:
            message = f"{message}; fix: {_FIX_BY_ERROR[error['type']]}"
        for line in message.split("\n"):
            # Cross-field messages carry their own path ("services.x.routes: ...").
            if ": " in line and line.split(": ", 1)[0].startswith(("services.", "central.", "services:")):
                field, _, text = line.partition(": ")
                problems.append(EnvProblem(file, field.rstrip(":"), text))
            else:
                problems.append(EnvProblem(file, ".".join(loc), line))
    return _dedupe(problems)


_UNION_TAGS = frozenset({"create", "existing", "simple", "jwt", "lambda"})


def _is_union_tag(part: str) -> bool:
    """pydantic names union members in error paths; the path a user needs has only field names."""
    return part in _UNION_TAGS or part in _MODEL_NAMES or part.startswith(("literal[", "function-"))


# Hints for pydantic's own messages, which say what is wrong but not what to do.
_FIX_BY_ERROR = {
    "greater_than_equal": "use a value within the allowed range",
    "less_than_equal": "use a value within the allowed range",
    "greater_than": "use a value within the allowed range",
    "less_than": "use a value within the allowed range",
    "too_short": "add at least the minimum number of entries",
    "too_long": "remove entries to stay within the limit",
    "string_pattern_mismatch": "use the documented format",
    "string_type": "give a string (quote it in YAML)",
    "int_type": "give a whole number",
    "int_parsing": "give a whole number",
    "int_from_float": "give a whole number",
    "float_parsing": "give a number",
    "bool_parsing": "give true or false",
    "bool_type": "give true or false",
    "literal_error": "use one of the listed values",
    "dict_type": "give a YAML mapping",
    "list_type": "give a YAML list",
    "model_type": "give a YAML mapping",
    "model_attributes_type": "give a YAML mapping",
    "union_tag_invalid": "use one of the documented shapes",
}


def _dedupe(problems: list[EnvProblem]) -> list[EnvProblem]:
    seen: set[tuple[str, str]] = set()
    unique: list[EnvProblem] = []
    for problem in problems:
        key = (problem.field, problem.message)
        if key not in seen:
            seen.add(key)
            unique.append(problem)
    return unique


_MODEL_NAMES = frozenset(
    cls.__name__ for cls in vars(schema).values() if isinstance(cls, type) and issubclass(cls, BaseModel)
)
