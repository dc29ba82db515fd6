# Two services behind one API: endpoints, integrations, routes, security groups, authorization,
# stage throttling and access logs. Mocked aws provider, no credentials.

# Shared defaults: tests/mocks/aws.tfmock.hcl.
mock_provider "aws" {
  source = "./tests/mocks"
}

# Distinct, recognisable ids so assertions can tell the services' objects apart.
override_resource {
  target = aws_service_discovery_service.this["users"]
  values = { id = "srv-users", arn = "arn:aws:servicediscovery:us-east-1:111111111111:service/srv-users" }
}
override_resource {
  target = aws_service_discovery_service.this["orders"]
  values = { id = "srv-orders", arn = "arn:aws:servicediscovery:us-east-1:111111111111:service/srv-orders" }
}
override_resource {
  target = aws_apigatewayv2_integration.this["users"]
  values = { id = "int-users" }
}
override_resource {
  target = aws_apigatewayv2_integration.this["orders"]
  values = { id = "int-orders" }
}
override_resource {
  target = aws_security_group.vpc_link
  values = { id = "sg-0000000000000001a" }
}
override_resource {
  target = aws_security_group.endpoint["users"]
  values = { id = "sg-0000000000000002a" }
}
override_resource {
  target = aws_security_group.endpoint["orders"]
  values = { id = "sg-0000000000000003a" }
}
override_resource {
  target = aws_apigatewayv2_vpc_link.this
  values = { id = "vl-abc123" }
}
override_resource {
  target = aws_apigatewayv2_authorizer.this["cognito"]
  values = { id = "auth-jwt" }
}
override_resource {
  target = aws_apigatewayv2_authorizer.this["lambda"]
  values = { id = "auth-lambda" }
}

variables {
  name       = "central"
  vpc_id     = "vpc-0123456789abcdef0"
  subnet_ids = ["subnet-0000000000000000a", "subnet-0000000000000000b"]
  tags       = { team = "platform" }

  authorizers = {
    cognito = {
      type      = "JWT"
      issuer    = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc"
      audiences = ["client-1"]
    }
    lambda = {
      type               = "REQUEST"
      function_arn       = "arn:aws:lambda:us-east-1:111111111111:function:authz"
      identity_sources   = ["$request.header.X-Token"]
      result_ttl_seconds = 60
    }
  }

  services = {
    users = {
      endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
      port                  = 8080
      routes                = ["ANY /users", "ANY /users/{proxy+}", "GET /users/health"]
      authorization         = { type = "JWT", authorizer = "cognito", scopes = ["users/read"] }
      route_overrides = {
        "GET /users/health" = {
          authorization = { type = "NONE" }
          throttling    = { rate_limit = 5, burst_limit = 10 }
        }
      }
    }
    orders = {
      endpoint_service_name = "com.amazonaws.vpce.eu-west-1.vpce-svc-0fedcba9876543210"
      port                  = 9090
      routes                = ["ANY /orders", "POST /orders/{id}/pay"]
      service_region        = "eu-west-1"
      authorization         = { type = "AWS_IAM" }
      route_overrides = {
        "POST /orders/{id}/pay" = { authorization = { type = "CUSTOM", authorizer = "lambda" } }
      }
    }
  }
}

