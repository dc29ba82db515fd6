locals {
  create_vpc = var.vpc_cidr != null

  vpc_id       = local.create_vpc ? module.network[0].vpc_id : var.vpc_id
  subnet_ids   = local.create_vpc ? module.network[0].subnet_ids : var.subnet_ids
  subnet_count = local.create_vpc ? (length(var.availability_zone_ids) > 0 ? length(var.availability_zone_ids) : var.az_count) : length(var.subnet_ids)

  # AZs of the subnets, known at plan: names differ between accounts, AZ ids do not.
  subnet_zone_names = local.create_vpc ? module.network[0].availability_zones : data.aws_subnet.given[*].availability_zone
  subnet_zone_ids   = local.create_vpc ? module.network[0].availability_zone_ids : data.aws_subnet.given[*].availability_zone_id
  zone_pairs        = min(length(data.aws_availability_zones.this.names), length(data.aws_availability_zones.this.zone_ids))
  zone_id_by_name   = zipmap(slice(data.aws_availability_zones.this.names, 0, local.zone_pairs), slice(data.aws_availability_zones.this.zone_ids, 0, local.zone_pairs))

  # Per service: the AZs its endpoint service serves, in this account's names (DescribeVpcEndpointServices
  # answers the consumer's names) and as AZ ids; empty for a cross-region service (its AZs are in another
  # region) or one that reports none, and then every subnet is used.
  service_zone_names = { for k, s in var.services : k => sort(tolist(try(data.aws_vpc_endpoint_service.this[k].availability_zones, []))) }
  service_zone_ids   = { for k, names in local.service_zone_names : k => [for n in names : lookup(local.zone_id_by_name, n, n)] }
  # Indices of the subnets each endpoint uses: only those in an AZ its service serves (AWS refuses others).
  endpoint_subnets = {
    for k, names in local.service_zone_names : k => [
      for i in range(local.subnet_count) : i if length(names) == 0 || contains(names, try(local.subnet_zone_names[i], ""))
    ]
  }
  zone_problem = {
    for k, s in var.services : k => "Service ${k}: its endpoint service ${s.endpoint_service_name} serves AZ ids ${join(", ", local.service_zone_ids[k])}, but the central subnets are in AZ ids ${join(", ", compact([for id in local.subnet_zone_ids : id == null ? "" : id]))}: no AZ in common, and an interface endpoint can only use AZs its service's NLB covers (matched by AZ id; AZ names differ between accounts). Fix: give the central network one of ${join(", ", local.service_zone_ids[k])} (availability_zone_ids; in a crossgate env file central.network.availability_zone_ids), or subnet_ids in those AZs, or have the provider's NLB cover one of the central AZ ids (its availability_zone_ids)."
  }

  # Checked by preconditions on the resources that need a network (no cross-variable validation
  # before Terraform 1.9).
  network_ok      = (local.create_vpc && var.vpc_id == null && length(var.subnet_ids) == 0) || (!local.create_vpc && var.vpc_id != null && length(var.subnet_ids) > 0)
  network_problem = "Set either vpc_cidr (a new VPC with az_count private subnets) or vpc_id plus at least one subnet_ids entry, not both; got vpc_cidr=${coalesce(var.vpc_cidr, "null")}, vpc_id=${coalesce(var.vpc_id, "null")}, ${length(var.subnet_ids)} subnet_ids."

  # Every route with its service and effective settings; route keys are unique (validated), so they key
  # the routes and the stage's per-route settings.
  routes = merge([
    for service_name, service in var.services : {
      for route_key in service.routes : route_key => {
        service       = service_name
        authorization = try(service.route_overrides[route_key].authorization, null) != null ? service.route_overrides[route_key].authorization : service.authorization
        throttling    = try(service.route_overrides[route_key].throttling, null)
      }
    }
  ]...)

  # One Cloud Map instance per (service, endpoint ENI). The ENI index is known at plan (subnet count);
  # the ENI itself is not, so it cannot be the key.
  instances = merge([
    for service_name, service in var.services : {
      for index in range(length(local.endpoint_subnets[service_name])) : "${service_name}/${index}" => {
        service = service_name
        index   = index
      }
    }
  ]...)

  request_authorizers = { for k, a in var.authorizers : k => a if a.type == "REQUEST" }

  access_log_format = jsonencode({
    requestId               = "$context.requestId"
    requestTime             = "$context.requestTime"
    sourceIp                = "$context.identity.sourceIp"
    httpMethod              = "$context.httpMethod"
    path                    = "$context.path"
    routeKey                = "$context.routeKey"
    status                  = "$context.status"
    protocol                = "$context.protocol"
    responseLength          = "$context.responseLength"
    responseLatency         = "$context.responseLatency"
    integrationStatus       = "$context.integrationStatus"
    integrationLatency      = "$context.integrationLatency"
    integrationErrorMessage = "$context.integrationErrorMessage"
    errorMessage            = "$context.error.message"
    authorizerError         = "$context.authorizer.error"
  })
}

