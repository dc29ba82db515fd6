# The example plans and applies against a mocked provider.

mock_provider "aws" {
  source = "../../tests/mocks"

  # Shared defaults: the module's tests/mocks/aws.tfmock.hcl. Below, this example's own names.
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:111111111111:log-group:/vpc/crossgate-network/flow-logs" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111111111111:role/crossgate-network-flow-logs" }
  }
}

run "apply" {
  command = apply

  assert {
    condition     = length(output.subnet_ids) == 3 && output.availability_zones == tolist(["us-east-1a", "us-east-1b", "us-east-1c"])
    error_message = "The example must create three private subnets in three AZs."
  }

  assert {
    condition     = output.flow_log_group_name == "/vpc/crossgate-network/flow-logs"
    error_message = "The example must send flow logs to its log group."
  }
}
