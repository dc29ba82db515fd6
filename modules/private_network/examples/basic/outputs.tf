output "vpc_id" {
  description = "Id of the VPC."
  value       = module.network.vpc_id
}

output "subnet_ids" {
  description = "Private subnet ids, one per AZ."
  value       = module.network.subnet_ids
}

output "availability_zones" {
  description = "AZs of the subnets, in subnet order."
  value       = module.network.availability_zones
}

output "flow_log_group_name" {
  description = "CloudWatch log group of the VPC flow logs."
  value       = module.network.flow_logs.log_group_name
}
