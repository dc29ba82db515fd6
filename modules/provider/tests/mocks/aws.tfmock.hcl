# The aws mock defaults every provider test file shares: each file says
# `mock_provider "aws" { source = "./tests/mocks" }` (the examples' tests: "../../tests/mocks"; Terraform >= 1.7,
# docs: Tests > Mocks, "share mock provider data between tests ... using the source attribute"). A file's own
# mock_resource/mock_data of one of these types takes precedence over the block here *whole* (its defaults
# replace these, they are not merged: checked with terraform 1.11), so a file restates every attribute of
# that type it still needs.
# The provider (service) account is 222222222222 in us-east-1; the module is called with name = "employee".

mock_data "aws_region" {
  defaults = { name = "us-east-1" }
}

mock_data "aws_partition" {
  defaults = { partition = "aws" }
}

mock_data "aws_caller_identity" {
  defaults = { account_id = "222222222222" }
}

# Three AZ names, no AZ ids (availability_zones.tftest.hcl maps them to AZ ids).
mock_data "aws_availability_zones" {
  defaults = { names = ["us-east-1a", "us-east-1b", "us-east-1c"] }
}

mock_data "aws_iam_policy_document" {
  defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
}

# An existing VPC's CIDR (vpc_id given).
mock_data "aws_vpc" {
  defaults = { cidr_block = "10.50.0.0/16" }
}

mock_resource "aws_vpc" {
  defaults = { id = "vpc-0123456789abcdef0" }
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

# The task's log group (hardening.tftest.hcl mocks the VPC flow-log group instead).
mock_resource "aws_cloudwatch_log_group" {
  defaults = { arn = "arn:aws:logs:us-east-1:222222222222:log-group:/ecs/employee" }
}

mock_resource "aws_efs_file_system" {
  defaults = {
    id         = "fs-0123456789abcdef0"
    kms_key_id = "arn:aws:kms:us-east-1:222222222222:key/aws-managed-elasticfilesystem"
    arn        = "arn:aws:elasticfilesystem:us-east-1:222222222222:file-system/fs-0123456789abcdef0"
  }
}

mock_resource "aws_efs_access_point" {
  defaults = {
    id  = "fsap-0123456789abcdef0"
    arn = "arn:aws:elasticfilesystem:us-east-1:222222222222:access-point/fsap-0123456789abcdef0"
  }
}
