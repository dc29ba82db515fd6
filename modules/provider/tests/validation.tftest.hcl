# Bad inputs are rejected at plan with a clear message.

mock_provider "aws" {
  source = "./tests/mocks"

  # Shared defaults: tests/mocks/aws.tfmock.hcl. Below, only what this file mocks differently.
  mock_data "aws_availability_zones" {
    defaults = { names = ["us-east-1a", "us-east-1b"] }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{}" }
  }
  mock_resource "aws_lb" {
    defaults = { arn = "arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/net/x/abc" }
  }
}

variables {
  name               = "employee"
  allowed_principals = ["arn:aws:iam::111111111111:root"]
  nlb_arn            = "arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/net/existing/abc"
}

run "valid_baseline" {
  command = plan
}

run "empty_principals" {
  command = plan
  variables {
    allowed_principals = []
  }
  # fires: allowed_principals must list at least one IAM principal ARN.
  expect_failures = [var.allowed_principals]
}

run "wildcard_principal" {
  command = plan
  variables {
    allowed_principals = ["*"]
  }
  # fires: Each allowed principal must be an IAM ARN such as arn:aws:iam::123456789012:root or arn:aws:iam::123456789012:
  expect_failures = [var.allowed_principals]
}

run "malformed_principal" {
  command = plan
  variables {
    allowed_principals = ["arn:aws:iam::1111:root"]
  }
  # fires: Each allowed principal must be an IAM ARN such as arn:aws:iam::123456789012:root or arn:aws:iam::123456789012:
  expect_failures = [var.allowed_principals]
}

run "account_id_is_not_an_arn" {
  command = plan
  variables {
    allowed_principals = ["arn:aws:iam::111111111111:root", "111111111111"]
  }
  # fires: Each allowed principal must be an IAM ARN such as arn:aws:iam::123456789012:root or arn:aws:iam::123456789012:
  expect_failures = [var.allowed_principals]
}

run "port_zero" {
  command = plan
  variables {
    port = 0
  }
  # fires: port must be an integer between 1 and 65535.
  expect_failures = [var.port]
}

run "port_too_large" {
  command = plan
  variables {
    port = 70000
  }
  # fires: port must be an integer between 1 and 65535.
  expect_failures = [var.port]
}

run "both_nlb_and_fargate" {
  command = plan
  variables {
    fargate = { image = "employee:1" }
  }
  # fires: Set exactly one of nlb_arn (bring your own internal NLB) or fargate (demo ECS Fargate workload).
  expect_failures = [aws_vpc_endpoint_service.this]
}

run "neither_nlb_nor_fargate" {
  command = plan
  variables {
    nlb_arn = null
  }
  # fires: Set exactly one of nlb_arn (bring your own internal NLB) or fargate (demo ECS Fargate workload).
  expect_failures = [aws_vpc_endpoint_service.this]
}

run "bad_name_uppercase" {
  command = plan
  variables {
    name = "Employee"
  }
  # fires: name must be 1-24 characters of lowercase letters, digits and hyphens, start with a letter and not end with a
  expect_failures = [var.name]
}

run "bad_name_too_long" {
  command = plan
  variables {
    name = "a-name-much-too-long-for-an-nlb"
  }
  # fires: name must be 1-24 characters of lowercase letters, digits and hyphens, start with a letter and not end with a
  expect_failures = [var.name]
}

run "bad_nlb_arn" {
  command = plan
  variables {
    nlb_arn = "arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/app/alb/abc"
  }
  # fires: nlb_arn must be a Network Load Balancer ARN (arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/net/
  expect_failures = [var.nlb_arn]
}

run "bad_supported_region" {
  command = plan
  variables {
    supported_regions = ["mars-1"]
  }
  # fires: Each supported region must be an AWS region name such as eu-west-1.
  expect_failures = [var.supported_regions]
}

run "bad_fargate_cpu_memory" {
  command = plan
  variables {
    nlb_arn = null
    fargate = { image = "employee:1", cpu = 256, memory = 4096 }
  }
  # fires: fargate.cpu/memory must be a valid Fargate combination (e.g.
  expect_failures = [var.fargate]
}

run "bad_fargate_container_port" {
  command = plan
  variables {
    nlb_arn = null
    fargate = { image = "employee:1", container_port = 0 }
  }
  # fires: fargate.container_port must be an integer between 1 and 65535.
  expect_failures = [var.fargate]
}

run "bad_health_check_path" {
  command = plan
  variables {
    nlb_arn = null
    fargate = { image = "employee:1", health_check_path = "health" }
  }
  # fires: fargate.health_check_path must start with "/" and contain no spaces.
  expect_failures = [var.fargate]
}

run "bad_image_pull" {
  command = plan
  variables {
    image_pull = "internet"
  }
  # fires: image_pull must be one of "vpc_endpoints", "nat" or "none".
  expect_failures = [var.image_pull]
}

run "bad_log_retention" {
  command = plan
  variables {
    log_retention_days = 10
  }
  # fires: log_retention_days must be one of the values CloudWatch Logs accepts (0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150,
  expect_failures = [var.log_retention_days]
}

run "bad_vpc_cidr" {
  command = plan
  variables {
    vpc_cidr = "10.20.0.0/8"
  }
  # fires: vpc_cidr must be an IPv4 CIDR with a prefix length between /16 and /24.
  expect_failures = [var.vpc_cidr]
}

run "vpc_id_without_subnets" {
  command = plan
  variables {
    nlb_arn = null
    fargate = { image = "employee:1" }
    vpc_id  = "vpc-0123456789abcdef0"
  }
  # fires: vpc_id needs subnet_ids:
  expect_failures = [aws_vpc_endpoint_service.this]
}

run "nat_with_existing_vpc" {
  command = plan
  variables {
    nlb_arn    = null
    fargate    = { image = "employee:1" }
    vpc_id     = "vpc-0123456789abcdef0"
    subnet_ids = ["subnet-0123456789abcdef0"]
    image_pull = "nat"
  }
  # fires: image_pull = "nat" creates a NAT gateway and is only available with a created VPC;
  expect_failures = [aws_vpc_endpoint_service.this]
}

run "enforcement_without_client_cidrs" {
  command = plan
  variables {
    enforce_security_group_inbound_rules_on_private_link_traffic = true
  }
  # fires: enforce_security_group_inbound_rules_on_private_link_traffic = true needs privatelink_client_cidrs (the consum
  expect_failures = [aws_vpc_endpoint_service.this]
}

run "open_privatelink_client_cidr" {
  command = plan
  variables {
    privatelink_client_cidrs = ["0.0.0.0/0"]
  }
  # fires: privatelink_client_cidrs must be IPv4 CIDRs and must not be 0.0.0.0/0 (no /0 prefix at all).
  expect_failures = [var.privatelink_client_cidrs]
}

run "any_slash_zero_privatelink_client_cidr" {
  command = plan
  variables {
    privatelink_client_cidrs = ["10.0.0.0/0"]
  }
  # fires: privatelink_client_cidrs must be IPv4 CIDRs and must not be 0.0.0.0/0 (no /0 prefix at all).
  expect_failures = [var.privatelink_client_cidrs]
}

run "ipv6_privatelink_client_cidr" {
  command = plan
  variables {
    privatelink_client_cidrs = ["::/0"]
  }
  # fires: privatelink_client_cidrs must be IPv4 CIDRs and must not be 0.0.0.0/0 (no /0 prefix at all).
  expect_failures = [var.privatelink_client_cidrs]
}
