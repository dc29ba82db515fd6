"""The AWS regions crossgate accepts, known offline."""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path


@cache
def known_regions() -> frozenset[str]:
    """Region names from botocore's bundled endpoint data: offline, kept current by the pinned boto3.

    Read as a file rather than through boto3.Session, which would add ~0.5 s to every command.
    """
    spec = importlib.util.find_spec("botocore")
    if spec is None or spec.origin is None:
        raise RuntimeError("botocore is not installed; run scripts/setup")
    data = json.loads((Path(spec.origin).parent / "data" / "endpoints.json").read_text())
    return frozenset(
        region
        for partition in data["partitions"]
        if partition["partition"] in ("aws", "aws-cn", "aws-us-gov")
        for region in partition["regions"]
    )
