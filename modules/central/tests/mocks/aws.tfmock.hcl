# The aws mock defaults every central test file shares: each file says
# `mock_provider "aws" { source = "./tests/mocks" }` (Terraform >= 1.7; docs: Tests > Mocks, "share mock
# provider data between tests ... using the source attribute"). A file's own mock_resource/mock_data of one
# of these types takes precedence over the block here *whole* (its defaults replace these, they are not
# merged: checked with terraform 1.11), so a file restates every attribute of that type it still needs.
# The central (gateway) account is 111111111111 in us-east-1.

mock_resource "aws_service_discovery_service" {
  defaults = { arn = "arn:aws:servicediscovery:us-east-1:111111111111:service/srv-abc" }
}

mock_resource "aws_apigatewayv2_api" {
  defaults = {
    id            = "abc123"
    arn           = "arn:aws:apigateway:us-east-1::/apis/abc123"
    execution_arn = "arn:aws:execute-api:us-east-1:111111111111:abc123"
    api_endpoint  = "https://abc123.execute-api.us-east-1.amazonaws.com"
  }
}

# The access log group (hardening.tftest.hcl mocks the VPC flow-log group instead).
mock_resource "aws_cloudwatch_log_group" {
  defaults = { arn = "arn:aws:logs:us-east-1:111111111111:log-group:/aws/apigateway/central/access" }
}

mock_resource "aws_iam_role" {
  defaults = { arn = "arn:aws:iam::111111111111:role/central-flow-logs" }
}

mock_resource "aws_vpc" {
  defaults = { id = "vpc-0123456789abcdef0" }
}

# Two ENIs per interface endpoint, read back by module.eni_lookup; network.tftest.hcl sets its own per run.
mock_resource "aws_vpc_endpoint" {
  defaults = { network_interface_ids = ["eni-0000000000000000a", "eni-0000000000000000b"] }
}

mock_data "aws_network_interface" {
  defaults = { private_ip = "10.0.0.10", subnet_id = "subnet-0000000000000000a", availability_zone = "us-east-1a" }
}

# Three AZ names, no AZ ids (network.tftest.hcl and availability_zones.tftest.hcl mock six zones).
mock_data "aws_availability_zones" {
  defaults = { names = ["us-east-1a", "us-east-1b", "us-east-1c"] }
}

mock_data "aws_caller_identity" {
  defaults = { account_id = "111111111111" }
}

mock_data "aws_partition" {
  defaults = { partition = "aws" }
}

mock_data "aws_region" {
  defaults = { name = "us-east-1" }
}
