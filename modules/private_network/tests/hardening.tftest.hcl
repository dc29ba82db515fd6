# Hardening: the default security group has every rule removed; VPC flow logs go to CloudWatch
# (on by default, settings, optional KMS, opt-out) through a role only this account's flow logs can
# assume, with a delivery policy scoped to the log group. Mocked aws provider, no credentials.

# Shared defaults: tests/mocks/aws.tfmock.hcl.
mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name = "net"
  cidr = "10.10.0.0/16"
}

run "default_security_group_has_no_rules" {
  assert {
    condition = (
      aws_default_security_group.this.vpc_id == "vpc-0123456789abcdef0" &&
      length(aws_default_security_group.this.ingress) == 0 &&
      length(aws_default_security_group.this.egress) == 0 &&
      output.default_security_group_id == aws_default_security_group.this.id
    )
    error_message = "The VPC's default security group must be managed with no ingress and no egress rule."
  }
}

run "flow_logs_on_by_default" {
  assert {
    condition = (
      length(aws_flow_log.this) == 1 &&
      aws_flow_log.this[0].vpc_id == "vpc-0123456789abcdef0" &&
      aws_flow_log.this[0].traffic_type == "ALL" &&
      aws_flow_log.this[0].log_destination_type == "cloud-watch-logs" &&
      aws_flow_log.this[0].log_destination == aws_cloudwatch_log_group.this[0].arn &&
      aws_flow_log.this[0].iam_role_arn == aws_iam_role.this[0].arn &&
      aws_flow_log.this[0].max_aggregation_interval == 600
    )
    error_message = "The VPC must get flow logs of all traffic to its CloudWatch log group through the flow-logs role."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this[0].name == "/vpc/net/flow-logs" && aws_cloudwatch_log_group.this[0].retention_in_days == 30 && aws_cloudwatch_log_group.this[0].kms_key_id == null
    error_message = "The flow log group must keep 30 days by default, without a customer managed key."
  }

  assert {
    condition = (
      aws_iam_role.this[0].name == "net-flow-logs" &&
      jsondecode(aws_iam_role.this[0].assume_role_policy).Statement[0].Principal.Service == "vpc-flow-logs.amazonaws.com" &&
      jsondecode(aws_iam_role.this[0].assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "111111111111"
    )
    error_message = "Only VPC flow logs of this account may assume the role."
  }

  assert {
    condition = (
      jsondecode(aws_iam_role_policy.this[0].policy).Statement[0].Resource == "arn:aws:logs:us-east-1:111111111111:log-group:/vpc/net/flow-logs:*" &&
      !contains(flatten([for s in jsondecode(aws_iam_role_policy.this[0].policy).Statement : s.Resource]), "*")
    )
    error_message = "The delivery policy must be scoped to the flow log group (no \"*\" resource)."
  }

  assert {
    condition = (
      output.flow_logs.id == aws_flow_log.this[0].id &&
      output.flow_logs.vpc_id == "vpc-0123456789abcdef0" &&
      output.flow_logs.traffic_type == "ALL" &&
      output.flow_logs.log_group_name == "/vpc/net/flow-logs" &&
      output.flow_logs.log_group_arn == "arn:aws:logs:us-east-1:111111111111:log-group:/vpc/net/flow-logs" &&
      output.flow_logs.retention_in_days == 30 &&
      output.flow_logs.kms_key_id == null &&
      output.flow_logs.role_arn == "arn:aws:iam::111111111111:role/net-flow-logs"
    )
    error_message = "The flow_logs output must describe the flow log, its group and role."
  }
}

run "flow_logs_settings_and_kms" {
  command = plan

  variables {
    flow_logs = {
      traffic_type   = "REJECT"
      retention_days = 0
      kms_key_arn    = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    }
  }

  assert {
    condition     = aws_flow_log.this[0].traffic_type == "REJECT" && aws_cloudwatch_log_group.this[0].retention_in_days == 0 && aws_cloudwatch_log_group.this[0].kms_key_id == "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    error_message = "traffic_type, retention_days (0 = never expire) and kms_key_arn must reach the flow log and its group."
  }
}

run "flow_logs_off" {
  command = plan

  variables {
    flow_logs = { enabled = false }
  }

  assert {
    condition     = length(aws_flow_log.this) == 0 && length(aws_cloudwatch_log_group.this) == 0 && length(aws_iam_role.this) == 0 && length(aws_iam_role_policy.this) == 0 && output.flow_logs == null
    error_message = "flow_logs.enabled = false must create no flow log, log group or role."
  }

  assert {
    condition     = length(aws_default_security_group.this.ingress) == 0 && length(aws_default_security_group.this.egress) == 0
    error_message = "The default security group stays locked down without flow logs."
  }
}
