# eni_lookup: ENI ids -> IPs, the eventual-consistency guard and the pinned-IP check, all mocked.

mock_provider "aws" {
  mock_data "aws_network_interface" {
    defaults = {
      private_ip        = "10.0.0.99"
      subnet_id         = "subnet-00000000000000000"
      availability_zone = "us-east-1a"
    }
  }
}

variables {
  network_interface_ids = ["eni-0000000000000000b", "eni-0000000000000000a"]
  expected_count        = 2
}

override_data {
  target = data.aws_network_interface.this[0]
  values = {
    private_ip        = "10.0.1.10"
    subnet_id         = "subnet-0000000000000000a"
    availability_zone = "us-east-1a"
  }
}

override_data {
  target = data.aws_network_interface.this[1]
  values = {
    private_ip        = "10.0.2.10"
    subnet_id         = "subnet-0000000000000000b"
    availability_zone = "us-east-1b"
  }
}

run "plan_reads_one_eni_per_expected_count" {
  command = plan

  assert {
    condition     = length(data.aws_network_interface.this) == 2
    error_message = "Expected one ENI lookup per expected ENI."
  }

  assert {
    condition     = data.aws_network_interface.this[0].id == "eni-0000000000000000a" && data.aws_network_interface.this[1].id == "eni-0000000000000000b"
    error_message = "ENIs must be looked up in sorted id order."
  }
}

run "apply_outputs_ips_and_details" {
  assert {
    condition     = output.ips == ["10.0.1.10", "10.0.2.10"]
    error_message = "ips must list every ENI's private IP in ENI id order, got ${jsonencode(output.ips)}."
  }

  assert {
    condition = output.network_interfaces == [
      { id = "eni-0000000000000000a", private_ip = "10.0.1.10", subnet_id = "subnet-0000000000000000a", availability_zone = "us-east-1a" },
      { id = "eni-0000000000000000b", private_ip = "10.0.2.10", subnet_id = "subnet-0000000000000000b", availability_zone = "us-east-1b" },
    ]
    error_message = "network_interfaces must carry id, private_ip, subnet_id and availability_zone per ENI."
  }
}

run "pinned_ips_that_match_pass" {
  variables {
    expected_ips = ["10.0.2.10", "10.0.1.10"]
  }

  assert {
    condition     = toset(output.ips) == toset(var.expected_ips)
    error_message = "Pinned IPs held by the ENIs must pass the check."
  }
}

run "pinned_ip_mismatch_fails" {
  command = plan

  variables {
    expected_ips = ["10.0.1.10", "10.0.2.99"]
  }

  # fires: Network interface eni-0000000000000000b in subnet subnet-0000000000000000b holds 10.0.2.10, which is not one o
  expect_failures = [data.aws_network_interface.this]
}

run "fewer_enis_than_subnets_fails_with_rerun_hint" {
  command = plan

  variables {
    network_interface_ids = ["eni-0000000000000000a"]
    expected_count        = 2
  }

  # fires: The VPC endpoint lists 1 network interface(s) but 2 were expected (one per subnet).
  expect_failures = [data.aws_network_interface.this]
}

run "more_enis_than_subnets_fails" {
  command = plan

  variables {
    network_interface_ids = ["eni-0000000000000000a", "eni-0000000000000000b", "eni-0000000000000000c"]
    expected_count        = 2
  }

  # fires: The VPC endpoint lists 3 network interface(s) but 2 were expected (one per subnet).
  expect_failures = [data.aws_network_interface.this]
}

run "wrong_number_of_pinned_ips_fails" {
  command = plan

  variables {
    expected_ips = ["10.0.1.10"]
  }

  # fires: There are 1 expected IP(s) for 2 ENIs:
  expect_failures = [data.aws_network_interface.this]
}

run "three_subnets" {
  variables {
    network_interface_ids = ["eni-0000000000000000c", "eni-0000000000000000a", "eni-0000000000000000b"]
    expected_count        = 3
  }

  assert {
    condition     = length(output.ips) == 3 && output.ips[2] == "10.0.0.99"
    error_message = "Three subnets must give three IPs (the third from the mock default)."
  }
}

run "rejects_non_eni_ids" {
  command = plan

  variables {
    network_interface_ids = ["i-0123456789abcdef0", "eni-0000000000000000a"]
  }

  # fires: Every network interface id must look like eni-0123456789abcdef0;
  expect_failures = [var.network_interface_ids]
}

run "rejects_zero_expected_count" {
  command = plan

  variables {
    expected_count = 0
  }

  # fires: The expected_count must be a whole number from 1 to 16 (one ENI per endpoint subnet);
  expect_failures = [var.expected_count]
}

run "rejects_malformed_pinned_ip" {
  command = plan

  variables {
    expected_ips = ["10.0.1.256", "10.0.2.10"]
  }

  # fires: Every expected IP must be a dotted IPv4 address such as 10.0.1.10;
  expect_failures = [var.expected_ips]
}
