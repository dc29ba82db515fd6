# The example plans and applies against a mocked provider.

mock_provider "aws" {
  source = "../../tests/mocks"

  # Shared defaults: the module's tests/mocks/aws.tfmock.hcl. Below, only what this example mocks differently.
  mock_data "aws_availability_zones" {
    defaults = { names = ["us-east-1a", "us-east-1b"] }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{}" }
  }
}

run "apply" {
  command = apply

  assert {
    condition     = output.ecs_service_name == "employee" && output.nlb_arn == "arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/net/employee/abc"
    error_message = "The example must deploy the employee service behind the created NLB."
  }
  assert {
    condition     = output.endpoint_service_name != null
    error_message = "The example must expose the endpoint service name."
  }
  assert {
    condition     = output.efs_file_system_id != null && length(module.provider.subnet_ids) == 2
    error_message = "The example must share /data between its tasks on EFS."
  }
}