################################################################################
# Network (optional): one private subnet per AZ, no internet route
################################################################################

# A new private VPC (vpc_cidr mode): VPC, one /prefix+3 subnet per AZ, locked-down default security
# group, flow logs. Absent when an existing network (vpc_id + subnet_ids) is given.
module "network" {
  source = "../private_network"
  count  = local.create_vpc ? 1 : 0

  name                  = var.name
  cidr                  = var.vpc_cidr
  az_count              = var.az_count
  availability_zone_ids = var.availability_zone_ids
  subnet_newbits        = 3
  subnet_name_suffix    = "index"
  flow_logs             = var.flow_logs

  tags = var.tags
}

# The given subnets' AZs (existing-network mode), to place each endpoint only where its service is.
data "aws_subnet" "given" {
  count = local.create_vpc ? 0 : length(var.subnet_ids)

  id = var.subnet_ids[count.index]
}

# This account's AZ names and ids, to name both sides' AZ ids when they do not overlap.
data "aws_availability_zones" "this" {
  # checkov:skip=CKV_AWS_394:only read to translate AZ names to AZ ids in messages and outputs; no resource is placed by this list
  state = "available"
}

# Each same-region endpoint service as this account sees it: the AZs it serves, in this account's names.
data "aws_vpc_endpoint_service" "this" {
  for_each = { for k, s in var.services : k => s if s.service_region == null }

  service_name = each.value.endpoint_service_name
}

################################################################################
# Security groups: VPC link -> endpoint, on each service's port only
################################################################################

resource "aws_security_group" "vpc_link" {
  name        = "${var.name}-vpc-link"
  description = "API Gateway VPC link of ${var.name}: egress only to the service endpoints on their ports"
  vpc_id      = local.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-vpc-link" })
}

resource "aws_security_group" "endpoint" {
  # checkov:skip=CKV2_AWS_5:attached to aws_vpc_endpoint.this[each.key] (security_group_ids); checkov's graph links only one for_each instance of the pair, so the other services' groups look unattached
  for_each = var.services

  name        = "${var.name}-${each.key}-endpoint"
  description = "VPC endpoint of ${each.key}: ingress only from the ${var.name} VPC link on port ${each.value.port}"
  vpc_id      = local.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-${each.key}-endpoint" })
}

resource "aws_vpc_security_group_ingress_rule" "endpoint_from_vpc_link" {
  for_each = var.services

  security_group_id            = aws_security_group.endpoint[each.key].id
  referenced_security_group_id = aws_security_group.vpc_link.id
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  description                  = "From the ${var.name} VPC link"

  tags = merge(var.tags, { Name = "${var.name}-${each.key}-from-vpc-link" })
}

resource "aws_vpc_security_group_egress_rule" "vpc_link_to_endpoint" {
  for_each = var.services

  security_group_id            = aws_security_group.vpc_link.id
  referenced_security_group_id = aws_security_group.endpoint[each.key].id
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  description                  = "To the ${each.key} endpoint"

  tags = merge(var.tags, { Name = "${var.name}-vpc-link-to-${each.key}" })
}

################################################################################
# PrivateLink: one Interface endpoint per service, its ENI IPs
################################################################################

resource "aws_vpc_endpoint" "this" {
  for_each = var.services

  vpc_id              = local.vpc_id
  service_name        = each.value.endpoint_service_name
  service_region      = each.value.service_region
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = false
  subnet_ids          = [for i in local.endpoint_subnets[each.key] : local.subnet_ids[i]]
  security_group_ids  = [aws_security_group.endpoint[each.key].id]

  dynamic "subnet_configuration" {
    for_each = length(each.value.endpoint_ips) > 0 ? local.endpoint_subnets[each.key] : []

    content {
      subnet_id = local.subnet_ids[subnet_configuration.value]
      ipv4      = try(each.value.endpoint_ips[subnet_configuration.value], null)
    }
  }

  tags = merge(var.tags, { Name = "${var.name}-${each.key}" })

  lifecycle {
    precondition {
      condition     = local.network_ok
      error_message = local.network_problem
    }

    precondition {
      condition     = length(each.value.endpoint_ips) == 0 || length(each.value.endpoint_ips) == local.subnet_count
      error_message = "Service ${each.key} pins ${length(each.value.endpoint_ips)} endpoint_ips for ${local.subnet_count} subnets: give one IP per subnet, in subnet order, or none."
    }

    precondition {
      # With no subnets at all the network precondition above is the one problem to report.
      condition     = local.subnet_count == 0 || length(local.endpoint_subnets[each.key]) > 0
      error_message = local.zone_problem[each.key]
    }
  }
}

