# A central HTTP API in a new VPC reaching two private services over PrivateLink: one same-region with
# a JWT authorizer and a public health route, one cross-region behind IAM auth.

provider "aws" {
  region = var.region
}

module "central" {
  source = "../.."

  name     = "crossgate-example"
  vpc_cidr = "10.10.0.0/16"
  az_count = 2

  authorizers = {
    cognito = {
      type      = "JWT"
      issuer    = var.jwt_issuer
      audiences = [var.jwt_audience]
    }
  }

  services = {
    employees = {
      endpoint_service_name = var.employees_endpoint_service_name
      port                  = 8080
      routes                = ["ANY /employees", "ANY /employees/{proxy+}", "GET /employees/health"]
      authorization         = { type = "JWT", authorizer = "cognito" }
      route_overrides = {
        "GET /employees/health" = {
          authorization = { type = "NONE" }
          throttling    = { rate_limit = 5, burst_limit = 10 }
        }
      }
    }
    payroll = {
      endpoint_service_name = var.payroll_endpoint_service_name
      service_region        = var.payroll_region
      port                  = 443
      routes                = ["ANY /payroll/{proxy+}"]
      authorization         = { type = "AWS_IAM" }
    }
  }

  api = {
    throttling         = { rate_limit = 50, burst_limit = 100 }
    log_retention_days = 14
  }

  tags = {
    project = "crossgate"
  }
}
