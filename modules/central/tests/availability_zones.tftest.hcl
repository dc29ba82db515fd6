# AZ alignment: each endpoint only uses the central subnets in AZs its endpoint service serves (as this
# account names them), the VPC can be placed by AZ id, and no overlap fails at plan naming both sides'
# AZ ids and the fix. Mocked aws provider, no credentials.

mock_provider "aws" {
  source = "./tests/mocks"

  # Shared defaults: tests/mocks/aws.tfmock.hcl. Below, only what this file mocks differently.
  # This (central) account's map: us-east-1a is use1-az3 here, whatever it is elsewhere.
  mock_data "aws_availability_zones" {
    defaults = {
      names    = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"]
      zone_ids = ["use1-az3", "use1-az1", "use1-az6", "use1-az4", "use1-az5", "use1-az2"]
    }
  }
  # The provider's NLB covers use1-az1 and use1-az6: us-east-1b and us-east-1c in this account's names.
  mock_data "aws_vpc_endpoint_service" {
    defaults = { availability_zones = ["us-east-1b", "us-east-1c"] }
  }
}

variables {
  name     = "central"
  vpc_cidr = "10.10.0.0/16"
  services = {
    employee = {
      endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
      port                  = 8080
      routes                = ["ANY /employees"]
      authorization         = { type = "NONE" }
    }
  }
}

run "endpoint_only_in_the_subnets_its_service_serves" {
  command = plan

  assert {
    condition     = output.availability_zone_ids == tolist(["use1-az3", "use1-az1"])
    error_message = "az_count 2 takes us-east-1a and us-east-1b: use1-az3 and use1-az1 in this account."
  }

  assert {
    condition     = length(output.services["employee"].endpoint_subnet_ids) == 1 && length(module.network[0].subnet_ids) == 2
    error_message = "Only us-east-1b (use1-az1) is served: the endpoint gets that one subnet of the two."
  }

  assert {
    condition     = length(aws_service_discovery_instance.this) == 1 && length(module.eni_lookup["employee"].network_interfaces) == 1
    error_message = "One endpoint subnet, one ENI, one Cloud Map instance."
  }

  assert {
    condition     = tolist(output.services["employee"].service_availability_zone_ids) == tolist(["use1-az1", "use1-az6"])
    error_message = "The service's AZ ids are its AZ names in this account translated to ids."
  }
}

run "vpc_placed_by_zone_ids_uses_both_subnets" {
  command = plan

  variables {
    availability_zone_ids = ["use1-az6", "use1-az1"]
  }

  assert {
    condition     = module.network[0].availability_zones == tolist(["us-east-1c", "us-east-1b"]) && output.availability_zone_ids == tolist(["use1-az6", "use1-az1"])
    error_message = "The subnets sit in the named AZ ids (us-east-1c and us-east-1b in this account)."
  }

  assert {
    condition     = length(output.services["employee"].endpoint_subnet_ids) == 2 && length(aws_service_discovery_instance.this) == 2
    error_message = "Both subnets are in AZs the service serves: two endpoint subnets, two instances."
  }
}

run "cross_region_service_uses_every_subnet" {
  command = plan

  variables {
    services = {
      employee = {
        endpoint_service_name = "com.amazonaws.vpce.us-west-2.vpce-svc-0123456789abcdef0"
        service_region        = "us-west-2"
        port                  = 8080
        routes                = ["ANY /employees"]
        authorization         = { type = "NONE" }
      }
    }
  }

  assert {
    condition     = length(output.services["employee"].endpoint_subnet_ids) == 2 && length(output.services["employee"].service_availability_zone_ids) == 0
    error_message = "A cross-region service's AZs are in another region: the endpoint uses every subnet."
  }
}

run "no_common_az_fails_at_plan_naming_both_sides" {
  command = plan

  override_data {
    target = data.aws_vpc_endpoint_service.this["employee"]
    values = { availability_zones = ["us-east-1e"] }
  }

  # fires: Service employee: its endpoint service com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0 serves AZ ids use1-az5, but the central subnets are in AZ ids use1-az3, use1-az1: no AZ in common
  expect_failures = [aws_vpc_endpoint.this]
}

run "rejects_a_malformed_zone_id" {
  command = plan

  variables {
    availability_zone_ids = ["us-east-1a"]
  }

  # fires: The availability_zone_ids must be at most 6 distinct AZ ids such as use1-az4;
  expect_failures = [var.availability_zone_ids]
}
