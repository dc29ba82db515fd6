# The VPC and its private subnets: one per AZ, the first az_count zones, CIDR slices by
# subnet_newbits, Name tags by subnet_name_suffix, tags everywhere. Mocked aws provider, no credentials.

mock_provider "aws" {
  source = "./tests/mocks"

  # Shared defaults: tests/mocks/aws.tfmock.hcl. Below, only what this file mocks differently.
  # Six AZ names (no AZ ids), so az_count can go up to six.
  mock_data "aws_availability_zones" {
    defaults = { names = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"] }
  }
}

variables {
  name = "net"
  cidr = "10.10.0.0/16"
  tags = { Project = "crossgate" }
}

run "defaults_two_azs_prefix_plus_3" {
  command = plan

  assert {
    condition     = aws_vpc.this.cidr_block == "10.10.0.0/16" && aws_vpc.this.enable_dns_support == true && aws_vpc.this.enable_dns_hostnames == true
    error_message = "The VPC must have the given CIDR with DNS support and DNS hostnames."
  }

  assert {
    condition     = length(aws_subnet.this) == 2 && output.availability_zones == tolist(["us-east-1a", "us-east-1b"])
    error_message = "az_count defaults to 2: the first two zones by name."
  }

  assert {
    condition     = output.subnet_cidr_blocks == ["10.10.0.0/19", "10.10.32.0/19"]
    error_message = "subnet_newbits defaults to 3 (/prefix+3 slices), got ${jsonencode(output.subnet_cidr_blocks)}."
  }

  assert {
    condition     = aws_subnet.this[*].availability_zone == ["us-east-1a", "us-east-1b"] && alltrue([for s in aws_subnet.this : s.map_public_ip_on_launch != true])
    error_message = "Subnet i must sit in zone i and never give public IPs."
  }

  assert {
    condition     = [for s in aws_subnet.this : s.tags.Name] == ["net-private-us-east-1a", "net-private-us-east-1b"]
    error_message = "subnet_name_suffix defaults to the zone name."
  }
}

run "subnets_follow_az_count" {
  command = plan

  variables {
    az_count = 6
  }

  assert {
    condition     = length(aws_subnet.this) == 6 && length(output.availability_zones) == 6 && length(distinct(aws_subnet.this[*].availability_zone)) == 6
    error_message = "az_count = 6 must give six subnets in six distinct zones."
  }

  assert {
    condition     = output.subnet_cidr_blocks == [for i in range(6) : cidrsubnet("10.10.0.0/16", 3, i)]
    error_message = "Subnet i must be slice i of the VPC CIDR."
  }
}

run "one_az" {
  command = plan

  variables {
    az_count = 1
  }

  assert {
    condition     = length(aws_subnet.this) == 1 && output.availability_zones == tolist(["us-east-1a"])
    error_message = "az_count = 1 must give one subnet in the first zone."
  }
}

run "newbits_4_and_index_names" {
  command = plan

  variables {
    cidr               = "10.20.0.0/16"
    az_count           = 3
    subnet_newbits     = 4
    subnet_name_suffix = "index"
  }

  assert {
    condition     = output.subnet_cidr_blocks == ["10.20.0.0/20", "10.20.16.0/20", "10.20.32.0/20"]
    error_message = "subnet_newbits = 4 must give /prefix+4 slices, got ${jsonencode(output.subnet_cidr_blocks)}."
  }

  assert {
    condition     = [for s in aws_subnet.this : s.tags.Name] == ["net-private-0", "net-private-1", "net-private-2"]
    error_message = "subnet_name_suffix = \"index\" must name the subnets by position."
  }
}

run "apply_outputs_and_tags" {
  assert {
    condition     = output.vpc_id == "vpc-0123456789abcdef0" && output.vpc_cidr_block == "10.10.0.0/16" && output.subnet_ids == aws_subnet.this[*].id
    error_message = "The outputs must describe the created VPC and subnets."
  }

  assert {
    condition     = alltrue([for s in aws_subnet.this : s.vpc_id == "vpc-0123456789abcdef0"]) && aws_default_security_group.this.vpc_id == "vpc-0123456789abcdef0"
    error_message = "The subnets and the default security group must belong to the created VPC."
  }

  assert {
    condition = alltrue([for t in concat(
      [aws_vpc.this.tags, aws_default_security_group.this.tags, aws_flow_log.this[0].tags, aws_cloudwatch_log_group.this[0].tags, aws_iam_role.this[0].tags],
      aws_subnet.this[*].tags,
    ) : lookup(t, "Project", null) == "crossgate"])
    error_message = "tags must be applied to every taggable resource."
  }

  assert {
    condition     = aws_vpc.this.tags.Name == "net" && aws_default_security_group.this.tags.Name == "net-default-deny"
    error_message = "The VPC and its default security group must carry Name tags."
  }
}
