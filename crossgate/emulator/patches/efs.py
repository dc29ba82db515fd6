"""EFS: differences between moto 5.2.5 and AWS that the aws provider trips over."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from crossgate.emulator.patches.base import wrap

_STATUS = "_crossgate_backup_status"
_BACKUP_STATUSES = ("ENABLED", "DISABLED")


def patch_efs_put_backup_policy() -> None:
    """AWS PutBackupPolicy (``PUT /2015-02-01/file-systems/{FileSystemId}/backup-policy`` with
    ``{"BackupPolicy": {"Status": "ENABLED" | "DISABLED"}}``) turns a file system's automatic backups
    (AWS Backup's default plan) on or off and answers with the policy; DescribeBackupPolicy then
    returns that status, ``DISABLED`` included. AWS passes through ``ENABLING``/``DISABLING`` first;
    the emulator settles at once (the provider waits for the final status either way).

    moto 5.2.5 has no PutBackupPolicy: it answers 500 NotImplemented, which the provider retries
    until its timeout, so ``aws_efs_backup_policy`` never gets created. Its DescribeBackupPolicy only
    knows the CreateFileSystem ``Backup`` flag. The patch adds PutBackupPolicy (FileSystemNotFound
    for an unknown id, BadRequest for another status) and makes DescribeBackupPolicy answer the
    status last put, falling back to moto's answer for file systems never given a policy.
    """
    from moto.efs.exceptions import BadRequest
    from moto.efs.models import EFSBackend
    from moto.efs.responses import EFSResponse

    def make_put(_missing: Callable[..., Any]) -> Callable[..., Any]:
        def put_backup_policy(self: Any) -> tuple[str, dict[str, Any]]:
            file_system_id = self._get_param("FileSystemId")
            status = (self._get_param("BackupPolicy") or {}).get("Status")
            if status not in _BACKUP_STATUSES:
                raise BadRequest(f"BackupPolicy.Status must be one of {', '.join(_BACKUP_STATUSES)}")
            # describe_file_systems raises FileSystemNotFound for an unknown id, as AWS does.
            _, [file_system] = self.efs_backend.describe_file_systems(file_system_id=file_system_id)
            setattr(file_system, _STATUS, status)
            file_system._backup = status == "ENABLED"
            body = {"BackupPolicy": {"Status": status}}
            return json.dumps(body), {"Content-Type": "application/json"}

        return put_backup_policy

    def make_describe(original: Callable[..., dict[str, str]]) -> Callable[..., dict[str, str]]:
        def describe_backup_policy(self: Any, file_system_id: str) -> dict[str, str]:
            file_system = self.file_systems_by_id.get(file_system_id)
            status = getattr(file_system, _STATUS, None) if file_system is not None else None
            if status is not None:
                return {"Status": status}
            return original(self, file_system_id)

        return describe_backup_policy

    wrap(EFSResponse, "put_backup_policy", make_put)
    wrap(EFSBackend, "describe_backup_policy", make_describe)


def patch_efs_delete_file_system_policy() -> None:
    """AWS DeleteFileSystemPolicy (``DELETE /2015-02-01/file-systems/{FileSystemId}/policy``) removes a
    file system's resource policy, after which the default policy is in effect again (DescribeFileSystemPolicy
    answers PolicyNotFound); it answers 200 with no body, FileSystemNotFound for an unknown id.

    moto 5.2.5 implements Put/DescribeFileSystemPolicy but not the delete: 500 NotImplemented, which the
    provider retries until its timeout, so destroying an ``aws_efs_file_system_policy`` (and everything
    after it: the file system, the VPC) never finishes.
    """
    from moto.efs.responses import EFSResponse

    def make(_missing: Callable[..., Any]) -> Callable[..., Any]:
        def delete_file_system_policy(self: Any) -> tuple[str, dict[str, Any]]:
            file_system_id = self._get_param("FileSystemId")
            _, [file_system] = self.efs_backend.describe_file_systems(file_system_id=file_system_id)
            file_system.file_system_policy = None
            return "{}", {"Content-Type": "application/json"}

        return delete_file_system_policy

    wrap(EFSResponse, "delete_file_system_policy", make)
