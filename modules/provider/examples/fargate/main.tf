provider "aws" {
  region = var.region
}

module "provider" {
  source = "../.."

  name               = "employee"
  port               = 80
  allowed_principals = var.allowed_principals

  fargate = {
    image       = var.image
    environment = { LOG_LEVEL = "info" }
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
