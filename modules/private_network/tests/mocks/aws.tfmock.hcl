# The aws mock defaults every private_network test file shares: each file says
# `mock_provider "aws" { source = "./tests/mocks" }` (examples/basic: "../../tests/mocks"; Terraform >= 1.7,
# docs: Tests > Mocks, "share mock provider data between tests ... using the source attribute"). A file's own
# mock_resource/mock_data of one of these types takes precedence over the block here *whole* (its defaults
# replace these, they are not merged: checked with terraform 1.11), so a file restates every attribute of
# that type it still needs.
# The account is 111111111111 in us-east-1; the module is called with name = "net".

mock_resource "aws_vpc" {
  defaults = { id = "vpc-0123456789abcdef0" }
}

mock_resource "aws_cloudwatch_log_group" {
  defaults = { arn = "arn:aws:logs:us-east-1:111111111111:log-group:/vpc/net/flow-logs" }
}

mock_resource "aws_iam_role" {
  defaults = { arn = "arn:aws:iam::111111111111:role/net-flow-logs" }
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
