variable "region" {
  description = "AWS region of the VPC."
  type        = string
  default     = "us-east-1"
}

variable "vpc_id" {
  description = "VPC that receives the endpoint."
  type        = string
}

variable "subnet_ids" {
  description = "One subnet per AZ for the endpoint's ENIs."
  type        = list(string)
}

variable "security_group_ids" {
  description = "Security groups attached to the endpoint's ENIs."
  type        = list(string)
}

variable "endpoint_service_name" {
  description = "PrivateLink endpoint service name, e.g. com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0."
  type        = string
}
