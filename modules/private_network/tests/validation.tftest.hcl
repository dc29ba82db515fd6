# Bad inputs are rejected before anything is created, each by the rule that names the problem.

# Shared defaults: tests/mocks/aws.tfmock.hcl.
mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name = "net"
  cidr = "10.10.0.0/16"
}

run "valid_baseline_plans" {
  command = plan

  assert {
    condition     = length(aws_subnet.this) == 2
    error_message = "The baseline input must plan (so the failures below come from the bad values)."
  }
}

run "rejects_more_azs_than_the_region_has" {
  command = plan
  variables {
    az_count = 4
  }
  # fires: The region has 3 available AZs (us-east-1a, us-east-1b, us-east-1c) but az_count is 4;
  expect_failures = [aws_vpc.this]
}

run "rejects_az_count_7" {
  command = plan
  variables {
    az_count = 7
  }
  # fires: The az_count must be a whole number from 1 to 6;
  expect_failures = [var.az_count]
}

run "rejects_az_count_0" {
  command = plan
  variables {
    az_count = 0
  }
  # fires: The az_count must be a whole number from 1 to 6;
  expect_failures = [var.az_count]
}

run "rejects_cidr_too_small" {
  command = plan
  variables {
    cidr = "10.10.0.0/25"
  }
  # fires: The cidr must be an IPv4 CIDR with a prefix from /16 to /24, such as 10.10.0.0/16;
  expect_failures = [var.cidr]
}

run "rejects_cidr_not_a_cidr" {
  command = plan
  variables {
    cidr = "10.10.0.0"
  }
  # fires: The cidr must be an IPv4 CIDR with a prefix from /16 to /24, such as 10.10.0.0/16;
  expect_failures = [var.cidr]
}

run "rejects_subnets_smaller_than_28" {
  command = plan
  variables {
    cidr           = "10.10.0.0/24"
    subnet_newbits = 5
  }
  # fires: A /24 VPC with subnet_newbits = 5 gives subnets smaller than /28, the smallest AWS allows;
  expect_failures = [aws_vpc.this]
}

run "rejects_subnet_newbits_2" {
  command = plan
  variables {
    subnet_newbits = 2
  }
  # fires: The subnet_newbits must be a whole number from 3 to 8 (at least 3 so that 6 AZs fit);
  expect_failures = [var.subnet_newbits]
}

run "rejects_bad_subnet_name_suffix" {
  command = plan
  variables {
    subnet_name_suffix = "letter"
  }
  # fires: The subnet_name_suffix must be "zone" or "index";
  expect_failures = [var.subnet_name_suffix]
}

run "rejects_bad_name" {
  command = plan
  variables {
    name = "Net_1"
  }
  # fires: The name must be 1-32 characters of lowercase letters, digits and hyphens, start with a letter and not end wit
  expect_failures = [var.name]
}

run "rejects_bad_flow_logs_traffic_type" {
  command = plan
  variables {
    flow_logs = { traffic_type = "SOME" }
  }
  # fires: The flow_logs.traffic_type must be ALL, ACCEPT or REJECT;
  expect_failures = [var.flow_logs]
}

run "rejects_bad_flow_logs_retention" {
  command = plan
  variables {
    flow_logs = { retention_days = 31 }
  }
  # fires: The flow_logs.retention_days must be a CloudWatch Logs retention:
  expect_failures = [var.flow_logs]
}

run "rejects_bad_flow_logs_kms_key" {
  command = plan
  variables {
    flow_logs = { kms_key_arn = "alias/flow-logs" }
  }
  # fires: The flow_logs.kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>).
  expect_failures = [var.flow_logs]
}
