variable "region" {
  description = "Region of the central account's API."
  type        = string
  default     = "us-east-1"
}

variable "vpc_id" {
  description = "Existing VPC of the interface endpoints and the VPC link."
  type        = string
  default     = "vpc-0123456789abcdef0"
}

variable "subnet_ids" {
  description = "Existing private subnets, at most one per AZ: each endpoint gets one ENI in each."
  type        = list(string)
  default     = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
}

variable "ledger_endpoint_service_name" {
  description = "Endpoint service name of the ledger service (same region), from the provider account."
  type        = string
  default     = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
}

variable "authorizer_function_arn" {
  description = "Lambda function of the REQUEST authorizer (payload 2.0, simple responses); the module lets API Gateway invoke it."
  type        = string
  default     = "arn:aws:lambda:us-east-1:111111111111:function:crossgate-authorizer"
}

variable "domain_name" {
  description = "Custom domain of the API."
  type        = string
  default     = "api.example.com"
}

variable "certificate_arn" {
  description = "ACM certificate for domain_name, issued in the API's region."
  type        = string
  default     = "arn:aws:acm:us-east-1:111111111111:certificate/01234567-89ab-cdef-0123-456789abcdef"
}

variable "route53_zone_id" {
  description = "Route 53 hosted zone receiving the alias A record of domain_name."
  type        = string
  default     = "Z0123456789ABCDEFGHIJ"
}
