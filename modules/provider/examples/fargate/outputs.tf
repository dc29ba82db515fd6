output "endpoint_service_name" {
  description = "Give this to the central account's interface endpoint."
  value       = module.provider.endpoint_service_name
}

output "nlb_arn" {
  description = "ARN of the internal NLB."
  value       = module.provider.nlb_arn
}

output "ecs_service_name" {
  description = "Name of the ECS service."
  value       = module.provider.ecs_service_name
}

output "efs_file_system_id" {
  description = "Shared EFS file system holding the employee database."
  value       = module.provider.efs_file_system_id
}
