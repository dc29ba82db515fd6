# The example plans and applies against a mocked provider.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { name = "us-east-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_availability_zones" {
    defaults = { names = ["us-east-1a", "us-east-1b"] }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{}" }
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
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:222222222222:log-group:/ecs/employee" }
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
