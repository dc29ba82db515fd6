variable "region" {
  description = "AWS region of the VPC (needs at least three AZs that need no opt-in)."
  type        = string
  default     = "us-east-1"
}
