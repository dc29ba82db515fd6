"""Synthesis: env -> CDKTF stacks (``stacks``, ``aws_provider``, ``tags``, ``app``) -> Terraform JSON/HCL
folders and their manifest (``manifest``). Importing this package does not load cdktf; ``stacks`` does."""

from crossgate.synth.manifest import Manifest, Stack, SynthError, read_manifest, synthesize

__all__ = ["Manifest", "Stack", "SynthError", "read_manifest", "synthesize"]
