# Hardening of the Fargate mode: the created VPC's default security group has every rule removed and
# its flow logs go to CloudWatch (on by default, opt-out), Container Insights is on, the container's
# root filesystem is read-only with task-storage mounts for the writable paths, and the log groups
# take an optional KMS key. Mocked aws provider, no credentials.

mock_provider "aws" {
  source = "./tests/mocks"

  # Shared defaults: tests/mocks/aws.tfmock.hcl. Below, only what this file mocks differently.
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::222222222222:role/employee-role" }
  }
  # The log group here is the VPC flow-log group, not the task's.
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:222222222222:log-group:/vpc/employee/flow-logs" }
  }
}

variables {
  name               = "employee"
  allowed_principals = ["arn:aws:iam::111111111111:root"]
  fargate            = { image = "222222222222.dkr.ecr.us-east-1.amazonaws.com/employee:1.0.0" }
}

run "created_vpc_default_security_group_has_no_rules" {
  assert {
    # Its rules (none) are asserted in modules/private_network/tests/hardening.tftest.hcl.
    condition     = length(module.network) == 1 && module.network[0].default_security_group_id != null && module.network[0].vpc_id == "vpc-0123456789abcdef0"
    error_message = "The created VPC's default security group must be managed (locked down by modules/private_network)."
  }
}

run "created_vpc_flow_logs_on_by_default" {
  assert {
    # Destination, role trust and delivery policy are asserted in modules/private_network/tests/hardening.tftest.hcl.
    condition = (
      module.network[0].flow_logs != null &&
      module.network[0].flow_logs.vpc_id == "vpc-0123456789abcdef0" &&
      module.network[0].flow_logs.traffic_type == "ALL" &&
      module.network[0].flow_logs.role_arn == "arn:aws:iam::222222222222:role/employee-role"
    )
    error_message = "A created VPC must get flow logs of all traffic to its CloudWatch log group through the flow-logs role."
  }

  assert {
    condition     = module.network[0].flow_logs.log_group_name == "/vpc/employee/flow-logs" && module.network[0].flow_logs.retention_in_days == 30 && module.network[0].flow_logs.kms_key_id == null
    error_message = "The flow log group must keep 30 days by default, without a customer managed key."
  }
}

run "defaults_container_insights_and_read_only_root" {
  command = plan

  assert {
    condition     = one([for s in aws_ecs_cluster.this[0].setting : s if s.name == "containerInsights"]).value == "enabled"
    error_message = "Container Insights must be enabled by default."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this[0].container_definitions)[0].readonlyRootFilesystem == true
    error_message = "The container's root filesystem must be read-only by default."
  }

  assert {
    condition = (
      jsondecode(aws_ecs_task_definition.this[0].container_definitions)[0].mountPoints == [{ sourceVolume = "writable-0", containerPath = "/data", readOnly = false }] &&
      [for v in aws_ecs_task_definition.this[0].volume : v.name] == ["writable-0"]
    )
    error_message = "By default /data (the demo service's SQLite directory, a VOLUME in its image) must be a writable task-storage mount."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this[0].kms_key_id == null
    error_message = "No customer managed key by default."
  }
}

run "custom_hardening_settings" {
  command = plan

  variables {
    fargate = {
      image                     = "public.ecr.aws/acme/app:2"
      read_only_root_filesystem = false
      writable_paths            = ["/tmp", "/var/cache/app"]
    }
    container_insights = "enhanced"
    log_kms_key_arn    = "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    flow_logs          = { traffic_type = "REJECT", retention_days = 365 }
  }

  assert {
    condition     = one([for s in aws_ecs_cluster.this[0].setting : s if s.name == "containerInsights"]).value == "enhanced"
    error_message = "container_insights must reach the cluster setting."
  }

  assert {
    condition = (
      jsondecode(aws_ecs_task_definition.this[0].container_definitions)[0].readonlyRootFilesystem == false &&
      [for m in jsondecode(aws_ecs_task_definition.this[0].container_definitions)[0].mountPoints : m.containerPath] == ["/tmp", "/var/cache/app"] &&
      length(aws_ecs_task_definition.this[0].volume) == 2
    )
    error_message = "read_only_root_filesystem and writable_paths must reach the task definition."
  }

  assert {
    condition = (
      aws_cloudwatch_log_group.this[0].kms_key_id == "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab" &&
      module.network[0].flow_logs.kms_key_id == "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    )
    error_message = "log_kms_key_arn must encrypt both the tasks' and the flow logs' log groups."
  }

  assert {
    condition     = module.network[0].flow_logs.traffic_type == "REJECT" && module.network[0].flow_logs.retention_in_days == 365
    error_message = "flow_logs settings must reach the flow log and its group."
  }
}

run "flow_logs_opt_out" {
  command = plan

  variables {
    flow_logs = { enabled = false }
  }

  assert {
    condition     = length(module.network) == 1 && module.network[0].flow_logs == null
    error_message = "flow_logs.enabled = false must create no flow log, log group or role."
  }
}

run "existing_vpc_is_left_alone" {
  command = plan

  variables {
    vpc_id     = "vpc-0fedcba9876543210"
    subnet_ids = ["subnet-0000000000000000a", "subnet-0000000000000000b"]
  }

  assert {
    condition     = length(module.network) == 0
    error_message = "An existing VPC's default security group and flow logs belong to its owner."
  }
}

run "byo_nlb_creates_none_of_it" {
  command = plan

  variables {
    fargate = null
    nlb_arn = "arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/net/existing/abc"
  }

  assert {
    condition     = length(module.network) == 0 && length(aws_ecs_cluster.this) == 0
    error_message = "BYO mode creates no network or workload."
  }
}

run "rejects_relative_writable_path" {
  command = plan

  variables {
    fargate = { image = "222222222222.dkr.ecr.us-east-1.amazonaws.com/employee:1.0.0", writable_paths = ["data"] }
  }

  # fires: fargate.writable_paths must be at most 10 distinct absolute container paths such as /data or /tmp (no trailing
  expect_failures = [var.fargate]
}

run "rejects_root_as_writable_path" {
  command = plan

  variables {
    fargate = { image = "222222222222.dkr.ecr.us-east-1.amazonaws.com/employee:1.0.0", writable_paths = ["/"] }
  }

  # fires: fargate.writable_paths must be at most 10 distinct absolute container paths such as /data or /tmp (no trailing
  expect_failures = [var.fargate]
}

run "rejects_bad_container_insights" {
  command = plan

  variables {
    container_insights = "on"
  }

  # fires: container_insights must be "enabled", "enhanced" or "disabled".
  expect_failures = [var.container_insights]
}

run "rejects_bad_log_kms_key" {
  command = plan

  variables {
    log_kms_key_arn = "alias/logs"
  }

  # fires: log_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>).
  expect_failures = [var.log_kms_key_arn]
}

run "rejects_bad_flow_logs_traffic_type" {
  command = plan

  variables {
    flow_logs = { traffic_type = "SOME" }
  }

  # fires: flow_logs.traffic_type must be ALL, ACCEPT or REJECT.
  expect_failures = [var.flow_logs]
}
