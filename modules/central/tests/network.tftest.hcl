# Network modes and Cloud Map instances: N subnets -> N endpoint ENIs -> N instances, each with its
# ENI's IP and the service port. Mocked aws provider, no credentials.

mock_provider "aws" {
  source = "./tests/mocks"

  # Shared defaults: tests/mocks/aws.tfmock.hcl. Below, only what this file mocks differently.
  # Six AZ names (no AZ ids), so az_count can go up to six.
  mock_data "aws_availability_zones" {
    defaults = { names = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"] }
  }
}

# The ENI behind each lookup index gets a recognisable IP: 10.0.<index>.10.
override_data {
  target = module.eni_lookup["users"].data.aws_network_interface.this[0]
  values = { private_ip = "10.0.0.10", subnet_id = "subnet-0000000000000000a", availability_zone = "us-east-1a" }
}
override_data {
  target = module.eni_lookup["users"].data.aws_network_interface.this[1]
  values = { private_ip = "10.0.1.10", subnet_id = "subnet-0000000000000000b", availability_zone = "us-east-1b" }
}
override_data {
  target = module.eni_lookup["users"].data.aws_network_interface.this[2]
  values = { private_ip = "10.0.2.10", subnet_id = "subnet-0000000000000000c", availability_zone = "us-east-1c" }
}
override_data {
  target = module.eni_lookup["users"].data.aws_network_interface.this[3]
  values = { private_ip = "10.0.3.10", subnet_id = "subnet-0000000000000000d", availability_zone = "us-east-1d" }
}

variables {
  name = "central"
  services = {
    users = {
      endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
      port                  = 8080
      routes                = ["ANY /users", "ANY /users/{proxy+}"]
      authorization         = { type = "NONE" }
    }
  }
}

run "plan_creates_vpc_with_one_private_subnet_per_az" {
  command = plan

  variables {
    vpc_cidr = "10.10.0.0/16"
    az_count = 3
  }

  assert {
    condition     = length(module.network) == 1 && module.network[0].vpc_cidr_block == "10.10.0.0/16"
    error_message = "A VPC with vpc_cidr must be created."
  }

  assert {
    condition     = module.network[0].subnet_cidr_blocks == ["10.10.0.0/19", "10.10.32.0/19", "10.10.64.0/19"]
    error_message = "Subnets must be /prefix+3 slices of the VPC CIDR, got ${jsonencode(module.network[0].subnet_cidr_blocks)}."
  }

  assert {
    condition     = module.network[0].availability_zones == tolist(["us-east-1a", "us-east-1b", "us-east-1c"])
    error_message = "Each subnet must sit in its own AZ."
  }

  assert {
    condition     = length(aws_service_discovery_instance.this) == 3
    error_message = "Three subnets must plan three Cloud Map instances."
  }
}

run "apply_two_existing_subnets_gives_two_instances" {
  state_key = "apply_two_existing_subnets_gives_two_instances"

  variables {
    vpc_id     = "vpc-0123456789abcdef0"
    subnet_ids = ["subnet-0000000000000000a", "subnet-0000000000000000b"]
  }

  override_resource {
    target = aws_vpc_endpoint.this["users"]
    values = { network_interface_ids = ["eni-0000000000000000b", "eni-0000000000000000a"] }
  }

  assert {
    condition     = length(module.network) == 0
    error_message = "An existing network must not create a VPC or subnets."
  }

  assert {
    condition     = aws_vpc_endpoint.this["users"].vpc_id == "vpc-0123456789abcdef0" && aws_vpc_endpoint.this["users"].subnet_ids == toset(var.subnet_ids)
    error_message = "The endpoint must use the given VPC and subnets."
  }

  assert {
    condition     = keys(aws_service_discovery_instance.this) == ["users/0", "users/1"]
    error_message = "Two subnets must give exactly two Cloud Map instances, got ${jsonencode(keys(aws_service_discovery_instance.this))}."
  }

  assert {
    condition = [for k in ["users/0", "users/1"] : aws_service_discovery_instance.this[k].attributes] == [
      tomap({ AWS_INSTANCE_IPV4 = "10.0.0.10", AWS_INSTANCE_PORT = "8080" }),
      tomap({ AWS_INSTANCE_IPV4 = "10.0.1.10", AWS_INSTANCE_PORT = "8080" }),
    ]
    error_message = "Each instance must carry its ENI's IP and the service port."
  }

  assert {
    condition     = aws_service_discovery_instance.this["users/0"].instance_id == "eni-0000000000000000a" && aws_service_discovery_instance.this["users/1"].instance_id == "eni-0000000000000000b"
    error_message = "Instance ids must be the ENI ids, in sorted order."
  }

  assert {
    condition     = output.services["users"].endpoint_eni_ips == ["10.0.0.10", "10.0.1.10"]
    error_message = "The services output must list the endpoint ENI IPs."
  }

  assert {
    condition     = output.vpc_id == "vpc-0123456789abcdef0" && output.subnet_ids == var.subnet_ids
    error_message = "vpc_id and subnet_ids outputs must echo the existing network."
  }
}

run "apply_three_created_subnets_gives_three_instances" {
  state_key = "apply_three_created_subnets_gives_three_instances"

  variables {
    vpc_cidr = "10.10.0.0/16"
    az_count = 3
  }

  override_resource {
    target = aws_vpc_endpoint.this["users"]
    values = { network_interface_ids = ["eni-0000000000000000a", "eni-0000000000000000b", "eni-0000000000000000c"] }
  }

  assert {
    condition     = length(aws_service_discovery_instance.this) == 3
    error_message = "Three subnets must give three Cloud Map instances."
  }

  assert {
    condition     = [for i in range(3) : aws_service_discovery_instance.this["users/${i}"].attributes.AWS_INSTANCE_IPV4] == ["10.0.0.10", "10.0.1.10", "10.0.2.10"]
    error_message = "Each instance must carry its ENI's IP."
  }

  assert {
    condition     = alltrue([for i in aws_service_discovery_instance.this : i.attributes.AWS_INSTANCE_PORT == "8080"])
    error_message = "Each instance must carry the service port."
  }

  assert {
    condition     = length(aws_vpc_endpoint.this["users"].subnet_ids) == 3 && output.subnet_ids == tolist(module.network[0].subnet_ids)
    error_message = "The endpoint and the subnet_ids output must use the three created subnets."
  }
}

run "apply_four_subnets_gives_four_instances" {
  state_key = "apply_four_subnets_gives_four_instances"

  variables {
    vpc_id     = "vpc-0123456789abcdef0"
    subnet_ids = ["subnet-0000000000000000a", "subnet-0000000000000000b", "subnet-0000000000000000c", "subnet-0000000000000000d"]
  }

  override_resource {
    target = aws_vpc_endpoint.this["users"]
    values = { network_interface_ids = ["eni-0000000000000000d", "eni-0000000000000000c", "eni-0000000000000000b", "eni-0000000000000000a"] }
  }

  assert {
    condition     = length(aws_service_discovery_instance.this) == 4
    error_message = "Four subnets must give four Cloud Map instances."
  }

  assert {
    condition = [for i in range(4) : aws_service_discovery_instance.this["users/${i}"].attributes] == [
      for i in range(4) : tomap({ AWS_INSTANCE_IPV4 = "10.0.${i}.10", AWS_INSTANCE_PORT = "8080" })
    ]
    error_message = "Each of the four instances must carry its ENI's IP and the service port."
  }

  assert {
    condition     = alltrue([for i in aws_service_discovery_instance.this : i.service_id == aws_service_discovery_service.this["users"].id])
    error_message = "Every instance must be registered in the service's Cloud Map service."
  }
}

run "apply_with_pinned_ips_sets_subnet_configuration" {
  state_key = "apply_with_pinned_ips_sets_subnet_configuration"

  variables {
    vpc_id     = "vpc-0123456789abcdef0"
    subnet_ids = ["subnet-0000000000000000a", "subnet-0000000000000000b"]
    services = {
      users = {
        endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
        port                  = 8080
        routes                = ["ANY /users"]
        endpoint_ips          = ["10.0.0.10", "10.0.1.10"]
        authorization         = { type = "NONE" }
      }
    }
  }

  override_resource {
    target = aws_vpc_endpoint.this["users"]
    values = { network_interface_ids = ["eni-0000000000000000a", "eni-0000000000000000b"] }
  }

  assert {
    condition = tomap({ for c in aws_vpc_endpoint.this["users"].subnet_configuration : c.subnet_id => c.ipv4 }) == tomap({
      "subnet-0000000000000000a" = "10.0.0.10"
      "subnet-0000000000000000b" = "10.0.1.10"
    })
    error_message = "Pinned IPs must become one subnet_configuration per subnet, in subnet order; got ${jsonencode(aws_vpc_endpoint.this["users"].subnet_configuration)}."
  }
}

# The pinned-IP mismatch and "fewer ENIs than subnets" failures happen inside module.eni_lookup, whose own
# tests expect them (terraform test cannot expect failures of objects inside a child module).
