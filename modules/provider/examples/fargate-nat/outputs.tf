output "endpoint_service_name" {
  description = "Give this to the central account's interface endpoint."
  value       = module.provider.endpoint_service_name
}

output "nlb_security_group_id" {
  description = "Security group of the NLB (its inbound rules also filter PrivateLink traffic)."
  value       = module.provider.nlb_security_group_id
}

output "vpc_id" {
  description = "Id of the created VPC (with a public subnet and the NAT gateway)."
  value       = module.provider.vpc_id
}

output "ecs_service_name" {
  description = "Name of the ECS service."
  value       = module.provider.ecs_service_name
}
