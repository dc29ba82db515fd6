# BYO NLB mode: only the endpoint service is created, with the inputs passed through.

# Shared defaults: tests/mocks/aws.tfmock.hcl.
mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name    = "employee"
  port    = 443
  nlb_arn = "arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/net/existing/0123456789abcdef"
  allowed_principals = [
    "arn:aws:iam::111111111111:root",
    "arn:aws:iam::333333333333:role/path/central-deployer",
  ]
  tags = { Project = "crossgate" }
}

run "plan_passes_inputs_to_endpoint_service" {
  command = plan

  assert {
    condition     = aws_vpc_endpoint_service.this.allowed_principals == toset(var.allowed_principals)
    error_message = "allowed_principals must be passed to aws_vpc_endpoint_service unchanged."
  }
  assert {
    condition     = aws_vpc_endpoint_service.this.acceptance_required == false
    error_message = "acceptance_required must default to false."
  }
  assert {
    condition     = length(aws_vpc_endpoint_service.this.supported_regions) == 0
    error_message = "supported_regions must default to none (same-region only)."
  }
  assert {
    condition     = aws_vpc_endpoint_service.this.network_load_balancer_arns == toset([var.nlb_arn])
    error_message = "The endpoint service must front the brought NLB."
  }
  assert {
    condition     = aws_vpc_endpoint_service.this.tags == tomap({ Project = "crossgate", Name = "employee" })
    error_message = "The endpoint service must carry the tags and a Name."
  }
}

run "byo_creates_no_workload" {
  command = plan

  assert {
    condition = alltrue([
      length(module.network) == 0, length(aws_lb.this) == 0,
      length(aws_lb_target_group.this) == 0, length(aws_lb_listener.this) == 0,
      length(aws_security_group.nlb) == 0, length(aws_security_group.tasks) == 0,
      length(aws_ecs_cluster.this) == 0, length(aws_ecs_service.this) == 0,
      length(aws_ecs_task_definition.this) == 0, length(aws_iam_role.execution) == 0,
      length(aws_cloudwatch_log_group.this) == 0, length(aws_vpc_endpoint.interface) == 0,
      length(aws_vpc_endpoint.s3) == 0, length(aws_nat_gateway.this) == 0, length(data.aws_vpc.this) == 0,
    ])
    error_message = "BYO NLB mode must not create any VPC, NLB, ECS, IAM or log resources."
  }
}

run "apply_byo_outputs" {
  command = apply

  variables {
    acceptance_required = true
    supported_regions   = ["eu-west-1", "us-west-2"]
  }

  assert {
    condition     = aws_vpc_endpoint_service.this.acceptance_required == true
    error_message = "acceptance_required must be passed through."
  }
  assert {
    condition     = aws_vpc_endpoint_service.this.supported_regions == toset(["eu-west-1", "us-west-2"])
    error_message = "supported_regions must be passed through."
  }
  assert {
    condition     = output.nlb_arn == var.nlb_arn && output.port == 443
    error_message = "nlb_arn and port outputs must describe the brought NLB."
  }
  assert {
    condition     = output.endpoint_service_id == aws_vpc_endpoint_service.this.id && output.endpoint_service_name == aws_vpc_endpoint_service.this.service_name
    error_message = "endpoint_service_id/name outputs must come from the endpoint service."
  }
  assert {
    condition = alltrue([
      output.vpc_id == null, output.subnet_ids == null,
      output.ecs_cluster_name == null, output.ecs_service_name == null,
    ])
    error_message = "Workload outputs must be null in BYO NLB mode."
  }
}
