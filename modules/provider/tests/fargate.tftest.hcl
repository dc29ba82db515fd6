# Fargate mode: VPC, NLB, ECS and security groups, all mocked.

# Shared defaults: tests/mocks/aws.tfmock.hcl.
mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name               = "employee"
  port               = 80
  allowed_principals = ["arn:aws:iam::111111111111:root"]
  fargate            = { image = "222222222222.dkr.ecr.us-east-1.amazonaws.com/employee:1.0.0" }
  tags               = { Project = "crossgate" }
}

run "plan_defaults_match_employee_contract" {
  command = plan

  assert {
    condition     = aws_ecs_task_definition.this[0].cpu == "256" && aws_ecs_task_definition.this[0].memory == "512"
    error_message = "Default cpu/memory must be 256/512."
  }
  assert {
    condition     = aws_ecs_service.this[0].desired_count == 2
    error_message = "Default desired_count must be 2."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this[0].container_definitions)[0].portMappings[0].containerPort == 8080
    error_message = "Default container port must be 8080."
  }
  assert {
    condition     = aws_lb_target_group.this[0].port == 8080 && aws_lb_target_group.this[0].target_type == "ip" && aws_lb_target_group.this[0].protocol == "TCP"
    error_message = "Target group must be TCP, IP targets, on the container port."
  }
  assert {
    condition = (
      aws_lb_target_group.this[0].health_check[0].protocol == "HTTP" &&
      aws_lb_target_group.this[0].health_check[0].path == "/health" &&
      aws_lb_target_group.this[0].health_check[0].matcher == "200"
    )
    error_message = "Health check must be HTTP GET /health expecting 200."
  }
  assert {
    condition     = aws_lb_listener.this[0].port == 80 && aws_lb_listener.this[0].protocol == "TCP"
    error_message = "Listener must be TCP on var.port."
  }
  assert {
    condition     = aws_lb.this[0].internal == true && aws_lb.this[0].load_balancer_type == "network"
    error_message = "The NLB must be internal."
  }
  assert {
    condition     = aws_lb.this[0].enforce_security_group_inbound_rules_on_private_link_traffic == "off"
    error_message = "PrivateLink inbound rule enforcement must be set explicitly and default to off."
  }
  assert {
    condition     = aws_ecs_service.this[0].network_configuration[0].assign_public_ip == false
    error_message = "Tasks must never get a public IP."
  }
  assert {
    condition     = aws_ecs_service.this[0].launch_type == "FARGATE" && one(aws_ecs_service.this[0].load_balancer).container_port == 8080
    error_message = "The ECS service must run on Fargate behind the target group on the container port."
  }
  assert {
    condition     = aws_cloudwatch_log_group.this[0].retention_in_days == 30
    error_message = "Log retention must default to 30 days."
  }
  assert {
    condition     = module.network[0].vpc_cidr_block == "10.20.0.0/16" && length(module.network[0].subnet_ids) == 2
    error_message = "Default network: 10.20.0.0/16 with private subnets in 2 AZs."
  }
  assert {
    condition     = module.network[0].availability_zones == tolist(["us-east-1a", "us-east-1b"])
    error_message = "Private subnets must spread over distinct AZs."
  }
  assert {
    condition     = module.network[0].subnet_cidr_blocks == ["10.20.0.0/20", "10.20.16.0/20"]
    error_message = "Private subnet CIDRs must be carved from vpc_cidr."
  }
}

run "plan_image_pull_defaults_to_vpc_endpoints" {
  command = plan

  assert {
    condition     = toset(keys(aws_vpc_endpoint.interface)) == toset(["ecr.api", "ecr.dkr", "logs"]) && length(aws_vpc_endpoint.s3) == 1
    error_message = "Default image pull must create ECR api/dkr, logs interface endpoints and an S3 gateway endpoint."
  }
  assert {
    condition     = aws_vpc_endpoint.interface["ecr.dkr"].service_name == "com.amazonaws.us-east-1.ecr.dkr" && aws_vpc_endpoint.interface["ecr.dkr"].private_dns_enabled
    error_message = "Interface endpoints must target the region's services with private DNS."
  }
  assert {
    condition     = length(aws_nat_gateway.this) == 0 && length(aws_internet_gateway.this) == 0 && length(aws_subnet.public) == 0
    error_message = "The endpoint path must not create any internet path."
  }
}

