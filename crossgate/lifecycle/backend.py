"""Listing the stack states an env has in its state backend: the local state folder or an S3 bucket/prefix.

The backend itself is asked (never a local cache): a stack another checkout deployed, or one whose env file
lost it, is found as long as its state exists. The key layout is the one the stacks' backends use
(crossgate.synth.stacks, crossgate.names.state_key). S3 is read with ListObjectsV2 and GetObject; in a
versioned bucket (the emulator's is), DeleteObject adds a delete marker, so a deleted state no longer lists
but its versions stay recoverable (AWS S3 User Guide, "Deleting object versions from a versioning-enabled
bucket").
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crossgate import emulator
from crossgate.errors import CrossgateError
from crossgate.lifecycle.records import StackRecord, managed_resources, record_in_state
from crossgate.paths import state_dir

if TYPE_CHECKING:
    from crossgate.config import Environment
    from crossgate.target import Target

STATE_SUFFIX = ".tfstate"


class LifecycleError(CrossgateError):
    """The state backend cannot be read, or the env's identity or its dropped stacks need a decision."""


@dataclass(frozen=True)
class StoredState:
    """One stack's state as found in the backend."""

    stack: str
    where: str  # shown to users: a path or s3://bucket/key
    record: StackRecord | None
    resources: int

    @property
    def exists(self) -> bool:
        """A stack "exists" while its state holds resources (a destroyed stack's state is empty)."""
        return self.resources > 0


@dataclass(frozen=True)
class StateLocation:
    """Where one env's stack states live: a local folder, or keys under a prefix of an S3 bucket.

    ``wider`` is where states of other envs sharing this backend live (the rename check looks there).
    """

    folder: Path | None = None
    bucket: str | None = None
    prefix: str = ""
    wider_prefix: str = ""
    client: Any = None  # an S3 client, for bucket locations

    @property
    def is_s3(self) -> bool:
        return self.bucket is not None

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.is_s3 else str(self.folder)

    def states(self) -> list[StoredState]:
        """The states of this location's own area (this env's folder, or keys under ``prefix``)."""
        return list(self._read(self.prefix, own=True))

    def wider_states(self) -> list[StoredState]:
        """The states of every env sharing this backend (all env folders; the bucket's wider prefix)."""
        return list(self._read(self.wider_prefix, own=False))

    def delete(self, stack: str) -> None:
        """Remove a destroyed stack's state, so the stack no longer lists (a local backup file stays)."""
        if self.is_s3:
            self.client.delete_object(Bucket=self.bucket, Key=f"{self.prefix}{stack}{STATE_SUFFIX}")
        else:
            assert self.folder is not None
            (self.folder / f"{stack}{STATE_SUFFIX}").unlink(missing_ok=True)

    def _read(self, prefix: str, *, own: bool) -> Iterator[StoredState]:
        if self.is_s3:
            yield from self._read_s3(prefix, own=own)
            return
        assert self.folder is not None
        files = self.folder.glob(f"*{STATE_SUFFIX}") if own else self.folder.parent.parent.glob(
            f"*/{self.folder.name}/*{STATE_SUFFIX}")
        for path in sorted(files):
            yield _stored(path.name.removesuffix(STATE_SUFFIX), str(path), path.read_text())

    def _read_s3(self, prefix: str, *, own: bool) -> Iterator[StoredState]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield from self._read_s3_pages(prefix, own=own)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "NoSuchBucket":
                return  # nothing deployed yet: terraform init fails on it with its own message
            raise LifecycleError(f"cannot list the state in s3://{self.bucket}/{prefix}: {exc}; fix: the "
                                 "credentials of state.s3 (profile or role_arn) need s3:ListBucket and "
                                 "s3:GetObject on it") from None
        except BotoCoreError as exc:
            raise LifecycleError(f"the state bucket s3://{self.bucket} could not be reached: {exc}; fix: check the "
                                 "network and the endpoint (for an emulator env: is the emulator running at that "
                                 "URL?)") from None

    def _read_s3_pages(self, prefix: str, *, own: bool) -> Iterator[StoredState]:
        from botocore.exceptions import ClientError

        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                key = item["Key"]
                if not key.endswith(STATE_SUFFIX):
                    continue  # lock files (<key>.tflock) and anything else
                try:
                    body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read().decode()
                except ClientError as exc:
                    # Another env's state this env's credentials may not read: not needed (the rename hint).
                    if own or exc.response.get("Error", {}).get("Code") != "AccessDenied":
                        raise
                    continue
                yield _stored(key.rsplit("/", 1)[-1].removesuffix(STATE_SUFFIX), f"s3://{self.bucket}/{key}", body)


def _stored(stack: str, where: str, text: str) -> StoredState:
    try:
        state = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError:
        state = {}
    return StoredState(stack=stack, where=where, record=record_in_state(state), resources=managed_resources(state))


def location_of(env: Environment, target: Target) -> StateLocation:
    """The same choice as the stacks' backends: the emulator's bucket, the env's S3 state, or local files."""
    s3 = getattr(env.config.state, "s3", None)  # `state:` may also be `local` or absent: no S3 then
    if target.is_emulator:
        settings = emulator.backend_settings(target.url)
        backend = target.emulator_backend(env.name, "")  # the key of a stack named "": "<env>/.tfstate"
        assert backend is not None
        prefix = str(backend["key"]).removesuffix(STATE_SUFFIX)
        return StateLocation(bucket=str(settings["bucket"]), prefix=prefix, wider_prefix="",
                             client=_emulator_s3(target.url, str(settings["region"])))
    if s3 is not None:
        prefix = f"{s3.key_prefix.strip('/')}/"
        return StateLocation(bucket=s3.bucket, prefix=prefix, wider_prefix=prefix,
                             client=_aws_s3(s3.region, s3.profile, s3.role_arn))
    return StateLocation(folder=state_dir(env.name))


def _emulator_s3(url: str, region: str) -> Any:
    import boto3

    env = emulator.terraform_environment(url)
    return boto3.client("s3", endpoint_url=url, region_name=region, aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])


def _aws_s3(region: str, profile: str | None, role_arn: str | None) -> Any:
    """The state bucket's client with the backend's own credentials (profile, or an assumed role)."""
    import boto3

    session = boto3.Session(profile_name=profile, region_name=region)
    if role_arn:
        found = session.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="crossgate")["Credentials"]
        session = boto3.Session(aws_access_key_id=found["AccessKeyId"], aws_secret_access_key=found["SecretAccessKey"],
                                aws_session_token=found["SessionToken"], region_name=region)
    return session.client("s3")
