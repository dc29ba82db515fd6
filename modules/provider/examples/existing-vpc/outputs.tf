output "endpoint_service_name" {
  description = "Give this to the central account's interface endpoint."
  value       = module.provider.endpoint_service_name
}

output "nlb_arn" {
  description = "ARN of the internal NLB created in the given subnets."
  value       = module.provider.nlb_arn
}

output "tasks_security_group_id" {
  description = "Security group of the Fargate tasks (in the given VPC)."
  value       = module.provider.tasks_security_group_id
}
