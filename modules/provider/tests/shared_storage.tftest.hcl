# fargate.shared_storage: one encrypted EFS file system shared by every task, all mocked.

mock_provider "aws" {
  source = "./tests/mocks"

  # Shared defaults: tests/mocks/aws.tfmock.hcl. Below, only what this file mocks differently.
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::222222222222:role/employee-ecs" }
  }
}

variables {
  name               = "employee"
  port               = 80
  allowed_principals = ["arn:aws:iam::111111111111:root"]
  fargate = {
    image          = "222222222222.dkr.ecr.us-east-1.amazonaws.com/employee:1.0.0"
    environment    = { EMPLOYEE_DB = "/data/employees.db" }
    shared_storage = { path = "/data" }
  }
  tags = { Project = "crossgate" }
}

run "apply_shared_storage_creates_efs_for_every_task" {
  command = apply

  assert {
    condition = (
      aws_efs_file_system.shared[0].encrypted == true &&
      aws_efs_file_system.shared[0].kms_key_id == "arn:aws:kms:us-east-1:222222222222:key/aws-managed-elasticfilesystem" &&
      aws_efs_file_system.shared[0].creation_token == "employee-shared" &&
      [for p in aws_efs_file_system.shared[0].lifecycle_policy : coalesce(p.transition_to_ia, p.transition_to_primary_storage_class)] == ["AFTER_30_DAYS", "AFTER_1_ACCESS"]
    )
    error_message = "The shared file system must be encrypted (AWS managed key by default) with IA lifecycle transitions."
  }
  assert {
    condition     = aws_efs_backup_policy.shared[0].backup_policy[0].status == "ENABLED" && aws_efs_backup_policy.shared[0].file_system_id == aws_efs_file_system.shared[0].id
    error_message = "EFS automatic backups must be on by default."
  }
  assert {
    condition = (
      length(aws_efs_mount_target.shared) == length(module.network[0].subnet_ids) &&
      tolist([for m in aws_efs_mount_target.shared : m.subnet_id]) == tolist(module.network[0].subnet_ids) &&
      alltrue([for m in aws_efs_mount_target.shared : m.security_groups == toset([aws_security_group.efs[0].id]) && m.file_system_id == aws_efs_file_system.shared[0].id])
    )
    error_message = "One mount target per workload subnet, each with the EFS security group."
  }
  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.efs_nfs_from_tasks[0].security_group_id == aws_security_group.efs[0].id &&
      aws_vpc_security_group_ingress_rule.efs_nfs_from_tasks[0].referenced_security_group_id == aws_security_group.tasks[0].id &&
      aws_vpc_security_group_ingress_rule.efs_nfs_from_tasks[0].ip_protocol == "tcp" &&
      aws_vpc_security_group_ingress_rule.efs_nfs_from_tasks[0].from_port == 2049 &&
      aws_vpc_security_group_ingress_rule.efs_nfs_from_tasks[0].to_port == 2049 &&
      aws_vpc_security_group_ingress_rule.efs_nfs_from_tasks[0].cidr_ipv4 == null &&
      aws_vpc_security_group_ingress_rule.efs_nfs_from_tasks[0].cidr_ipv6 == null
    )
    error_message = "The mount targets must admit NFS (tcp/2049) only from the tasks' security group."
  }
  assert {
    condition = (
      aws_vpc_security_group_egress_rule.tasks_nfs[0].security_group_id == aws_security_group.tasks[0].id &&
      aws_vpc_security_group_egress_rule.tasks_nfs[0].referenced_security_group_id == aws_security_group.efs[0].id &&
      aws_vpc_security_group_egress_rule.tasks_nfs[0].from_port == 2049 &&
      aws_vpc_security_group_egress_rule.tasks_nfs[0].to_port == 2049
    )
    error_message = "The tasks (egress restricted to 443) must be allowed NFS to the EFS security group."
  }
  assert {
    condition = (
      aws_efs_access_point.shared[0].file_system_id == aws_efs_file_system.shared[0].id &&
      aws_efs_access_point.shared[0].posix_user[0].uid == 10001 &&
      aws_efs_access_point.shared[0].posix_user[0].gid == 10001 &&
      aws_efs_access_point.shared[0].root_directory[0].path == "/employee" &&
      aws_efs_access_point.shared[0].root_directory[0].creation_info[0].owner_uid == 10001 &&
      aws_efs_access_point.shared[0].root_directory[0].creation_info[0].permissions == "0750"
    )
    error_message = "The access point must fix the POSIX user (the demo image's 10001) and create its own root directory."
  }
  assert {
    condition = (
      one([for v in aws_ecs_task_definition.this[0].volume : v if v.name == "shared"]).efs_volume_configuration[0].file_system_id == aws_efs_file_system.shared[0].id &&
      one([for v in aws_ecs_task_definition.this[0].volume : v if v.name == "shared"]).efs_volume_configuration[0].transit_encryption == "ENABLED" &&
      one([for v in aws_ecs_task_definition.this[0].volume : v if v.name == "shared"]).efs_volume_configuration[0].root_directory == null &&
      one([for v in aws_ecs_task_definition.this[0].volume : v if v.name == "shared"]).efs_volume_configuration[0].authorization_config[0].access_point_id == aws_efs_access_point.shared[0].id &&
      one([for v in aws_ecs_task_definition.this[0].volume : v if v.name == "shared"]).efs_volume_configuration[0].authorization_config[0].iam == "ENABLED"
    )
    error_message = "The task definition must mount the file system through the access point, with TLS and IAM authorization."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this[0].container_definitions)[0].mountPoints == [{ sourceVolume = "shared", containerPath = "/data", readOnly = false }]
    error_message = "The shared path must be mounted from the EFS volume (and not also as task storage)."
  }
  assert {
    condition     = length(aws_ecs_task_definition.this[0].volume) == 1
    error_message = "The default writable path /data is the shared path: no task-storage volume for it."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this[0].container_definitions)[0].environment == [{ name = "EMPLOYEE_DB", value = "/data/employees.db" }]
    error_message = "environment must reach the container definition."
  }
  assert {
    condition     = aws_ecs_task_definition.this[0].task_role_arn == aws_iam_role.task[0].arn && aws_iam_role.task[0].name == "employee-ecs-task"
    error_message = "Shared storage needs a task role (IAM authorization mounts with it)."
  }
  assert {
    condition     = aws_iam_role_policy.task_efs[0].role == aws_iam_role.task[0].id && aws_efs_file_system_policy.shared[0].file_system_id == aws_efs_file_system.shared[0].id
    error_message = "The task role must carry the EFS client policy, and the file system its own policy."
  }
  assert {
    condition = (
      output.efs_file_system_id == aws_efs_file_system.shared[0].id &&
      output.efs_access_point_id == aws_efs_access_point.shared[0].id &&
      output.task_role_arn == aws_iam_role.task[0].arn
    )
    error_message = "Outputs must describe the shared storage."
  }
  assert {
    condition = alltrue([for t in [
      aws_efs_file_system.shared[0].tags, aws_efs_access_point.shared[0].tags, aws_security_group.efs[0].tags,
      aws_iam_role.task[0].tags, aws_vpc_security_group_ingress_rule.efs_nfs_from_tasks[0].tags,
    ] : lookup(t, "Project", null) == "crossgate"])
    error_message = "tags must be applied to the shared storage resources."
  }
}

