"""AWS quotas worth failing on before anything is planned (API Gateway and VPC defaults)."""

MAX_ROUTES_PER_API = 300
MAX_INTEGRATIONS_PER_API = 300
MAX_VPC_LINKS_PER_REGION = 10
MAX_AUTHORIZERS_PER_API = 10

# "VPCs per Region": default 5, adjustable; the default VPC counts as one of them
# (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html). An env file whose
# accounts have a raised quota says so with `quotas: {vpcs_per_region: N}`.
DEFAULT_VPCS_PER_REGION = 5
