# Look up the private IPs of an Interface VPC endpoint's ENIs (one per subnet).

provider "aws" {
  region = var.region
}

resource "aws_vpc_endpoint" "this" {
  vpc_id              = var.vpc_id
  service_name        = var.endpoint_service_name
  vpc_endpoint_type   = "Interface"
  subnet_ids          = var.subnet_ids
  security_group_ids  = var.security_group_ids
  private_dns_enabled = false

  tags = { Name = "eni-lookup-example" }
}

module "eni_lookup" {
  source = "../.."

  network_interface_ids = tolist(aws_vpc_endpoint.this.network_interface_ids)
  expected_count        = length(var.subnet_ids)
}
