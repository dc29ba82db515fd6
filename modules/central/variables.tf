################################################################################
# General
################################################################################

variable "name" {
  description = "Prefix for every name this module creates (API, VPC link, namespace, security groups, log group)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", var.name))
    error_message = "The name must be 2-32 characters of lowercase letters, digits and hyphens, start with a letter and end with a letter or digit; got \"${var.name}\"."
  }
}

variable "tags" {
  description = "Tags applied to every taggable resource."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = length(var.tags) <= 40
    error_message = "At most 40 tags can be given (AWS allows 50 and some resources add their own)."
  }
}

################################################################################
# Network: either create a VPC (vpc_cidr) or use an existing one (vpc_id + subnet_ids)
################################################################################

variable "vpc_cidr" {
  description = "CIDR of a new VPC with one private subnet per AZ. Leave null to use vpc_id + subnet_ids instead."
  type        = string
  default     = null

  validation {
    condition     = var.vpc_cidr == null || (can(cidrnetmask(var.vpc_cidr)) && try(tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 24, false))
    error_message = "The vpc_cidr must be an IPv4 CIDR with a prefix from /16 to /24 (each AZ gets a /prefix+3 subnet), such as 10.10.0.0/16."
  }
}

variable "az_count" {
  description = "Number of AZs (and private subnets) of the created VPC; ignored with an existing network."
  type        = number
  default     = 2
  nullable    = false

  validation {
    condition     = var.az_count >= 1 && var.az_count <= 6 && floor(var.az_count) == var.az_count
    error_message = "The az_count must be a whole number from 1 to 6; got ${var.az_count}."
  }
}

variable "availability_zone_ids" {
  description = "AZ ids (such as use1-az4) of the created VPC's subnets, one each, in order; replaces az_count. AZ names differ between accounts, AZ ids do not: name the AZ ids your services' NLBs cover (each endpoint only uses the subnets in AZs its service serves). Empty (default): the first az_count AZ names. Ignored with an existing network."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for id in var.availability_zone_ids : can(regex("^[a-z]{2,6}[0-9]+-az[0-9]+$", id))]) && length(distinct(var.availability_zone_ids)) == length(var.availability_zone_ids) && length(var.availability_zone_ids) <= 6
    error_message = "The availability_zone_ids must be at most 6 distinct AZ ids such as use1-az4; got ${jsonencode(var.availability_zone_ids)}."
  }
}

variable "vpc_id" {
  description = "Existing VPC for the endpoints and the VPC link. Set together with subnet_ids, and leave vpc_cidr null."
  type        = string
  default     = null

  validation {
    condition     = var.vpc_id == null || can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))
    error_message = "The vpc_id must look like vpc-0123456789abcdef0."
  }
}

variable "subnet_ids" {
  description = "Existing private subnets, at most one per AZ; each endpoint gets one ENI in each. Order matters for pinned endpoint_ips."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for id in var.subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", id))])
    error_message = "Every subnet id must look like subnet-0123456789abcdef0; got ${jsonencode(var.subnet_ids)}."
  }

  validation {
    condition     = length(distinct(var.subnet_ids)) == length(var.subnet_ids) && length(var.subnet_ids) <= 16
    error_message = "The subnet_ids must be distinct and at most 16; got ${jsonencode(var.subnet_ids)}."
  }
}

variable "flow_logs" {
  description = "VPC flow logs of the created VPC (vpc_cidr mode) to a CloudWatch log group: on by default. traffic_type ALL, ACCEPT or REJECT; retention_days a CloudWatch retention; kms_key_arn optionally encrypts the log group. Cost: CloudWatch Logs ingestion (about $0.50/GB) and storage; set enabled = false to opt out. Ignored with an existing VPC (its flow logs are its owner's)."
  type = object({
    enabled        = optional(bool, true)
    traffic_type   = optional(string, "ALL")
    retention_days = optional(number, 30)
    kms_key_arn    = optional(string)
  })
  default  = {}
  nullable = false

  validation {
    condition     = contains(["ALL", "ACCEPT", "REJECT"], var.flow_logs.traffic_type)
    error_message = "The flow_logs.traffic_type must be ALL, ACCEPT or REJECT; got ${jsonencode(var.flow_logs.traffic_type)}."
  }

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_logs.retention_days)
    error_message = "The flow_logs.retention_days must be a CloudWatch Logs retention: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }

  validation {
    condition     = var.flow_logs.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.flow_logs.kms_key_arn))
    error_message = "The flow_logs.kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

################################################################################
# Services behind the API
################################################################################