run "apply_shared_storage_policies" {
  command = apply

  # The mocked data sources keep their configured statements: assert on those.
  assert {
    condition     = data.aws_iam_policy_document.task_efs[0].statement[0].actions == toset(["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"])
    error_message = "The task role may only mount and write."
  }
  assert {
    condition = (
      one(data.aws_iam_policy_document.task_efs[0].statement[0].condition).variable == "elasticfilesystem:AccessPointArn" &&
      one(data.aws_iam_policy_document.task_efs[0].statement[0].condition).values == tolist([aws_efs_access_point.shared[0].arn])
    )
    error_message = "The task role's EFS access must be conditioned on the access point."
  }
  assert {
    condition     = one([for s in data.aws_iam_policy_document.efs[0].statement : s if s.effect == "Deny"]).condition != null
    error_message = "The file system policy must deny requests without TLS."
  }
  assert {
    condition     = one(one([for s in data.aws_iam_policy_document.efs[0].statement : s if s.effect == "Deny"]).condition).variable == "aws:SecureTransport"
    error_message = "The file system policy must deny requests without TLS."
  }
}

run "existing_vpc_one_mount_target_per_subnet" {
  command = plan

  variables {
    vpc_id     = "vpc-0aaaabbbbccccdddd"
    subnet_ids = ["subnet-0aaaabbbbccccdddd", "subnet-0eeeeffff00001111", "subnet-0222233334444aaaa"]
  }

  assert {
    condition     = tolist([for m in aws_efs_mount_target.shared : m.subnet_id]) == var.subnet_ids
    error_message = "Mount targets must follow the given subnets, one each."
  }
  assert {
    condition     = aws_security_group.efs[0].vpc_id == "vpc-0aaaabbbbccccdddd"
    error_message = "The EFS security group must live in the given VPC."
  }
}

