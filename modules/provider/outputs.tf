output "endpoint_service_name" {
  description = "Service name consumers use for their interface endpoint (com.amazonaws.vpce.<region>.vpce-svc-...)."
  value       = aws_vpc_endpoint_service.this.service_name
}

output "endpoint_service_id" {
  description = "ID of the VPC endpoint service."
  value       = aws_vpc_endpoint_service.this.id
}

output "endpoint_service_arn" {
  description = "ARN of the VPC endpoint service."
  value       = aws_vpc_endpoint_service.this.arn
}

output "endpoint_service_availability_zones" {
  description = "Availability zones the endpoint service is available in (consumer endpoints must use matching AZs)."
  value       = aws_vpc_endpoint_service.this.availability_zones
}

output "endpoint_service_availability_zone_ids" {
  description = "AZ ids the endpoint service is available in: the same physical AZs in every account, unlike AZ names. A consumer's endpoint can only use subnets in these AZ ids."
  value       = [for name in aws_vpc_endpoint_service.this.availability_zones : lookup(local.zone_id_by_name, name, name)]
}

output "endpoint_service_allowed_principals" {
  description = "IAM principals allowed to connect to the endpoint service."
  value       = aws_vpc_endpoint_service.this.allowed_principals
}

output "nlb_arn" {
  description = "ARN of the NLB behind the endpoint service (created or brought)."
  value       = local.nlb_arn
}

output "nlb_dns_name" {
  description = "DNS name of the created internal NLB (null when BYO NLB)."
  value       = try(aws_lb.this[0].dns_name, null)
}

output "nlb_security_group_id" {
  description = "Security group of the created NLB (null when BYO NLB)."
  value       = try(aws_security_group.nlb[0].id, null)
}

output "port" {
  description = "TCP port consumers connect to (the NLB listener port)."
  value       = var.port
}

output "vpc_id" {
  description = "VPC of the Fargate workload (null when BYO NLB)."
  value       = local.vpc_id
}

output "subnet_ids" {
  description = "Private subnets of the NLB and tasks (null when BYO NLB)."
  value       = local.subnet_ids
}

output "ecs_cluster_name" {
  description = "Name of the ECS cluster (null when BYO NLB)."
  value       = try(aws_ecs_cluster.this[0].name, null)
}

output "ecs_service_name" {
  description = "Name of the ECS service (null when BYO NLB)."
  value       = try(aws_ecs_service.this[0].name, null)
}

output "tasks_security_group_id" {
  description = "Security group of the Fargate tasks (null when BYO NLB)."
  value       = try(aws_security_group.tasks[0].id, null)
}

output "target_group_arn" {
  description = "ARN of the IP target group of the Fargate tasks (null when BYO NLB)."
  value       = try(aws_lb_target_group.this[0].arn, null)
}

output "log_group_name" {
  description = "CloudWatch log group of the Fargate tasks (null when BYO NLB)."
  value       = try(aws_cloudwatch_log_group.this[0].name, null)
}

output "efs_file_system_id" {
  description = "ID of the shared EFS file system mounted by every task (null unless fargate.shared_storage is set)."
  value       = try(aws_efs_file_system.shared[0].id, null)
}

output "efs_access_point_id" {
  description = "ID of the EFS access point the tasks mount through (null unless fargate.shared_storage is set)."
  value       = try(aws_efs_access_point.shared[0].id, null)
}

output "task_role_arn" {
  description = "ARN of the tasks' IAM role: the module's own with fargate.shared_storage (it mounts the shared file system), else fargate.task_role_arn (null when neither is set)."
  value       = try(aws_iam_role.task[0].arn, var.fargate.task_role_arn, null)
}
