output "endpoint_ips" {
  description = "Private IPs of the endpoint's ENIs."
  value       = module.eni_lookup.ips
}

output "endpoint_network_interfaces" {
  description = "Per-ENI id, IP, subnet and AZ."
  value       = module.eni_lookup.network_interfaces
}
