# The example plans and applies against a mocked provider.

mock_provider "aws" {
  source = "../../tests/mocks"

  # Shared defaults: the module's tests/mocks/aws.tfmock.hcl. Below, the NLB this example looks up.
  mock_data "aws_lb" {
    defaults = { arn = "arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/net/inventory-internal/abc" }
  }
}

run "apply" {
  command = apply

  assert {
    condition     = module.provider.nlb_arn == "arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/net/inventory-internal/abc"
    error_message = "The example must expose the looked-up NLB."
  }
  assert {
    condition     = module.provider.ecs_cluster_name == null && module.provider.vpc_id == null
    error_message = "The BYO example must not create a workload."
  }
}
