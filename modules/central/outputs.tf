output "api_id" {
  description = "Id of the HTTP API."
  value       = aws_apigatewayv2_api.this.id
}

output "api_endpoint" {
  description = "Default execute-api endpoint of the HTTP API (https://<id>.execute-api.<region>.amazonaws.com)."
  value       = aws_apigatewayv2_api.this.api_endpoint
}

output "api_execution_arn" {
  description = "Execution ARN of the HTTP API, the prefix for Lambda permissions and IAM policies (execute-api:Invoke)."
  value       = aws_apigatewayv2_api.this.execution_arn
}

output "stage_invoke_url" {
  description = "Invoke URL of the $default stage."
  value       = aws_apigatewayv2_stage.this.invoke_url
}

output "vpc_link_id" {
  description = "Id of the API Gateway VPC link."
  value       = aws_apigatewayv2_vpc_link.this.id
}

output "vpc_link_security_group_id" {
  description = "Id of the VPC link's security group."
  value       = aws_security_group.vpc_link.id
}

output "namespace_id" {
  description = "Id of the Cloud Map HTTP namespace."
  value       = aws_service_discovery_http_namespace.this.id
}

output "namespace_arn" {
  description = "ARN of the Cloud Map HTTP namespace."
  value       = aws_service_discovery_http_namespace.this.arn
}

output "vpc_id" {
  description = "Id of the VPC holding the endpoints and the VPC link (created or given)."
  value       = local.vpc_id
}

output "subnet_ids" {
  description = "Ids of the subnets holding the endpoint ENIs and the VPC link (created or given), in order."
  value       = local.subnet_ids
}

output "availability_zone_ids" {
  description = "The AZ ids of subnet_ids, in order (the same physical AZs in every account)."
  value       = local.subnet_zone_ids
}

output "services" {
  description = "Per service name: endpoint_id, endpoint_subnet_ids (the subnets in AZs its endpoint service serves), service_availability_zone_ids (the AZ ids it serves; empty when cross-region), endpoint_eni_ips, cloudmap_service_arn, integration_id, endpoint_security_group_id and route_ids (route key => route id)."
  value = {
    for name, service in var.services : name => {
      endpoint_id                   = aws_vpc_endpoint.this[name].id
      endpoint_subnet_ids           = [for i in local.endpoint_subnets[name] : local.subnet_ids[i]]
      service_availability_zone_ids = local.service_zone_ids[name]
      endpoint_eni_ips              = module.eni_lookup[name].ips
      cloudmap_service_arn          = aws_service_discovery_service.this[name].arn
      integration_id                = aws_apigatewayv2_integration.this[name].id
      endpoint_security_group_id    = aws_security_group.endpoint[name].id
      route_ids                     = { for route_key in service.routes : route_key => aws_apigatewayv2_route.this[route_key].id }
    }
  }
}

output "authorizer_ids" {
  description = "Authorizer ids by authorizer name."
  value       = { for name, authorizer in aws_apigatewayv2_authorizer.this : name => authorizer.id }
}

output "access_log_group_name" {
  description = "CloudWatch log group of the access logs, or null when access logs are off."
  value       = try(aws_cloudwatch_log_group.access[0].name, null)
}

output "custom_domain_target" {
  description = "When custom_domain is set: the regional target domain name and hosted zone id to alias the custom domain to; otherwise null."
  value = try({
    domain_name    = aws_apigatewayv2_domain_name.this[0].domain_name
    target_domain  = aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].target_domain_name
    hosted_zone_id = aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].hosted_zone_id
  }, null)
}
