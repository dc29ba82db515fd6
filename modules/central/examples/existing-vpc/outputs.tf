output "api_id" {
  description = "Id of the HTTP API."
  value       = module.central.api_id
}

output "custom_domain_target" {
  description = "Regional target of the custom domain (the alias record points at it)."
  value       = module.central.custom_domain_target
}

output "services" {
  description = "Per service: endpoint, ENI IPs, Cloud Map service, integration, security group and routes."
  value       = module.central.services
}

output "authorizer_ids" {
  description = "Authorizer ids by name."
  value       = module.central.authorizer_ids
}

output "access_log_group_name" {
  description = "CloudWatch log group of the stage's access logs."
  value       = module.central.access_log_group_name
}
