# Bad inputs are rejected before anything is planned, each by the rule that names the problem.

# Shared defaults: tests/mocks/aws.tfmock.hcl.
mock_provider "aws" {
  source = "./tests/mocks"
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
  # fires: Every service port must be a whole number from 1 to 65535.
  expect_failures = [var.services]
}

run "rejects_port_70000" {
  command = plan
  variables {
    services = {
      users = { endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", port = 70000, routes = ["ANY /users"], authorization = { type = "NONE" } }
    }
  }
  # fires: Every service port must be a whole number from 1 to 65535.
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
  # fires: Route keys must be unique across all services.
  expect_failures = [var.services]
}

run "rejects_malformed_route_keys" {
  command = plan
  variables {
    services = {
      users = { endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", port = 8080, routes = ["FETCH /users"], authorization = { type = "NONE" } }
    }
  }
  # fires: Route keys must be "METHOD /path" with METHOD in ANY/GET/POST/PUT/PATCH/DELETE/HEAD/OPTIONS and path segments,
  expect_failures = [var.services]
}

run "rejects_route_without_leading_slash" {
  command = plan
  variables {
    services = {
      users = { endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", port = 8080, routes = ["GET users"], authorization = { type = "NONE" } }
    }
  }
  # fires: Route keys must be "METHOD /path" with METHOD in ANY/GET/POST/PUT/PATCH/DELETE/HEAD/OPTIONS and path segments,
  expect_failures = [var.services]
}

run "rejects_greedy_parameter_not_last" {
  command = plan
  variables {
    services = {
      users = { endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", port = 8080, routes = ["ANY /{proxy+}/users"], authorization = { type = "NONE" } }
    }
  }
  # fires: Route keys must be "METHOD /path" with METHOD in ANY/GET/POST/PUT/PATCH/DELETE/HEAD/OPTIONS and path segments,
  expect_failures = [var.services]
}

run "rejects_service_name_not_dns_safe" {
  command = plan
  variables {
    services = {
      Users_1 = { endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", port = 8080, routes = ["ANY /users"], authorization = { type = "NONE" } }
    }
  }
  # fires: Service names must be DNS-safe:
  expect_failures = [var.services]
}

run "rejects_service_without_routes" {
  command = plan
  variables {
    services = {
      users = { endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", port = 8080, routes = [], authorization = { type = "NONE" } }
    }
  }
  # fires: Every service needs at least one route.
  expect_failures = [var.services]
}

run "rejects_more_than_300_routes" {
  command = plan
  variables {
    services = {
      users = { endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", port = 8080, routes = [for i in range(301) : "GET /r${i}"], authorization = { type = "NONE" } }
    }
  }
  # fires: An HTTP API allows at most 300 routes;
  expect_failures = [var.services]
}

run "rejects_jwt_without_authorizer" {
  command = plan
  variables {
    services = {
      users = { endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", port = 8080, routes = ["ANY /users"], authorization = { type = "JWT" } }
    }
  }
  # fires: Authorization JWT and CUSTOM must name an authorizer (a key of var.authorizers);
  expect_failures = [var.services]
}

run "rejects_unknown_authorization_type" {
  command = plan
  variables {
    services = {
      users = { endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", port = 8080, routes = ["ANY /users"], authorization = { type = "OPEN" } }
    }
  }
  # fires: Every authorization.type must be NONE, JWT, AWS_IAM or CUSTOM (route overrides included).
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
  # fires: Every route_overrides key must be one of that service's routes.
  expect_failures = [var.services]
}

run "rejects_bad_endpoint_service_name" {
  command = plan
  variables {
    services = {
      users = { endpoint_service_name = "users.internal.example.com", port = 8080, routes = ["ANY /users"], authorization = { type = "NONE" } }
    }
  }
  # fires: Every endpoint_service_name must be a PrivateLink endpoint service name such as com.amazonaws.vpce.us-east-1.v
  expect_failures = [var.services]
}

run "rejects_route_naming_missing_authorizer" {
  command = plan
  variables {
    services = {
      users = { endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", port = 8080, routes = ["ANY /users"], authorization = { type = "JWT", authorizer = "nope" } }
    }
  }
  # fires: Route "ANY /users" (service users) uses JWT authorization with authorizer "nope", but var.authorizers has no J
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
  # fires: Route "ANY /users" (service users) uses CUSTOM authorization with authorizer "cognito", but var.authorizers ha
  expect_failures = [aws_apigatewayv2_route.this]
}

run "rejects_request_authorizer_without_lambda_arn" {
  command = plan
  variables {
    authorizers = { authz = { type = "REQUEST", function_arn = "authz" } }
  }
  # fires: A REQUEST authorizer needs function_arn = arn:aws:lambda:<region>:<account>:function:<name>[:alias], and no is
  expect_failures = [var.authorizers]
}

run "rejects_jwt_authorizer_without_audience" {
  command = plan
  variables {
    authorizers = { cognito = { type = "JWT", issuer = "https://issuer.example.com" } }
  }
  # fires: A JWT authorizer needs an https issuer and at least one audience, and no function_arn.
  expect_failures = [var.authorizers]
}

run "rejects_more_than_10_authorizers" {
  command = plan
  variables {
    authorizers = { for i in range(11) : "a${i}" => { type = "JWT", issuer = "https://issuer.example.com", audiences = ["a"] } }
  }
  # fires: An HTTP API allows at most 10 authorizers;
  expect_failures = [var.authorizers]
}

run "rejects_existing_vpc_without_subnets" {
  command = plan
  variables {
    subnet_ids = []
  }
  # fires: Set either vpc_cidr (a new VPC with az_count private subnets) or vpc_id plus at least one subnet_ids entry, no
  expect_failures = [aws_vpc_endpoint.this, aws_apigatewayv2_vpc_link.this]
}

run "rejects_no_network_at_all" {
  command = plan
  variables {
    vpc_id     = null
    subnet_ids = []
  }
  # fires: Set either vpc_cidr (a new VPC with az_count private subnets) or vpc_id plus at least one subnet_ids entry, no
  expect_failures = [aws_vpc_endpoint.this, aws_apigatewayv2_vpc_link.this]
}

run "rejects_both_network_modes" {
  command = plan
  variables {
    vpc_cidr = "10.10.0.0/16"
  }
  # fires: Set either vpc_cidr (a new VPC with az_count private subnets) or vpc_id plus at least one subnet_ids entry, no
  expect_failures = [aws_vpc_endpoint.this, aws_apigatewayv2_vpc_link.this]
}

run "rejects_pinned_ip_count_not_matching_subnets" {
  command = plan
  variables {
    services = {
      users = { endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", port = 8080, routes = ["ANY /users"], endpoint_ips = ["10.0.0.10"], authorization = { type = "NONE" } }
    }
  }
  # fires: Service users pins 1 endpoint_ips for 2 subnets:
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
  # fires: The az_count must be a whole number from 1 to 6;
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
  # fires: The vpc_cidr must be an IPv4 CIDR with a prefix from /16 to /24 (each AZ gets a /prefix+3 subnet), such as 10.
  expect_failures = [var.vpc_cidr]
}

run "rejects_bad_log_retention" {
  command = plan
  variables {
    api = { log_retention_days = 31 }
  }
  # fires: The api.log_retention_days must be a CloudWatch Logs retention:
  expect_failures = [var.api]
}

run "rejects_bad_name" {
  command = plan
  variables {
    name = "Central API"
  }
  # fires: The name must be 2-32 characters of lowercase letters, digits and hyphens, start with a letter and end with a
  expect_failures = [var.name]
}