run "plan_one_endpoint_and_one_integration_per_service" {
  command = plan

  assert {
    condition     = keys(aws_vpc_endpoint.this) == ["orders", "users"] && keys(aws_apigatewayv2_integration.this) == ["orders", "users"]
    error_message = "Two services must give two endpoints and two integrations."
  }

  assert {
    condition     = length(aws_apigatewayv2_route.this) == 5
    error_message = "Every route key of every service must become one route."
  }

  assert {
    condition = alltrue([for e in aws_vpc_endpoint.this : e.vpc_endpoint_type == "Interface" && e.private_dns_enabled == false &&
    e.vpc_id == "vpc-0123456789abcdef0" && e.subnet_ids == toset(["subnet-0000000000000000a", "subnet-0000000000000000b"])])
    error_message = "Endpoints must be Interface endpoints without private DNS over the given subnets."
  }

  assert {
    condition     = aws_vpc_endpoint.this["orders"].service_name == "com.amazonaws.vpce.eu-west-1.vpce-svc-0fedcba9876543210" && aws_vpc_endpoint.this["orders"].service_region == "eu-west-1"
    error_message = "A cross-region service must set service_region on its endpoint."
  }

  assert {
    condition     = aws_apigatewayv2_api.this.protocol_type == "HTTP" && aws_apigatewayv2_api.this.name == "central"
    error_message = "The API must be an HTTP API named after var.name."
  }

  assert {
    condition     = aws_vpc_endpoint.this["users"].tags["team"] == "platform" && aws_apigatewayv2_api.this.tags["team"] == "platform" && aws_apigatewayv2_vpc_link.this.tags["team"] == "platform"
    error_message = "Tags must be applied to the resources."
  }
}

run "apply_integrations_routes_and_security_groups" {
  assert {
    condition = alltrue([for i in aws_apigatewayv2_integration.this : i.integration_type == "HTTP_PROXY" && i.integration_method == "ANY" &&
      i.connection_type == "VPC_LINK" && i.connection_id == "vl-abc123" && i.payload_format_version == "1.0" &&
    i.request_parameters == tomap({ "overwrite:path" = "$request.path" })])
    error_message = "Integrations must be HTTP_PROXY over the VPC link, payload 1.0, overwriting the path with $request.path."
  }

  assert {
    condition = (aws_apigatewayv2_integration.this["users"].integration_uri == "arn:aws:servicediscovery:us-east-1:111111111111:service/srv-users" &&
    aws_apigatewayv2_integration.this["orders"].integration_uri == "arn:aws:servicediscovery:us-east-1:111111111111:service/srv-orders")
    error_message = "Each integration must target its own service's Cloud Map service ARN."
  }

  assert {
    condition = tomap({ for k, r in aws_apigatewayv2_route.this : k => r.target }) == tomap({
      "ANY /users"            = "integrations/int-users"
      "ANY /users/{proxy+}"   = "integrations/int-users"
      "GET /users/health"     = "integrations/int-users"
      "ANY /orders"           = "integrations/int-orders"
      "POST /orders/{id}/pay" = "integrations/int-orders"
    })
    error_message = "Each route must target its own service's (shared) integration."
  }

  # Security groups: endpoint ingress only from the VPC link SG on that service's port; VPC link egress
  # only to the endpoint SGs on the service ports; no other rules.
  assert {
    condition = jsonencode({ for k, r in aws_vpc_security_group_ingress_rule.endpoint_from_vpc_link : k => [r.security_group_id, r.referenced_security_group_id, r.ip_protocol, r.from_port, r.to_port, r.cidr_ipv4, r.cidr_ipv6, r.prefix_list_id] }) == jsonencode({
      users  = ["sg-0000000000000002a", "sg-0000000000000001a", "tcp", 8080, 8080, null, null, null]
      orders = ["sg-0000000000000003a", "sg-0000000000000001a", "tcp", 9090, 9090, null, null, null]
    })
    error_message = "Endpoint ingress must be exactly: from the VPC link SG, tcp, the service port."
  }

  assert {
    condition = jsonencode({ for k, r in aws_vpc_security_group_egress_rule.vpc_link_to_endpoint : k => [r.security_group_id, r.referenced_security_group_id, r.ip_protocol, r.from_port, r.to_port, r.cidr_ipv4, r.cidr_ipv6, r.prefix_list_id] }) == jsonencode({
      users  = ["sg-0000000000000001a", "sg-0000000000000002a", "tcp", 8080, 8080, null, null, null]
      orders = ["sg-0000000000000001a", "sg-0000000000000003a", "tcp", 9090, 9090, null, null, null]
    })
    error_message = "VPC link egress must be exactly: to each endpoint SG, tcp, that service's port."
  }

  assert {
    condition = (length(aws_security_group.vpc_link.ingress) == 0 && length(aws_security_group.vpc_link.egress) == 0 &&
    alltrue([for sg in aws_security_group.endpoint : length(sg.ingress) == 0 && length(sg.egress) == 0]))
    error_message = "Security groups must have no inline rules: only the rule resources above."
  }

  assert {
    condition = (aws_apigatewayv2_vpc_link.this.security_group_ids == toset(["sg-0000000000000001a"]) &&
      aws_vpc_endpoint.this["users"].security_group_ids == toset(["sg-0000000000000002a"]) &&
    aws_vpc_endpoint.this["orders"].security_group_ids == toset(["sg-0000000000000003a"]))
    error_message = "The VPC link and each endpoint must use their own security group."
  }

  assert {
    condition     = output.services["users"].integration_id == "int-users" && output.services["orders"].cloudmap_service_arn == "arn:aws:servicediscovery:us-east-1:111111111111:service/srv-orders"
    error_message = "The services output must expose each service's integration id and Cloud Map service ARN."
  }

  assert {
    condition     = keys(output.services["orders"].route_ids) == ["ANY /orders", "POST /orders/{id}/pay"] && output.services["users"].endpoint_security_group_id == "sg-0000000000000002a"
    error_message = "The services output must expose route ids by route key and the endpoint security group."
  }

  assert {
    condition     = output.vpc_link_id == "vl-abc123" && output.api_endpoint == "https://abc123.execute-api.us-east-1.amazonaws.com" && output.api_execution_arn == "arn:aws:execute-api:us-east-1:111111111111:abc123"
    error_message = "API and VPC link outputs must be exposed."
  }
}

