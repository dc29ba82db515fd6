# AZ ids: the created VPC (hence the NLB and the endpoint service) placed by AZ id, and the service's AZs reported as AZ ids. All mocked.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { name = "us-east-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_availability_zones" {
    defaults = { names = ["us-east-1a", "us-east-1b", "us-east-1c"], zone_ids = ["use1-az4", "use1-az6", "use1-az1"] }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
  mock_data "aws_vpc" {
    defaults = { cidr_block = "10.50.0.0/16" }
  }
  mock_resource "aws_lb" {
    defaults = { arn = "arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/net/employee/abc" }
  }
  mock_resource "aws_lb_target_group" {
    defaults = { arn = "arn:aws:elasticloadbalancing:us-east-1:222222222222:targetgroup/employee/abc" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::222222222222:role/employee-ecs-execution" }
  }
  mock_resource "aws_ecs_cluster" {
    defaults = { arn = "arn:aws:ecs:us-east-1:222222222222:cluster/employee" }
  }
  mock_resource "aws_ecs_task_definition" {
    defaults = { arn = "arn:aws:ecs:us-east-1:222222222222:task-definition/employee:1" }
  }
  mock_resource "aws_vpc" {
    defaults = { id = "vpc-0123456789abcdef0" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:222222222222:log-group:/ecs/employee" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "222222222222" }
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