run "other_writable_paths_keep_task_storage" {
  command = plan

  variables {
    fargate = {
      image          = "222222222222.dkr.ecr.us-east-1.amazonaws.com/employee:1.0.0"
      writable_paths = ["/data", "/tmp"]
      shared_storage = { path = "/srv/shared", uid = 1000, gid = 2000, backup = false, kms_key_arn = "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab" }
    }
  }

  assert {
    condition = jsondecode(aws_ecs_task_definition.this[0].container_definitions)[0].mountPoints == [
      { sourceVolume = "writable-0", containerPath = "/data", readOnly = false },
      { sourceVolume = "writable-1", containerPath = "/tmp", readOnly = false },
      { sourceVolume = "shared", containerPath = "/srv/shared", readOnly = false },
    ]
    error_message = "Writable paths other than the shared one keep their task-storage bind mounts."
  }
  assert {
    condition     = aws_efs_access_point.shared[0].posix_user[0].uid == 1000 && aws_efs_access_point.shared[0].posix_user[0].gid == 2000
    error_message = "uid/gid must reach the access point."
  }
  assert {
    condition     = aws_efs_backup_policy.shared[0].backup_policy[0].status == "DISABLED"
    error_message = "backup = false must switch EFS automatic backups off explicitly."
  }
  assert {
    condition     = aws_efs_file_system.shared[0].kms_key_id == "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    error_message = "kms_key_arn must encrypt the file system."
  }
}

run "shared_storage_off_creates_nothing_efs" {
  command = plan

  variables {
    fargate = { image = "222222222222.dkr.ecr.us-east-1.amazonaws.com/employee:1.0.0" }
  }

  assert {
    condition = alltrue([
      length(aws_efs_file_system.shared) == 0, length(aws_efs_backup_policy.shared) == 0,
      length(aws_efs_mount_target.shared) == 0, length(aws_efs_access_point.shared) == 0,
      length(aws_efs_file_system_policy.shared) == 0, length(aws_security_group.efs) == 0,
      length(aws_vpc_security_group_ingress_rule.efs_nfs_from_tasks) == 0, length(aws_vpc_security_group_egress_rule.tasks_nfs) == 0,
      length(aws_iam_role.task) == 0, length(aws_iam_role_policy.task_efs) == 0,
    ])
    error_message = "Without shared_storage no EFS resource, EFS rule or task role may exist."
  }
  assert {
    condition     = aws_ecs_task_definition.this[0].task_role_arn == null && alltrue([for v in aws_ecs_task_definition.this[0].volume : length(v.efs_volume_configuration) == 0])
    error_message = "Without shared_storage the task definition has no task role and no EFS volume."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this[0].container_definitions)[0].mountPoints == [{ sourceVolume = "writable-0", containerPath = "/data", readOnly = false }]
    error_message = "Without shared_storage /data stays ephemeral task storage."
  }
  assert {
    condition     = output.efs_file_system_id == null && output.efs_access_point_id == null && output.task_role_arn == null
    error_message = "The EFS outputs must be null when shared storage is off."
  }
}

run "byo_nlb_creates_no_efs" {
  command = plan

  variables {
    fargate = null
    nlb_arn = "arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/net/existing/abc"
  }

  assert {
    condition     = length(aws_efs_file_system.shared) == 0 && length(aws_efs_mount_target.shared) == 0 && output.efs_file_system_id == null
    error_message = "BYO mode creates no shared storage."
  }
}

run "rejects_relative_shared_path" {
  command = plan
  variables {
    fargate = { image = "x", shared_storage = { path = "data" } }
  }
  # fires: fargate.shared_storage.path must be an absolute container path such as /data (no trailing slash, no "..", not
  expect_failures = [var.fargate]
}

run "rejects_root_as_shared_path" {
  command = plan
  variables {
    fargate = { image = "x", shared_storage = { path = "/" } }
  }
  # fires: fargate.shared_storage.path must be an absolute container path such as /data (no trailing slash, no "..", not
  expect_failures = [var.fargate]
}

run "rejects_shared_path_with_dotdot_or_trailing_slash" {
  command = plan
  variables {
    fargate = { image = "x", shared_storage = { path = "/data/../etc/" } }
  }
  # fires: fargate.shared_storage.path must be an absolute container path such as /data (no trailing slash, no "..", not
  expect_failures = [var.fargate]
}

run "rejects_bad_shared_uid" {
  command = plan
  variables {
    fargate = { image = "x", shared_storage = { path = "/data", uid = -1 } }
  }
  # fires: fargate.shared_storage.uid and gid must be POSIX ids (integers from 0 to 4294967295).
  expect_failures = [var.fargate]
}

run "rejects_bad_shared_kms_key" {
  command = plan
  variables {
    fargate = { image = "x", shared_storage = { path = "/data", kms_key_arn = "alias/aws/elasticfilesystem" } }
  }
  # fires: fargate.shared_storage.kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>).
  expect_failures = [var.fargate]
}