run "apply_authorization_per_route" {
  assert {
    condition = (aws_apigatewayv2_route.this["ANY /users"].authorization_type == "JWT" &&
      aws_apigatewayv2_route.this["ANY /users"].authorizer_id == "auth-jwt" &&
    aws_apigatewayv2_route.this["ANY /users"].authorization_scopes == toset(["users/read"]))
    error_message = "Service-level JWT authorization (authorizer and scopes) must apply to its routes."
  }

  assert {
    condition     = aws_apigatewayv2_route.this["GET /users/health"].authorization_type == "NONE" && aws_apigatewayv2_route.this["GET /users/health"].authorizer_id == null
    error_message = "A route override must replace the service authorization."
  }

  assert {
    condition     = aws_apigatewayv2_route.this["ANY /orders"].authorization_type == "AWS_IAM" && aws_apigatewayv2_route.this["ANY /orders"].authorizer_id == null
    error_message = "AWS_IAM authorization must not name an authorizer."
  }

  assert {
    condition     = aws_apigatewayv2_route.this["POST /orders/{id}/pay"].authorization_type == "CUSTOM" && aws_apigatewayv2_route.this["POST /orders/{id}/pay"].authorizer_id == "auth-lambda"
    error_message = "CUSTOM authorization must use the Lambda (REQUEST) authorizer."
  }

  assert {
    condition = (aws_apigatewayv2_authorizer.this["cognito"].authorizer_type == "JWT" &&
      aws_apigatewayv2_authorizer.this["cognito"].jwt_configuration[0].issuer == "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc" &&
      aws_apigatewayv2_authorizer.this["cognito"].jwt_configuration[0].audience == toset(["client-1"]) &&
    aws_apigatewayv2_authorizer.this["cognito"].identity_sources == toset(["$request.header.Authorization"]))
    error_message = "The JWT authorizer must carry issuer, audiences and the default identity source."
  }

  assert {
    condition = (aws_apigatewayv2_authorizer.this["lambda"].authorizer_type == "REQUEST" &&
      aws_apigatewayv2_authorizer.this["lambda"].authorizer_uri == "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:111111111111:function:authz/invocations" &&
      aws_apigatewayv2_authorizer.this["lambda"].authorizer_payload_format_version == "2.0" &&
      aws_apigatewayv2_authorizer.this["lambda"].enable_simple_responses == true &&
      aws_apigatewayv2_authorizer.this["lambda"].authorizer_result_ttl_in_seconds == 60 &&
    aws_apigatewayv2_authorizer.this["lambda"].identity_sources == toset(["$request.header.X-Token"]))
    error_message = "The REQUEST authorizer must be a payload 2.0 Lambda authorizer with simple responses and the given TTL."
  }

  assert {
    condition = (keys(aws_lambda_permission.authorizer) == ["lambda"] &&
      aws_lambda_permission.authorizer["lambda"].principal == "apigateway.amazonaws.com" &&
      aws_lambda_permission.authorizer["lambda"].action == "lambda:InvokeFunction" &&
      aws_lambda_permission.authorizer["lambda"].function_name == "arn:aws:lambda:us-east-1:111111111111:function:authz" &&
    aws_lambda_permission.authorizer["lambda"].source_arn == "arn:aws:execute-api:us-east-1:111111111111:abc123/authorizers/auth-lambda")
    error_message = "API Gateway must be allowed to invoke the Lambda authorizer, and only through that authorizer."
  }
}

