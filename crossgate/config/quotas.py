"""AWS quotas worth failing on before anything is planned (API Gateway and VPC defaults)."""

MAX_ROUTES_PER_API = 300
MAX_INTEGRATIONS_PER_API = 300
MAX_VPC_LINKS_PER_REGION = 10
MAX_AUTHORIZERS_PER_API = 10
