# A central HTTP API in an existing VPC and subnets, behind a Lambda (REQUEST) authorizer, served on a
# custom domain with an ACM certificate and a Route 53 alias record.

provider "aws" {
  region = var.region
}

module "central" {
  source = "../.."

  name       = "crossgate-byo-network"
  vpc_id     = var.vpc_id
  subnet_ids = var.subnet_ids

  authorizers = {
    tokens = {
      type               = "REQUEST"
      function_arn       = var.authorizer_function_arn
      identity_sources   = ["$request.header.Authorization"]
      result_ttl_seconds = 60
    }
  }

  services = {
    ledger = {
      endpoint_service_name = var.ledger_endpoint_service_name
      port                  = 8080
      routes                = ["ANY /ledger/{proxy+}", "GET /ledger/health"]
      authorization         = { type = "CUSTOM", authorizer = "tokens" }
      route_overrides = {
        "GET /ledger/health" = {
          authorization = { type = "NONE" }
          throttling    = { rate_limit = 2, burst_limit = 4 }
        }
      }
    }
  }

  api = {
    throttling         = { rate_limit = 20, burst_limit = 40 }
    log_retention_days = 7
  }

  custom_domain = {
    domain_name     = var.domain_name
    certificate_arn = var.certificate_arn
    route53_zone_id = var.route53_zone_id
  }

  tags = {
    project = "crossgate"
  }
}