run "plan_image_pull_nat" {
  command = plan

  variables {
    image_pull = "nat"
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 1 && length(aws_subnet.public) == 1 && length(aws_route.private_nat) == 1
    error_message = "image_pull = nat must create one NAT gateway, its public subnet and the private default route."
  }
  assert {
    condition     = length(aws_vpc_endpoint.interface) == 0 && length(aws_vpc_endpoint.s3) == 0
    error_message = "image_pull = nat must not create VPC endpoints."
  }
}

run "apply_security_groups_exactly_as_specified" {
  command = apply

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.tasks_from_nlb[0].referenced_security_group_id == aws_security_group.nlb[0].id &&
      aws_vpc_security_group_ingress_rule.tasks_from_nlb[0].from_port == 8080 &&
      aws_vpc_security_group_ingress_rule.tasks_from_nlb[0].to_port == 8080 &&
      aws_vpc_security_group_ingress_rule.tasks_from_nlb[0].security_group_id == aws_security_group.tasks[0].id &&
      aws_vpc_security_group_ingress_rule.tasks_from_nlb[0].cidr_ipv4 == null
    )
    error_message = "Tasks must admit only the container port, only from the NLB security group."
  }
  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.nlb_from_vpc[0].cidr_ipv4 == "10.20.0.0/16" &&
      aws_vpc_security_group_ingress_rule.nlb_from_vpc[0].from_port == 80 &&
      aws_vpc_security_group_ingress_rule.nlb_from_vpc[0].to_port == 80 &&
      aws_vpc_security_group_ingress_rule.nlb_from_vpc[0].security_group_id == aws_security_group.nlb[0].id
    )
    error_message = "The NLB must admit only the listener port from the VPC CIDR."
  }
  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.nlb_from_privatelink) == 0
    error_message = "No PrivateLink client rule while enforcement is off."
  }
  assert {
    condition = (
      aws_vpc_security_group_egress_rule.nlb_to_tasks[0].referenced_security_group_id == aws_security_group.tasks[0].id &&
      aws_vpc_security_group_egress_rule.nlb_to_tasks[0].from_port == 8080
    )
    error_message = "The NLB must be allowed to reach the tasks (traffic + health checks) on the container port."
  }
  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.endpoints_https_from_tasks[0].referenced_security_group_id == aws_security_group.tasks[0].id &&
      aws_vpc_security_group_ingress_rule.endpoints_https_from_tasks[0].from_port == 443
    )
    error_message = "VPC endpoints must admit HTTPS from the tasks only."
  }
  assert {
    condition = alltrue([for r in concat(
      aws_vpc_security_group_ingress_rule.nlb_from_vpc,
      aws_vpc_security_group_ingress_rule.nlb_from_privatelink,
      aws_vpc_security_group_ingress_rule.tasks_from_nlb,
      aws_vpc_security_group_ingress_rule.endpoints_https_from_tasks,
    ) : r.cidr_ipv4 != "0.0.0.0/0"])
    error_message = "No ingress rule may admit 0.0.0.0/0."
  }
  assert {
    condition     = aws_lb.this[0].security_groups == toset([aws_security_group.nlb[0].id])
    error_message = "The NLB must carry its own security group."
  }
  assert {
    condition     = aws_vpc_endpoint_service.this.network_load_balancer_arns == toset([aws_lb.this[0].arn])
    error_message = "The endpoint service must front the created NLB."
  }
  assert {
    condition = alltrue([
      output.nlb_arn == aws_lb.this[0].arn, output.port == 80,
      output.vpc_id == module.network[0].vpc_id, output.subnet_ids == tolist(module.network[0].subnet_ids),
      output.ecs_cluster_name == "employee", output.ecs_service_name == "employee",
    ])
    error_message = "Outputs must describe the created workload."
  }
  assert {
    condition = alltrue([for t in [
      aws_route_table.private[0].tags, aws_lb.this[0].tags, aws_security_group.nlb[0].tags, aws_ecs_service.this[0].tags,
      aws_ecs_cluster.this[0].tags, aws_cloudwatch_log_group.this[0].tags, aws_iam_role.execution[0].tags,
      aws_vpc_endpoint.s3[0].tags, aws_vpc_security_group_ingress_rule.tasks_from_nlb[0].tags,
    ] : lookup(t, "Project", null) == "crossgate"])
    error_message = "tags must be applied to every resource."
  }
}

