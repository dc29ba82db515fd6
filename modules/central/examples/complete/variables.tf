variable "region" {
  description = "Region of the central account's API."
  type        = string
  default     = "us-east-1"
}

variable "employees_endpoint_service_name" {
  description = "Endpoint service name of the employees service (same region), from the provider account."
  type        = string
  default     = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
}

variable "payroll_endpoint_service_name" {
  description = "Endpoint service name of the payroll service in payroll_region (cross-region PrivateLink)."
  type        = string
  default     = "com.amazonaws.vpce.eu-west-1.vpce-svc-0fedcba9876543210"
}

variable "payroll_region" {
  description = "Region of the payroll endpoint service."
  type        = string
  default     = "eu-west-1"
}

variable "jwt_issuer" {
  description = "Issuer URL of the JWT authorizer (for example a Cognito user pool)."
  type        = string
  default     = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_example"
}

variable "jwt_audience" {
  description = "Audience (client id) accepted by the JWT authorizer."
  type        = string
  default     = "example-client-id"
}
