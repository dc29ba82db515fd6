output "endpoint_service_name" {
  description = "Give this to the central account's interface endpoint."
  value       = module.provider.endpoint_service_name
}

output "endpoint_service_id" {
  description = "ID of the endpoint service (accept connection requests against it)."
  value       = module.provider.endpoint_service_id
}