run "apply_custom_workload_and_privatelink_enforcement" {
  command = apply

  variables {
    port = 8443
    fargate = {
      image             = "public.ecr.aws/example/employee:2"
      cpu               = 512
      memory            = 1024
      desired_count     = 3
      container_port    = 9000
      environment       = { LOG_LEVEL = "debug", DB_PATH = "/data/db.sqlite" }
      health_check_path = "/ready"
    }
    image_pull                                                   = "nat"
    az_count                                                     = 3
    log_retention_days                                           = 7
    enforce_security_group_inbound_rules_on_private_link_traffic = true
    privatelink_client_cidrs                                     = ["10.0.1.0/24", "10.0.2.0/24"]
  }

  assert {
    condition     = aws_lb.this[0].enforce_security_group_inbound_rules_on_private_link_traffic == "on"
    error_message = "Enforcement must be switched on when asked."
  }
  assert {
    condition     = [for r in aws_vpc_security_group_ingress_rule.nlb_from_privatelink : r.cidr_ipv4] == ["10.0.1.0/24", "10.0.2.0/24"] && alltrue([for r in aws_vpc_security_group_ingress_rule.nlb_from_privatelink : r.from_port == 8443])
    error_message = "With enforcement on, the NLB must admit the listener port from the PrivateLink client CIDRs."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this[0].container_definitions)[0].environment == [{ name = "DB_PATH", value = "/data/db.sqlite" }, { name = "LOG_LEVEL", value = "debug" }]
    error_message = "environment must reach the container definition."
  }
  assert {
    condition     = aws_lb_target_group.this[0].port == 9000 && aws_lb_target_group.this[0].health_check[0].path == "/ready" && aws_vpc_security_group_ingress_rule.tasks_from_nlb[0].from_port == 9000
    error_message = "container_port and health_check_path must reach the target group and task SG."
  }
  assert {
    condition     = aws_ecs_service.this[0].desired_count == 3 && aws_ecs_task_definition.this[0].cpu == "512" && length(module.network[0].subnet_ids) == 3
    error_message = "desired_count, cpu and az_count must be honoured."
  }
  assert {
    condition     = aws_cloudwatch_log_group.this[0].retention_in_days == 7
    error_message = "log_retention_days must be honoured."
  }
}

run "existing_vpc_uses_given_subnets" {
  command = plan

  variables {
    vpc_id     = "vpc-0aaaabbbbccccdddd"
    subnet_ids = ["subnet-0aaaabbbbccccdddd", "subnet-0eeeeffff00001111"]
  }

  assert {
    condition     = length(module.network) == 0 && length(aws_route_table.private) == 0
    error_message = "An existing VPC must not create network resources."
  }
  assert {
    condition     = aws_lb.this[0].subnets == toset(var.subnet_ids) && aws_ecs_service.this[0].network_configuration[0].subnets == toset(var.subnet_ids)
    error_message = "NLB and tasks must use the given subnets."
  }
  assert {
    condition     = aws_security_group.tasks[0].vpc_id == "vpc-0aaaabbbbccccdddd" && aws_lb_target_group.this[0].vpc_id == "vpc-0aaaabbbbccccdddd"
    error_message = "Security groups and target group must live in the given VPC."
  }
  assert {
    condition     = aws_vpc_security_group_ingress_rule.nlb_from_vpc[0].cidr_ipv4 == "10.50.0.0/16"
    error_message = "NLB ingress must come from the existing VPC's CIDR."
  }
  assert {
    condition     = output.vpc_id == "vpc-0aaaabbbbccccdddd" && output.subnet_ids == var.subnet_ids
    error_message = "Outputs must describe the existing network."
  }
}