variable "services" {
  description = <<-EOT
    Backend services keyed by a stable, DNS-safe name. Each gets an Interface VPC endpoint to
    `endpoint_service_name`, a Cloud Map service holding the endpoint ENI IPs on `port`, one integration
    and one route per route key. `authorization` is required (no silently open API): type NONE, JWT,
    AWS_IAM or CUSTOM; JWT and CUSTOM name a key of `authorizers` (JWT and REQUEST type respectively).
    `route_overrides`, keyed by one of this service's route keys, replace that route's authorization
    and/or throttling. `endpoint_ips` pins one IPv4 per subnet, in subnet order. `service_region` is the
    endpoint service's region for cross-region PrivateLink (null = same region).
  EOT
  type = map(object({
    endpoint_service_name = string
    port                  = number
    routes                = list(string)
    service_region        = optional(string)
    endpoint_ips          = optional(list(string), [])
    authorization = object({
      type       = string
      authorizer = optional(string)
      scopes     = optional(list(string), [])
    })
    route_overrides = optional(map(object({
      authorization = optional(object({
        type       = string
        authorizer = optional(string)
        scopes     = optional(list(string), [])
      }))
      throttling = optional(object({
        rate_limit  = number
        burst_limit = number
      }))
    })), {})
  }))
  nullable = false

  validation {
    condition     = length(var.services) >= 1 && length(var.services) <= 300
    error_message = "Give from 1 to 300 services: each needs one integration and an HTTP API allows at most 300 (hard quota); got ${length(var.services)}."
  }

  validation {
    condition     = alltrue([for name in keys(var.services) : can(regex("^[a-z](?:[a-z0-9-]{0,30}[a-z0-9])?$", name))])
    error_message = "Service names must be DNS-safe: 1-32 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen. Bad: ${jsonencode([for name in keys(var.services) : name if !can(regex("^[a-z](?:[a-z0-9-]{0,30}[a-z0-9])?$", name))])}."
  }

  validation {
    condition     = alltrue([for s in values(var.services) : s.port >= 1 && s.port <= 65535 && floor(s.port) == s.port])
    error_message = "Every service port must be a whole number from 1 to 65535. Bad: ${jsonencode({ for k, s in var.services : k => s.port if !(s.port >= 1 && s.port <= 65535 && floor(s.port) == s.port) })}."
  }

  validation {
    condition     = alltrue([for s in values(var.services) : can(regex("^com\\.amazonaws\\.vpce\\.[a-z0-9-]+\\.vpce-svc-[0-9a-f]{8,17}$", s.endpoint_service_name))])
    error_message = "Every endpoint_service_name must be a PrivateLink endpoint service name such as com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0. Bad: ${jsonencode({ for k, s in var.services : k => s.endpoint_service_name if !can(regex("^com\\.amazonaws\\.vpce\\.[a-z0-9-]+\\.vpce-svc-[0-9a-f]{8,17}$", s.endpoint_service_name)) })}."
  }

  validation {
    condition     = alltrue([for s in values(var.services) : s.service_region == null || can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", s.service_region))])
    error_message = "Every service_region must be null (same region) or an AWS region such as eu-west-1."
  }

  validation {
    condition     = alltrue([for s in values(var.services) : length(s.routes) >= 1])
    error_message = "Every service needs at least one route. Without routes: ${jsonencode([for k, s in var.services : k if length(s.routes) == 0])}."
  }

  validation {
    condition = alltrue(flatten([for s in values(var.services) : [
      for r in s.routes : can(regex("^(ANY|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /((([A-Za-z0-9._~-]+|\\{[A-Za-z0-9_]+\\})/)*([A-Za-z0-9._~-]+|\\{[A-Za-z0-9_]+\\}|\\{[A-Za-z0-9_]+\\+\\}))?$", r))
    ]]))
    error_message = "Route keys must be \"METHOD /path\" with METHOD in ANY/GET/POST/PUT/PATCH/DELETE/HEAD/OPTIONS and path segments, {name} parameters and optionally a final {name+}. Malformed: ${jsonencode(flatten([for s in values(var.services) : [for r in s.routes : r if !can(regex("^(ANY|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /((([A-Za-z0-9._~-]+|\\{[A-Za-z0-9_]+\\})/)*([A-Za-z0-9._~-]+|\\{[A-Za-z0-9_]+\\}|\\{[A-Za-z0-9_]+\\+\\}))?$", r))]]))}."
  }

  validation {
    condition     = length(flatten([for s in values(var.services) : s.routes])) == length(distinct(flatten([for s in values(var.services) : s.routes])))
    error_message = "Route keys must be unique across all services. Duplicated: ${jsonencode({ for r in distinct(flatten([for s in values(var.services) : s.routes])) : r => [for k, s in var.services : k if contains(s.routes, r)] if length(flatten([for s in values(var.services) : [for x in s.routes : x if x == r]])) > 1 })} (route key => services using it)."
  }

  validation {
    condition     = length(flatten([for s in values(var.services) : s.routes])) <= 300
    error_message = "An HTTP API allows at most 300 routes; the services define ${length(flatten([for s in values(var.services) : s.routes]))}."
  }

  validation {
    condition = alltrue(flatten([for s in values(var.services) : [
      for ip in s.endpoint_ips : can(regex("^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$", ip))
    ]])) && alltrue([for s in values(var.services) : length(distinct(s.endpoint_ips)) == length(s.endpoint_ips)])
    error_message = "Every endpoint_ips entry must be a distinct dotted IPv4 address (one per subnet, in subnet order)."
  }

  validation {
    condition = alltrue(flatten([for s in values(var.services) : [
      for a in concat([s.authorization], [for o in values(s.route_overrides) : o.authorization if o.authorization != null]) :
      contains(["NONE", "JWT", "AWS_IAM", "CUSTOM"], a.type)
    ]]))
    error_message = "Every authorization.type must be NONE, JWT, AWS_IAM or CUSTOM (route overrides included)."
  }

  validation {
    condition = alltrue(flatten([for s in values(var.services) : [
      for a in concat([s.authorization], [for o in values(s.route_overrides) : o.authorization if o.authorization != null]) :
      (contains(["JWT", "CUSTOM"], a.type) ? a.authorizer != null : a.authorizer == null) && (a.type == "JWT" || length(a.scopes) == 0)
    ]]))
    error_message = "Authorization JWT and CUSTOM must name an authorizer (a key of var.authorizers); NONE and AWS_IAM must not; scopes are only valid with JWT. Offending services: ${jsonencode([for k, s in var.services : k if !alltrue([for a in concat([s.authorization], [for o in values(s.route_overrides) : o.authorization if o.authorization != null]) : (contains(["JWT", "CUSTOM"], a.type) ? a.authorizer != null : a.authorizer == null) && (a.type == "JWT" || length(a.scopes) == 0)])])}."
  }

  validation {
    condition     = alltrue([for s in values(var.services) : alltrue([for r in keys(s.route_overrides) : contains(s.routes, r)])])
    error_message = "Every route_overrides key must be one of that service's routes. Unknown: ${jsonencode({ for k, s in var.services : k => [for r in keys(s.route_overrides) : r if !contains(s.routes, r)] if length([for r in keys(s.route_overrides) : r if !contains(s.routes, r)]) > 0 })}."
  }

  validation {
    condition = alltrue(flatten([for s in values(var.services) : [
      for o in values(s.route_overrides) : o.throttling == null || try(o.throttling.rate_limit > 0 && o.throttling.rate_limit <= 10000 && o.throttling.burst_limit >= 0 && o.throttling.burst_limit <= 5000 && floor(o.throttling.burst_limit) == o.throttling.burst_limit, false)
    ]]))
    error_message = "Route throttling needs rate_limit in (0, 10000] requests/s and a whole burst_limit in [0, 5000]."
  }
}

variable "authorizers" {
  description = <<-EOT
    API authorizers keyed by name (routes refer to these names). JWT: `issuer` (https URL) and `audiences`.
    REQUEST: a Lambda authorizer (`function_arn`, payload 2.0, simple responses, `result_ttl_seconds`)
    that this module allows API Gateway to invoke. `identity_sources` defaults to the Authorization header.
  EOT
  type = map(object({
    type               = string
    issuer             = optional(string)
    audiences          = optional(list(string))
    identity_sources   = optional(list(string))
    function_arn       = optional(string)
    result_ttl_seconds = optional(number, 300)
  }))
  default  = {}
  nullable = false

  validation {
    condition     = length(var.authorizers) <= 10
    error_message = "An HTTP API allows at most 10 authorizers; got ${length(var.authorizers)}."
  }

  validation {
    condition     = alltrue([for k in keys(var.authorizers) : can(regex("^[A-Za-z0-9_-]{1,64}$", k))])
    error_message = "Authorizer names must be 1-64 letters, digits, hyphens or underscores."
  }

  validation {
    condition     = alltrue([for a in values(var.authorizers) : contains(["JWT", "REQUEST"], a.type)])
    error_message = "Every authorizer type must be JWT or REQUEST (a Lambda authorizer)."
  }

  validation {
    condition = alltrue([for a in values(var.authorizers) : a.type != "JWT" || (
      can(regex("^https://\\S+$", a.issuer)) && length(coalesce(a.audiences, [])) > 0 && a.function_arn == null
    )])
    error_message = "A JWT authorizer needs an https issuer and at least one audience, and no function_arn."
  }

  validation {
    condition = alltrue([for a in values(var.authorizers) : a.type != "REQUEST" || (
      can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$", a.function_arn)) && a.issuer == null && a.audiences == null
    )])
    error_message = "A REQUEST authorizer needs function_arn = arn:aws:lambda:<region>:<account>:function:<name>[:alias], and no issuer or audiences."
  }

  validation {
    condition     = alltrue([for a in values(var.authorizers) : a.result_ttl_seconds >= 0 && a.result_ttl_seconds <= 3600 && floor(a.result_ttl_seconds) == a.result_ttl_seconds])
    error_message = "Every result_ttl_seconds must be a whole number from 0 to 3600."
  }

  validation {
    condition = alltrue([for a in values(var.authorizers) : alltrue([
      for s in coalesce(a.identity_sources, ["$request.header.Authorization"]) : can(regex("^\\$(request\\.(header|querystring)\\.[A-Za-z0-9._-]+|context\\.[A-Za-z0-9.]+|stageVariables\\.[A-Za-z0-9_]+)$", s))
    ])])
    error_message = "Every identity source must look like $request.header.Name, $request.querystring.name, $context.x or $stageVariables.x."
  }
}

################################################################################
# API settings
################################################################################

variable "api" {
  description = "HTTP API settings: default throttling (requests/s and burst), access logs to CloudWatch (on by default; retention, optional KMS key), whether to disable the execute-api endpoint, and optional CORS."
  type = object({
    throttling = optional(object({
      rate_limit  = number
      burst_limit = number
    }), { rate_limit = 100, burst_limit = 200 })
    access_logs                  = optional(bool, true)
    log_retention_days           = optional(number, 30)
    log_kms_key_arn              = optional(string)
    disable_execute_api_endpoint = optional(bool, false)
    cors = optional(object({
      allow_origins     = list(string)
      allow_methods     = optional(list(string), ["*"])
      allow_headers     = optional(list(string), [])
      expose_headers    = optional(list(string), [])
      allow_credentials = optional(bool, false)
      max_age           = optional(number, 0)
    }))
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.api.throttling.rate_limit > 0 && var.api.throttling.rate_limit <= 10000 && var.api.throttling.burst_limit >= 0 && var.api.throttling.burst_limit <= 5000 && floor(var.api.throttling.burst_limit) == var.api.throttling.burst_limit
    error_message = "The api.throttling needs rate_limit in (0, 10000] requests/s and a whole burst_limit in [0, 5000]."
  }

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.api.log_retention_days)
    error_message = "The api.log_retention_days must be a CloudWatch Logs retention: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }

  validation {
    condition     = var.api.log_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.api.log_kms_key_arn))
    error_message = "The api.log_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }

  validation {
    condition     = var.api.cors == null || try(length(var.api.cors.allow_origins) > 0 && var.api.cors.max_age >= 0 && var.api.cors.max_age <= 86400, false)
    error_message = "The api.cors needs at least one allow_origins entry and max_age from 0 to 86400 seconds."
  }
}

variable "custom_domain" {
  description = "Optional custom domain for the API: a regional domain name with an ACM certificate (same region), mapped to the $default stage; with route53_zone_id also an alias A record; with mtls_truststore_uri (s3://…) mutual TLS."
  type = object({
    domain_name         = string
    certificate_arn     = string
    route53_zone_id     = optional(string)
    mtls_truststore_uri = optional(string)
  })
  default = null

  validation {
    condition     = var.custom_domain == null || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.custom_domain.domain_name))
    error_message = "The custom_domain.domain_name must be a lowercase DNS name such as api.example.com."
  }

  validation {
    condition     = var.custom_domain == null || can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[A-Za-z0-9-]+$", var.custom_domain.certificate_arn))
    error_message = "The custom_domain.certificate_arn must be an ACM certificate ARN."
  }

  validation {
    condition     = var.custom_domain == null || try(var.custom_domain.mtls_truststore_uri == null || can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/[^\\s]*[^/\\s]$", var.custom_domain.mtls_truststore_uri)), false)
    error_message = "The custom_domain.mtls_truststore_uri must be the S3 URI of the truststore object, s3://<bucket>/<key> (such as s3://acme-truststores/api/truststore.pem)."
  }

  validation {
    condition     = var.custom_domain == null || try(var.custom_domain.route53_zone_id == null || can(regex("^Z[A-Z0-9]{1,31}$", var.custom_domain.route53_zone_id)), false)
    error_message = "The custom_domain.route53_zone_id must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ."
  }
}
