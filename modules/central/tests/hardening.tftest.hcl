# Hardening of a created VPC: its default security group has every rule removed and its flow logs
# go to CloudWatch (on by default, optional KMS, opt-out); an existing VPC is left alone.
# Mocked aws provider, no credentials.

mock_provider "aws" {
  source = "./tests/mocks"

  # Shared defaults: tests/mocks/aws.tfmock.hcl. Below, only what this file mocks differently.
  # The log group here is the VPC flow-log group, not the access log group.
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:111111111111:log-group:/vpc/central/flow-logs" }
  }
}

variables {
  name     = "central"
  vpc_cidr = "10.10.0.0/16"
  az_count = 2

  services = {
    users = {
      endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
      port                  = 8080
      routes                = ["ANY /users"]
      authorization         = { type = "AWS_IAM" }
    }
  }
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
      module.network[0].flow_logs.role_arn == "arn:aws:iam::111111111111:role/central-flow-logs"
    )
    error_message = "A created VPC must get flow logs of all traffic to its CloudWatch log group through the flow-logs role."
  }

  assert {
    condition     = module.network[0].flow_logs.log_group_name == "/vpc/central/flow-logs" && module.network[0].flow_logs.retention_in_days == 30 && module.network[0].flow_logs.kms_key_id == null
    error_message = "The flow log group must keep 30 days by default, without a customer managed key."
  }
}

run "flow_logs_settings_and_kms" {
  command = plan

  variables {
    flow_logs = {
      traffic_type   = "REJECT"
      retention_days = 365
      kms_key_arn    = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    }
  }

  assert {
    condition     = module.network[0].flow_logs.traffic_type == "REJECT" && module.network[0].flow_logs.retention_in_days == 365 && module.network[0].flow_logs.kms_key_id == "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    error_message = "traffic_type, retention_days and kms_key_arn must reach the flow log and its group."
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

  assert {
    condition     = module.network[0].default_security_group_id != null
    error_message = "The default security group stays locked down without flow logs."
  }
}

run "existing_vpc_is_left_alone" {
  command = plan

  variables {
    vpc_cidr   = null
    vpc_id     = "vpc-0fedcba9876543210"
    subnet_ids = ["subnet-0000000000000000a", "subnet-0000000000000000b"]
  }

  assert {
    condition     = length(module.network) == 0
    error_message = "An existing VPC's default security group and flow logs belong to its owner."
  }
}

run "rejects_bad_flow_logs_traffic_type" {
  command = plan

  variables {
    flow_logs = { traffic_type = "SOME" }
  }

  # fires: The flow_logs.traffic_type must be ALL, ACCEPT or REJECT;
  expect_failures = [var.flow_logs]
}

run "rejects_bad_flow_logs_retention_and_kms" {
  command = plan

  variables {
    flow_logs = { retention_days = 42, kms_key_arn = "alias/logs" }
  }

  # fires: The flow_logs.retention_days must be a CloudWatch Logs retention:
  # fires: The flow_logs.kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>).
  expect_failures = [var.flow_logs]
}
