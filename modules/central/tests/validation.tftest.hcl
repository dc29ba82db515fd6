# Bad inputs are rejected before anything is planned, each by the rule that names the problem.

mock_provider "aws" {
  mock_resource "aws_service_discovery_service" {
    defaults = { arn = "arn:aws:servicediscovery:us-east-1:111111111111:service/srv-abc" }
  }
  mock_resource "aws_apigatewayv2_api" {
    defaults = { execution_arn = "arn:aws:execute-api:us-east-1:111111111111:abc123" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:111111111111:log-group:/aws/apigateway/central/access" }
  }
  mock_data "aws_availability_zones" {
    defaults = { names = ["us-east-1a", "us-east-1b", "us-east-1c"] }
  }
}

variables {
  name       = "central"
  vpc_id     = "vpc-0123456789abcdef0"
  subnet_ids = ["subnet-0000000000000000a", "subnet-0000000000000000b"]
  services = {
    users = {
      endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
      port                  = 8080
      routes                = ["ANY /users", "ANY /users/{proxy+}"]
      authorization         = { type = "NONE" }
    }
  }
}

run "valid_baseline_plans" {
  command = plan

  assert {
    condition     = length(aws_apigatewayv2_route.this) == 2
    error_message = "The baseline input must plan (so the failures below come from the bad values)."
  }
}

run "rejects_port_zero" {
  command = plan
  variables {
    services = {
      users = { endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", port = 0, routes = ["ANY /users"], authorization = { type = "NONE" } }
    }
  }
  expect_failures = [var.services]
}

run "rejects_port_70000" {
  command = plan
  variables {
    services = {
      users = { endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", port = 70000, routes = ["ANY /users"], authorization = { type = "NONE" } }
    }
  }
  expect_failures = [var.services]
}

run "rejects_duplicate_route_key_across_services" {
  command = plan
  variables {
    services = {
      users  = { endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", port = 8080, routes = ["ANY /users"], authorization = { type = "NONE" } }
      people = { endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef1", port = 8080, routes = ["ANY /users"], authorization = { type = "NONE" } }
    }
  }
  expect_failures = [var.services]
}

run "rejects_malformed_route_keys" {
  command = plan
  variables {
    services = {
      users = { endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", port = 8080, routes = ["FETCH /users"], authorization = { type = "NONE" } }
    }
  }
  expect_failures = [var.services]
}

run "rejects_route_without_leading_slash" {
  command = plan
  variables {
    services = {
      users = { endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", port = 8080, routes = ["GET users"], authorization = { type = "NONE" } }
    }
  }
  expect_failures = [var.services]
}

run "rejects_greedy_parameter_not_last" {
  command = plan
  variables {
    services = {
      users = { endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", port = 8080, routes = ["ANY /{proxy+}/users"], authorization = { type = "NONE" } }
    }
  }
  expect_failures = [var.services]
}

run "rejects_service_name_not_dns_safe" {
  command = plan
  variables {
    services = {
      Users_1 = { endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", port = 8080, routes = ["ANY /users"], authorization = { type = "NONE" } }
    }
  }
  expect_failures = [var.services]
}

run "rejects_service_without_routes" {
  command = plan
  variables {
    services = {
      users = { endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", port = 8080, routes = [], authorization = { type = "NONE" } }
    }
  }
  expect_failures = [var.services]
}

run "rejects_more_than_300_routes" {
  command = plan
  variables {
    services = {
      users = { endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", port = 8080, routes = [for i in range(301) : "GET /r${i}"], authorization = { type = "NONE" } }
    }
  }
  expect_failures = [var.services]
}

run "rejects_jwt_without_authorizer" {
  command = plan
  variables {
    services = {
      users = { endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", port = 8080, routes = ["ANY /users"], authorization = { type = "JWT" } }
    }
  }
  expect_failures = [var.services]
}

run "rejects_unknown_authorization_type" {
  command = plan
  variables {
    services = {
      users = { endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", port = 8080, routes = ["ANY /users"], authorization = { type = "OPEN" } }
    }
  }
  expect_failures = [var.services]
}

run "rejects_override_of_unknown_route" {
  command = plan
  variables {
    services = {
      users = {
        endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", port = 8080, routes = ["ANY /users"], authorization = { type = "NONE" }
        route_overrides       = { "GET /nope" = { throttling = { rate_limit = 1, burst_limit = 1 } } }
      }
    }
  }
  expect_failures = [var.services]
}

run "rejects_bad_endpoint_service_name" {
  command = plan
  variables {
    services = {
      users = { endpoint_service_name = "users.internal.example.com", port = 8080, routes = ["ANY /users"], authorization = { type = "NONE" } }
    }
  }
  expect_failures = [var.services]
}

run "rejects_route_naming_missing_authorizer" {
  command = plan
  variables {
    services = {
      users = { endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", port = 8080, routes = ["ANY /users"], authorization = { type = "JWT", authorizer = "nope" } }
    }
  }
  expect_failures = [aws_apigatewayv2_route.this]
}

run "rejects_custom_authorization_with_jwt_authorizer" {
  command = plan
  variables {
    authorizers = { cognito = { type = "JWT", issuer = "https://issuer.example.com", audiences = ["a"] } }
    services = {
      users = { endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", port = 8080, routes = ["ANY /users"], authorization = { type = "CUSTOM", authorizer = "cognito" } }
    }
  }
  expect_failures = [aws_apigatewayv2_route.this]
}

run "rejects_request_authorizer_without_lambda_arn" {
  command = plan
  variables {
    authorizers = { authz = { type = "REQUEST", function_arn = "authz" } }
  }
  expect_failures = [var.authorizers]
}

run "rejects_jwt_authorizer_without_audience" {
  command = plan
  variables {
    authorizers = { cognito = { type = "JWT", issuer = "https://issuer.example.com" } }
  }
  expect_failures = [var.authorizers]
}

run "rejects_more_than_10_authorizers" {
  command = plan
  variables {
    authorizers = { for i in range(11) : "a${i}" => { type = "JWT", issuer = "https://issuer.example.com", audiences = ["a"] } }
  }
  expect_failures = [var.authorizers]
}

run "rejects_existing_vpc_without_subnets" {
  command = plan
  variables {
    subnet_ids = []
  }
  expect_failures = [aws_vpc_endpoint.this, aws_apigatewayv2_vpc_link.this]
}

run "rejects_no_network_at_all" {
  command = plan
  variables {
    vpc_id     = null
    subnet_ids = []
  }
  expect_failures = [aws_vpc_endpoint.this, aws_apigatewayv2_vpc_link.this]
}

run "rejects_both_network_modes" {
  command = plan
  variables {
    vpc_cidr = "10.10.0.0/16"
  }
  expect_failures = [aws_vpc_endpoint.this, aws_apigatewayv2_vpc_link.this]
}

run "rejects_pinned_ip_count_not_matching_subnets" {
  command = plan
  variables {
    services = {
      users = { endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", port = 8080, routes = ["ANY /users"], endpoint_ips = ["10.0.0.10"], authorization = { type = "NONE" } }
    }
  }
  expect_failures = [aws_vpc_endpoint.this]
}

run "rejects_az_count_7" {
  command = plan
  variables {
    vpc_id     = null
    subnet_ids = []
    vpc_cidr   = "10.10.0.0/16"
    az_count   = 7
  }
  expect_failures = [var.az_count]
}

# az_count beyond the region's AZs (4 of 3 here) fails on the network submodule's precondition, which
# `expect_failures` cannot name from this module: modules/private_network/tests/validation.tftest.hcl
# ("rejects_more_azs_than_the_region_has") asserts it.

run "rejects_vpc_cidr_too_small" {
  command = plan
  variables {
    vpc_id     = null
    subnet_ids = []
    vpc_cidr   = "10.10.0.0/28"
  }
  expect_failures = [var.vpc_cidr]
}

run "rejects_bad_log_retention" {
  command = plan
  variables {
    api = { log_retention_days = 31 }
  }
  expect_failures = [var.api]
}

run "rejects_bad_name" {
  command = plan
  variables {
    name = "Central API"
  }
  expect_failures = [var.name]
}
