"""Where the ejected stacks find crossgate's modules: a copy in DIR, a git URL, a registry, a DIR-relative path.

Terraform's module source syntax (https://developer.hashicorp.com/terraform/language/modules/sources,
"Modules in Package Sub-directories"): a sub-directory follows ``//`` after the package address and
before any query string (``git::https://host/repo.git//modules/central?ref=v1``); a registry address is
``[<HOST>/]<NAMESPACE>/<NAME>/<PROVIDER>`` with the same ``//subdir`` and a separate ``version`` argument;
a local path starts with ``./`` or ``../``. Terraform downloads the whole package, so the modules' own
relative calls (``../private_network``, ``../../eni_lookup``) keep working inside it.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from crossgate.errors import CrossgateError
from crossgate.paths import HCL_MODULES, REPO_ROOT

REGISTRY = re.compile(r"^(?:[a-z0-9.-]+\.[a-z]{2,}(?::\d+)?/)?[A-Za-z0-9_-]+/[A-Za-z0-9_-]+/[a-z0-9]+$")
COPY_IGNORE = shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "*.tfstate", "*.tfstate.*", "__pycache__")


class ModuleSourceError(CrossgateError):
    """--module-source is none of the accepted forms."""


@dataclass(frozen=True)
class ModuleSources:
    """How a stack folder (``DIR/<stack>``) names a module of crossgate's checkout."""

    prefix: str | None = None
    """None: copy the modules into DIR; else a git/URL prefix, a registry address or a DIR-relative path."""
    version: str | None = None
    """The registry module version (registry addresses only)."""

    def check(self, out_dir: Path) -> None:
        """Refuse sources that would not work where the ejected folders go (before anything is written)."""
        if self.version is not None and self.kind != "registry":
            raise ModuleSourceError("--module-version is for a registry address (e.g. acme/crossgate/aws); "
                                    "a git source takes its ref in the URL (…?ref=v1)")
        if self.kind == "path":
            assert self.prefix is not None
            if os.path.isabs(self.prefix):
                raise ModuleSourceError(f"--module-source {self.prefix}: give a path relative to the --to folder "
                                        "(starting with ./ or ../), not an absolute path")
            target = (out_dir / self.prefix).resolve()
            if target.is_relative_to(REPO_ROOT) and not target.is_relative_to(out_dir.resolve()):
                raise ModuleSourceError(f"--module-source {self.prefix} points into the crossgate checkout "
                                        f"({REPO_ROOT}); the ejected folders must not depend on it. Leave "
                                        "--module-source out to copy the modules, or use a git URL or registry")

    @property
    def kind(self) -> str:
        if self.prefix is None:
            return "copy"
        if self.prefix.startswith(("./", "../")) or os.path.isabs(self.prefix) or self.prefix in (".", ".."):
            return "path"
        if REGISTRY.match(self.prefix):
            return "registry"
        if "::" in self.prefix or "/" in self.prefix:
            return "url"
        raise ModuleSourceError(
            f"--module-source {self.prefix!r} is not a module source: use a git URL with a ref "
            "(git::https://github.com/acme/crossgate.git?ref=v1), a registry address (acme/crossgate/aws) "
            "or a path relative to --to (../shared/crossgate)")

    def source(self, module: PurePosixPath) -> str:
        """The ``source`` of a module at ``module`` (relative to the checkout root, e.g. modules/central)."""
        kind = self.kind
        if kind == "copy":
            return f"../{module}"
        assert self.prefix is not None
        if kind == "path":
            return os.path.normpath(f"../{self.prefix}/{module}")
        if kind == "registry":
            return f"{self.prefix}//{module}"
        return with_subdir(self.prefix, str(module))

    def copy_modules(self, out_dir: Path) -> list[Path]:
        """Copy every HCL module into DIR with the checkout's layout (their relative calls keep working)."""
        if self.kind != "copy":
            return []
        copied = []
        for module in HCL_MODULES:
            target = out_dir / module.relative_to(REPO_ROOT)
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(module, target, ignore=COPY_IGNORE)
            copied.append(target)
        return copied


def with_subdir(address: str, subdir: str) -> str:
    """``git::https://h/r.git?ref=v1`` + ``modules/central`` -> ``git::https://h/r.git//modules/central?ref=v1``."""
    base, sep, query = address.partition("?")
    without_getter = re.sub(r"^[a-z0-9]+::", "", base)
    without_scheme = re.sub(r"^[a-z][a-z0-9+.-]*://", "", without_getter)
    joined = f"{base.rstrip('/')}/{subdir}" if "//" in without_scheme else f"{base}//{subdir}"
    return joined + sep + query


def checkout_module(source: str, stack_dir: Path) -> PurePosixPath | None:
    """The checkout-relative path of a local module source in a synthesized stack (None: not crossgate's)."""
    if not source.startswith(("./", "../")):
        return None
    target = (stack_dir / source).resolve()
    if not target.is_relative_to(REPO_ROOT):
        return None
    return PurePosixPath(target.relative_to(REPO_ROOT).as_posix())
