# Subnets placed by AZ id (the same physical AZ in every account), not by this account's AZ names.
# Mocked aws provider, no credentials.

mock_provider "aws" {
  source = "./tests/mocks"

  # Shared defaults: tests/mocks/aws.tfmock.hcl. Below, only what this file mocks differently.
  # Six zones, this account's names mapped to AZ ids: us-east-1a is use1-az3 here.
  mock_data "aws_availability_zones" {
    defaults = {
      names    = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"]
      zone_ids = ["use1-az3", "use1-az1", "use1-az6", "use1-az4", "use1-az5", "use1-az2"]
    }
  }
}

variables {
  name = "net"
  cidr = "10.10.0.0/16"
}

run "by_name_reports_the_zone_ids" {
  command = plan

  assert {
    condition     = output.availability_zones == tolist(["us-east-1a", "us-east-1b"]) && output.availability_zone_ids == tolist(["use1-az3", "use1-az1"])
    error_message = "az_count 2 takes the first two names; their AZ ids in this account are use1-az3 and use1-az1."
  }
}

run "by_zone_id_one_subnet_per_id_in_order" {
  command = plan

  variables {
    az_count              = 2
    availability_zone_ids = ["use1-az6", "use1-az4", "use1-az2"]
  }

  assert {
    condition     = aws_subnet.this[*].availability_zone_id == ["use1-az6", "use1-az4", "use1-az2"]
    error_message = "Each subnet must be placed by its AZ id (three ids: three subnets, az_count ignored), not by name."
  }

  assert {
    condition     = output.availability_zones == tolist(["us-east-1c", "us-east-1d", "us-east-1f"]) && output.availability_zone_ids == tolist(["use1-az6", "use1-az4", "use1-az2"])
    error_message = "The outputs name each subnet's AZ in this account and its AZ id."
  }

  assert {
    condition     = [for s in aws_subnet.this : s.tags.Name] == ["net-private-us-east-1c", "net-private-us-east-1d", "net-private-us-east-1f"]
    error_message = "Name tags still end with this account's AZ name."
  }
}

run "rejects_a_zone_id_the_region_does_not_have" {
  command = plan

  variables {
    availability_zone_ids = ["use1-az1", "use1-az9"]
  }

  # fires: The availability_zone_ids use1-az9 are not available AZ ids of this region
  expect_failures = [aws_vpc.this]
}

run "rejects_a_malformed_zone_id" {
  command = plan

  variables {
    availability_zone_ids = ["us-east-1a"]
  }

  # fires: The availability_zone_ids must be at most 6 distinct AZ ids such as use1-az4;
  expect_failures = [var.availability_zone_ids]
}