module "eni_lookup" {
  source   = "../../eni_lookup"
  for_each = var.services

  network_interface_ids = tolist(aws_vpc_endpoint.this[each.key].network_interface_ids)
  # max(): with no subnets the endpoint's network precondition already reports the problem; this keeps
  # eni_lookup's own "at least 1" validation from adding a second, less helpful error.
  expected_count = max(length(local.endpoint_subnets[each.key]), 1)
  expected_ips   = length(each.value.endpoint_ips) == local.subnet_count ? [for i in local.endpoint_subnets[each.key] : each.value.endpoint_ips[i]] : each.value.endpoint_ips
}

################################################################################
# Cloud Map: one HTTP namespace, one service per backend, one instance per endpoint ENI
################################################################################

resource "aws_service_discovery_http_namespace" "this" {
  name        = var.name
  description = "crossgate ${var.name}: PrivateLink endpoint ENIs of the services behind the HTTP API"

  tags = var.tags
}

resource "aws_service_discovery_service" "this" {
  for_each = var.services

  name         = each.key
  namespace_id = aws_service_discovery_http_namespace.this.id
  description  = "ENI IPs of the ${each.key} VPC endpoint (${each.value.endpoint_service_name}) on port ${each.value.port}"

  tags = var.tags
}

resource "aws_service_discovery_instance" "this" {
  for_each = local.instances

  instance_id = module.eni_lookup[each.value.service].network_interfaces[each.value.index].id
  service_id  = aws_service_discovery_service.this[each.value.service].id

  attributes = {
    AWS_INSTANCE_IPV4 = module.eni_lookup[each.value.service].network_interfaces[each.value.index].private_ip
    AWS_INSTANCE_PORT = tostring(var.services[each.value.service].port)
  }
}

################################################################################
# HTTP API, VPC link, integrations, routes
################################################################################

resource "aws_apigatewayv2_vpc_link" "this" {
  name               = var.name
  security_group_ids = [aws_security_group.vpc_link.id]
  subnet_ids         = local.subnet_ids

  tags = var.tags

  lifecycle {
    precondition {
      condition     = local.network_ok
      error_message = local.network_problem
    }
  }
}

resource "aws_apigatewayv2_api" "this" {
  name                         = var.name
  description                  = "crossgate central API ${var.name}: routes to private services over PrivateLink"
  protocol_type                = "HTTP"
  disable_execute_api_endpoint = var.api.disable_execute_api_endpoint

  dynamic "cors_configuration" {
    for_each = var.api.cors == null ? [] : [var.api.cors]

    content {
      allow_origins     = cors_configuration.value.allow_origins
      allow_methods     = cors_configuration.value.allow_methods
      allow_headers     = cors_configuration.value.allow_headers
      expose_headers    = cors_configuration.value.expose_headers
      allow_credentials = cors_configuration.value.allow_credentials
      max_age           = cors_configuration.value.max_age
    }
  }

  tags = var.tags
}

resource "aws_apigatewayv2_integration" "this" {
  for_each = var.services

  api_id                 = aws_apigatewayv2_api.this.id
  description            = "${each.key} via VPC link and Cloud Map"
  integration_type       = "HTTP_PROXY"
  integration_method     = "ANY"
  integration_uri        = aws_service_discovery_service.this[each.key].arn
  connection_type        = "VPC_LINK"
  connection_id          = aws_apigatewayv2_vpc_link.this.id
  payload_format_version = "1.0"

  # Without this the stage name (or a custom domain's base path) leaks into the backend path.
  request_parameters = {
    "overwrite:path" = "$request.path"
  }
}

resource "aws_apigatewayv2_authorizer" "this" {
  for_each = var.authorizers

  api_id           = aws_apigatewayv2_api.this.id
  name             = each.key
  authorizer_type  = each.value.type
  identity_sources = coalesce(each.value.identity_sources, ["$request.header.Authorization"])

  # REQUEST (Lambda) authorizer: payload 2.0 with simple { isAuthorized } responses.
  authorizer_uri                    = each.value.type == "REQUEST" ? "arn:${split(":", each.value.function_arn)[1]}:apigateway:${split(":", each.value.function_arn)[3]}:lambda:path/2015-03-31/functions/${each.value.function_arn}/invocations" : null
  authorizer_payload_format_version = each.value.type == "REQUEST" ? "2.0" : null
  enable_simple_responses           = each.value.type == "REQUEST" ? true : null
  authorizer_result_ttl_in_seconds  = each.value.type == "REQUEST" ? each.value.result_ttl_seconds : null

  dynamic "jwt_configuration" {
    for_each = each.value.type == "JWT" ? [each.value] : []

    content {
      issuer   = jwt_configuration.value.issuer
      audience = jwt_configuration.value.audiences
    }
  }
}

