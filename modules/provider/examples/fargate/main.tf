provider "aws" {
  region = var.region
}

module "provider" {
  source = "../.."

  name               = "employee"
  port               = 80
  allowed_principals = var.allowed_principals

  fargate = {
    image = var.image
    # desired_count 2: both tasks keep the SQLite file on one shared EFS file system, so a write
    # served by one task is read back by the other.
    environment    = { LOG_LEVEL = "info", EMPLOYEE_DB = "/data/employees.db" }
    shared_storage = { path = "/data" }
  }

  # Defaults written out for the reader: a new 10.20.0.0/16 VPC over 2 AZs and
  # VPC endpoints (no internet path) for the ECR image pull and the logs.
  vpc_cidr   = "10.20.0.0/16"
  az_count   = 2
  image_pull = "vpc_endpoints"

  tags = {
    Project     = "crossgate"
    Environment = "example"
  }
}
