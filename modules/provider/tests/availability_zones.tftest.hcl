# AZ ids: the created VPC (hence the NLB and the endpoint service) placed by AZ id, and the service's AZs reported as AZ ids. All mocked.

mock_provider "aws" {
  source = "./tests/mocks"

  # Shared defaults: tests/mocks/aws.tfmock.hcl. Below, only what this file mocks differently.
  # This (provider) account's names mapped to AZ ids: us-east-1a is use1-az4 here.
  mock_data "aws_availability_zones" {
    defaults = { names = ["us-east-1a", "us-east-1b", "us-east-1c"], zone_ids = ["use1-az4", "use1-az6", "use1-az1"] }
  }
}

variables {
  name               = "employee"
  port               = 80
  allowed_principals = ["arn:aws:iam::111111111111:root"]
  fargate            = { image = "222222222222.dkr.ecr.us-east-1.amazonaws.com/employee:1.0.0" }
  tags               = { Project = "crossgate" }
}

run "vpc_by_zone_ids" {
  command = plan

  variables {
    availability_zone_ids = ["use1-az1", "use1-az4"]
  }

  assert {
    condition     = module.network[0].availability_zones == tolist(["us-east-1c", "us-east-1a"]) && module.network[0].availability_zone_ids == tolist(["use1-az1", "use1-az4"])
    error_message = "The NLB's subnets must sit in the named AZ ids (us-east-1c and us-east-1a in this account)."
  }
}

run "endpoint_service_zones_as_zone_ids" {
  override_resource {
    target = aws_vpc_endpoint_service.this
    values = { availability_zones = ["us-east-1b", "us-east-1c"] }
  }

  assert {
    condition     = tolist(output.endpoint_service_availability_zone_ids) == tolist(["use1-az6", "use1-az1"])
    error_message = "The service's AZ names map to this account's AZ ids."
  }
}
