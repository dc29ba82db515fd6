output "api_endpoint" {
  description = "Default endpoint of the HTTP API."
  value       = module.central.api_endpoint
}

output "services" {
  description = "Per service: endpoint, ENI IPs, Cloud Map service, integration, security group and routes."
  value       = module.central.services
}