run "apply_stage_throttling_and_access_logs" {
  assert {
    condition     = aws_apigatewayv2_stage.this.name == "$default" && aws_apigatewayv2_stage.this.auto_deploy == true
    error_message = "The stage must be $default with auto-deploy."
  }

  assert {
    condition     = aws_apigatewayv2_stage.this.default_route_settings[0].throttling_rate_limit == 100 && aws_apigatewayv2_stage.this.default_route_settings[0].throttling_burst_limit == 200
    error_message = "Default throttling must be 100 requests/s with a burst of 200."
  }

  assert {
    condition = ([for s in aws_apigatewayv2_stage.this.route_settings : [s.route_key, s.throttling_rate_limit, s.throttling_burst_limit]] ==
    [["GET /users/health", 5, 10]])
    error_message = "Only the overridden route must get its own throttling."
  }

  assert {
    condition = (aws_cloudwatch_log_group.access[0].retention_in_days == 30 &&
      aws_apigatewayv2_stage.this.access_log_settings[0].destination_arn == aws_cloudwatch_log_group.access[0].arn &&
    output.access_log_group_name == "/aws/apigateway/central/access")
    error_message = "Access logs must go to a log group with 30 days retention by default."
  }

  assert {
    condition = alltrue([for field in ["requestId", "sourceIp", "routeKey", "status", "integrationErrorMessage", "responseLatency"] :
    contains(keys(jsondecode(aws_apigatewayv2_stage.this.access_log_settings[0].format)), field)])
    error_message = "The access log format must be JSON with requestId, sourceIp, routeKey, status, integrationErrorMessage and responseLatency."
  }

  assert {
    condition     = aws_cloudwatch_log_group.access[0].kms_key_id == null
    error_message = "No KMS key unless one is given."
  }
}

run "plan_access_logs_off_and_custom_throttling" {
  command = plan

  variables {
    api = {
      throttling  = { rate_limit = 50, burst_limit = 20 }
      access_logs = false
      cors        = { allow_origins = ["https://app.example.com"] }
    }
  }

  assert {
    condition     = length(aws_cloudwatch_log_group.access) == 0 && length(aws_apigatewayv2_stage.this.access_log_settings) == 0
    error_message = "access_logs = false must create no log group and no log settings."
  }

  assert {
    condition     = aws_apigatewayv2_stage.this.default_route_settings[0].throttling_rate_limit == 50 && aws_apigatewayv2_stage.this.default_route_settings[0].throttling_burst_limit == 20
    error_message = "api.throttling must set the default throttling."
  }

  assert {
    condition     = aws_apigatewayv2_api.this.cors_configuration[0].allow_origins == toset(["https://app.example.com"])
    error_message = "api.cors must configure CORS on the API."
  }
}

run "plan_log_kms_key_and_retention" {
  command = plan

  variables {
    api = {
      log_retention_days = 365
      log_kms_key_arn    = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    }
  }

  assert {
    condition     = aws_cloudwatch_log_group.access[0].retention_in_days == 365 && aws_cloudwatch_log_group.access[0].kms_key_id == "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    error_message = "Retention and KMS key must reach the log group."
  }
}
