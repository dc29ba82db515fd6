provider "aws" {
  region = var.region
}

# An existing internal NLB (for example in front of an EC2 Auto Scaling group)
# with a TCP listener on var.port.
data "aws_lb" "existing" {
  name = var.nlb_name
}

module "provider" {
  source = "../.."

  name                = "inventory"
  port                = var.port
  nlb_arn             = data.aws_lb.existing.arn
  allowed_principals  = var.allowed_principals
  acceptance_required = true
  supported_regions   = var.supported_regions

  tags = {
    Project     = "crossgate"
    Environment = "example"
  }
}
