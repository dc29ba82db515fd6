output "vpc_id" {
  description = "Id of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "CIDR block of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "subnet_ids" {
  description = "Ids of the private subnets, one per AZ, in AZ order (subnet i is in availability_zones[i])."
  value       = aws_subnet.this[*].id
}

output "subnet_cidr_blocks" {
  description = "CIDR blocks of the private subnets, in the order of subnet_ids."
  value       = aws_subnet.this[*].cidr_block
}

output "availability_zones" {
  description = "The AZs of the private subnets, in the order of subnet_ids."
  value       = local.availability_zones
}

output "availability_zone_ids" {
  description = "The AZ ids of the private subnets, in the order of subnet_ids (the same physical AZs in every account)."
  value       = local.availability_zone_ids
}

output "default_security_group_id" {
  description = "Id of the VPC's default security group (every rule removed)."
  value       = aws_default_security_group.this.id
}

output "flow_logs" {
  description = "The VPC flow log when flow_logs.enabled: id, vpc_id, traffic_type, log_group_name, log_group_arn, retention_in_days, kms_key_id and role_arn (the IAM role it delivers with); null when flow logs are off."
  value = var.flow_logs.enabled ? {
    id                = aws_flow_log.this[0].id
    vpc_id            = aws_flow_log.this[0].vpc_id
    traffic_type      = aws_flow_log.this[0].traffic_type
    log_group_name    = aws_cloudwatch_log_group.this[0].name
    log_group_arn     = aws_cloudwatch_log_group.this[0].arn
    retention_in_days = aws_cloudwatch_log_group.this[0].retention_in_days
    kms_key_id        = aws_cloudwatch_log_group.this[0].kms_key_id
    role_arn          = aws_iam_role.this[0].arn
  } : null
}
