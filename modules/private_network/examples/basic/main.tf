# A private VPC over three AZs with flow logs kept 90 days: the building block modules/central and
# modules/provider use for their created network. Internal module; shown standalone for reference.

provider "aws" {
  region = var.region
}

module "network" {
  source = "../.."

  name     = "crossgate-network"
  cidr     = "10.30.0.0/16"
  az_count = 3

  flow_logs = {
    traffic_type   = "REJECT"
    retention_days = 90
  }

  tags = {
    Project = "crossgate"
  }
}