resource "aws_lambda_permission" "authorizer" {
  for_each = local.request_authorizers

  statement_id  = "${var.name}-${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = each.value.function_arn
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this.execution_arn}/authorizers/${aws_apigatewayv2_authorizer.this[each.key].id}"
}

resource "aws_apigatewayv2_route" "this" {
  # checkov:skip=CKV_AWS_309:every service must state its authorization (no default, validated); NONE is allowed on purpose for routes that are meant to be public (health checks, public reads) and is flagged in the plan review
  for_each = local.routes

  api_id    = aws_apigatewayv2_api.this.id
  route_key = each.key
  target    = "integrations/${aws_apigatewayv2_integration.this[each.value.service].id}"

  authorization_type   = each.value.authorization.type
  authorizer_id        = each.value.authorization.authorizer == null ? null : try(aws_apigatewayv2_authorizer.this[each.value.authorization.authorizer].id, null)
  authorization_scopes = each.value.authorization.type == "JWT" && length(each.value.authorization.scopes) > 0 ? each.value.authorization.scopes : null

  lifecycle {
    precondition {
      condition = each.value.authorization.authorizer == null || try(
        var.authorizers[each.value.authorization.authorizer].type == (each.value.authorization.type == "JWT" ? "JWT" : "REQUEST"),
        false
      )
      error_message = "Route \"${each.key}\" (service ${each.value.service}) uses ${each.value.authorization.type} authorization with authorizer ${jsonencode(each.value.authorization.authorizer)}, but var.authorizers has no ${each.value.authorization.type == "JWT" ? "JWT" : "REQUEST"} authorizer by that name (known: ${jsonencode({ for k, a in var.authorizers : k => a.type })})."
    }
  }
}

################################################################################
# Stage and access logs
################################################################################

resource "aws_cloudwatch_log_group" "access" {
  # checkov:skip=CKV_AWS_338:retention is the caller's cost choice (api.log_retention_days, default 30 days; 365+ is accepted)
  count = var.api.access_logs ? 1 : 0

  name              = "/aws/apigateway/${var.name}/access"
  retention_in_days = var.api.log_retention_days
  kms_key_id        = var.api.log_kms_key_arn

  tags = var.tags
}

resource "aws_apigatewayv2_stage" "this" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true

  dynamic "access_log_settings" {
    for_each = var.api.access_logs ? [1] : []

    content {
      destination_arn = aws_cloudwatch_log_group.access[0].arn
      format          = local.access_log_format
    }
  }

  default_route_settings {
    throttling_rate_limit  = var.api.throttling.rate_limit
    throttling_burst_limit = var.api.throttling.burst_limit
  }

  dynamic "route_settings" {
    for_each = { for route_key, route in local.routes : route_key => route.throttling if route.throttling != null }

    content {
      route_key              = route_settings.key
      throttling_rate_limit  = route_settings.value.rate_limit
      throttling_burst_limit = route_settings.value.burst_limit
    }
  }

  tags = var.tags

  # Route settings can only name routes that exist.
  depends_on = [aws_apigatewayv2_route.this]
}

################################################################################
# Custom domain (optional)
################################################################################

resource "aws_apigatewayv2_domain_name" "this" {
  count = var.custom_domain == null ? 0 : 1

  domain_name = var.custom_domain.domain_name

  domain_name_configuration {
    certificate_arn = var.custom_domain.certificate_arn
    endpoint_type   = "REGIONAL"
    security_policy = "TLS_1_2"
  }

  dynamic "mutual_tls_authentication" {
    for_each = var.custom_domain.mtls_truststore_uri == null ? [] : [var.custom_domain.mtls_truststore_uri]

    content {
      truststore_uri = mutual_tls_authentication.value
    }
  }

  tags = var.tags
}

resource "aws_apigatewayv2_api_mapping" "this" {
  count = var.custom_domain == null ? 0 : 1

  api_id      = aws_apigatewayv2_api.this.id
  domain_name = aws_apigatewayv2_domain_name.this[0].id
  stage       = aws_apigatewayv2_stage.this.id
}

resource "aws_route53_record" "this" {
  count = try(var.custom_domain.route53_zone_id, null) == null ? 0 : 1

  zone_id = var.custom_domain.route53_zone_id
  name    = aws_apigatewayv2_domain_name.this[0].domain_name
  type    = "A"

  alias {
    name                   = aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].target_domain_name
    zone_id                = aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].hosted_zone_id
    evaluate_target_health = false
  }
}
