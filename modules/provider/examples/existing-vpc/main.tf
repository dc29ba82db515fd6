# A Fargate workload placed in an existing VPC and private subnets that already reach ECR and
# CloudWatch Logs (image_pull = "none": the module adds no endpoints and no NAT gateway).

provider "aws" {
  region = var.region
}

module "provider" {
  source = "../.."

  name               = "ledger"
  port               = 8080
  allowed_principals = var.allowed_principals

  fargate = {
    image         = var.image
    desired_count = 1
  }

  vpc_id     = var.vpc_id
  subnet_ids = var.subnet_ids
  image_pull = "none"

  tags = {
    Project     = "crossgate"
    Environment = "example"
  }
}
