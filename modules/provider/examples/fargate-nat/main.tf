# A Fargate workload pulling a public image through one NAT gateway (image_pull = "nat"), whose NLB
# security group also filters PrivateLink traffic: only the central VPC's CIDR reaches the listener.

provider "aws" {
  region = var.region
}

module "provider" {
  source = "../.."

  name               = "catalog"
  port               = 80
  allowed_principals = var.allowed_principals

  fargate = {
    image         = var.image
    desired_count = 1
  }

  vpc_cidr   = "10.40.0.0/16"
  az_count   = 2
  image_pull = "nat"

  flow_logs = {
    traffic_type   = "REJECT"
    retention_days = 90
  }

  enforce_security_group_inbound_rules_on_private_link_traffic = true
  privatelink_client_cidrs                                     = var.central_vpc_cidrs

  tags = {
    Project     = "crossgate"
    Environment = "example"
  }
}
