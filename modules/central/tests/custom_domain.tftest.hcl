# Custom domain: regional domain name with an ACM certificate and TLS 1.2, the API mapping to the
# $default stage, the optional Route 53 alias record and mTLS truststore, the execute-api endpoint
# switch, and bad inputs rejected. Mocked aws provider, no credentials.

# Shared defaults: tests/mocks/aws.tfmock.hcl.
mock_provider "aws" {
  source = "./tests/mocks"
}

override_resource {
  target = aws_apigatewayv2_stage.this
  values = { id = "$default" }
}

# What API Gateway answers for a regional domain name: the target to alias to and its zone.
override_resource {
  target = aws_apigatewayv2_domain_name.this[0]
  values = {
    id = "api.example.com"
    domain_name_configuration = {
      target_domain_name = "d-abc123.execute-api.us-east-1.amazonaws.com"
      hosted_zone_id     = "Z1UJRXOUMOOFQ8"
    }
  }
}

variables {
  name       = "central"
  vpc_id     = "vpc-0123456789abcdef0"
  subnet_ids = ["subnet-0000000000000000a", "subnet-0000000000000000b"]

  services = {
    users = {
      endpoint_service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
      port                  = 8080
      routes                = ["ANY /users"]
      authorization         = { type = "AWS_IAM" }
    }
  }
}

run "no_custom_domain_by_default" {
  command = plan

  assert {
    condition     = length(aws_apigatewayv2_domain_name.this) == 0 && length(aws_apigatewayv2_api_mapping.this) == 0 && length(aws_route53_record.this) == 0
    error_message = "Without custom_domain there must be no domain name, API mapping or DNS record."
  }

  assert {
    condition     = aws_apigatewayv2_api.this.disable_execute_api_endpoint == false
    error_message = "The execute-api endpoint must stay enabled by default."
  }

  assert {
    condition     = output.custom_domain_target == null
    error_message = "custom_domain_target must be null without a custom domain."
  }
}

run "domain_certificate_and_api_mapping" {
  variables {
    custom_domain = {
      domain_name     = "api.example.com"
      certificate_arn = "arn:aws:acm:us-east-1:111111111111:certificate/1234abcd-12ab-34cd-56ef-1234567890ab"
    }
  }

  assert {
    condition     = length(aws_apigatewayv2_domain_name.this) == 1 && aws_apigatewayv2_domain_name.this[0].domain_name == "api.example.com"
    error_message = "The custom domain name must be created with the given name."
  }

  assert {
    condition = (
      aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].certificate_arn == "arn:aws:acm:us-east-1:111111111111:certificate/1234abcd-12ab-34cd-56ef-1234567890ab" &&
      aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].endpoint_type == "REGIONAL" &&
      aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].security_policy == "TLS_1_2"
    )
    error_message = "The domain must be REGIONAL, use the given ACM certificate and TLS 1.2."
  }

  assert {
    condition     = length(aws_apigatewayv2_domain_name.this[0].mutual_tls_authentication) == 0
    error_message = "Without mtls_truststore_uri there must be no mutual TLS."
  }

  assert {
    condition = (
      length(aws_apigatewayv2_api_mapping.this) == 1 &&
      aws_apigatewayv2_api_mapping.this[0].api_id == "abc123" &&
      aws_apigatewayv2_api_mapping.this[0].domain_name == "api.example.com" &&
      aws_apigatewayv2_api_mapping.this[0].stage == "$default"
    )
    error_message = "The API mapping must map the domain to this API's $default stage."
  }

  assert {
    condition     = length(aws_route53_record.this) == 0
    error_message = "Without route53_zone_id no DNS record may be created."
  }

  assert {
    condition = output.custom_domain_target == {
      domain_name    = "api.example.com"
      target_domain  = "d-abc123.execute-api.us-east-1.amazonaws.com"
      hosted_zone_id = "Z1UJRXOUMOOFQ8"
    }
    error_message = "custom_domain_target must give the domain, its regional target and hosted zone (for a DNS record made elsewhere)."
  }
}

run "route53_alias_record_when_zone_given" {
  variables {
    custom_domain = {
      domain_name     = "api.example.com"
      certificate_arn = "arn:aws:acm:us-east-1:111111111111:certificate/1234abcd-12ab-34cd-56ef-1234567890ab"
      route53_zone_id = "Z0123456789ABCDEFGHIJ"
    }
  }

  assert {
    condition = (
      length(aws_route53_record.this) == 1 &&
      aws_route53_record.this[0].zone_id == "Z0123456789ABCDEFGHIJ" &&
      aws_route53_record.this[0].name == "api.example.com" &&
      aws_route53_record.this[0].type == "A"
    )
    error_message = "With route53_zone_id an A record for the domain must be created in that zone."
  }

  assert {
    condition = (
      length(aws_route53_record.this[0].alias) == 1 &&
      one(aws_route53_record.this[0].alias).name == "d-abc123.execute-api.us-east-1.amazonaws.com" &&
      one(aws_route53_record.this[0].alias).zone_id == "Z1UJRXOUMOOFQ8" &&
      one(aws_route53_record.this[0].alias).evaluate_target_health == false
    )
    error_message = "The record must alias the domain's regional target name in API Gateway's hosted zone."
  }
}

run "mtls_truststore_when_given" {
  command = plan

  variables {
    custom_domain = {
      domain_name         = "api.example.com"
      certificate_arn     = "arn:aws:acm:us-east-1:111111111111:certificate/1234abcd-12ab-34cd-56ef-1234567890ab"
      mtls_truststore_uri = "s3://acme-truststores/api/truststore.pem"
    }
  }

  assert {
    condition = (
      length(aws_apigatewayv2_domain_name.this[0].mutual_tls_authentication) == 1 &&
      aws_apigatewayv2_domain_name.this[0].mutual_tls_authentication[0].truststore_uri == "s3://acme-truststores/api/truststore.pem"
    )
    error_message = "mtls_truststore_uri must turn on mutual TLS with that truststore."
  }
}

run "disable_execute_api_endpoint_passed_through" {
  command = plan

  variables {
    api = { disable_execute_api_endpoint = true }
    custom_domain = {
      domain_name     = "api.example.com"
      certificate_arn = "arn:aws:acm:us-east-1:111111111111:certificate/1234abcd-12ab-34cd-56ef-1234567890ab"
    }
  }

  assert {
    condition     = aws_apigatewayv2_api.this.disable_execute_api_endpoint == true
    error_message = "api.disable_execute_api_endpoint must reach the HTTP API (clients then use the custom domain only)."
  }
}

run "rejects_certificate_that_is_not_acm" {
  command = plan

  variables {
    custom_domain = {
      domain_name     = "api.example.com"
      certificate_arn = "arn:aws:iam::111111111111:server-certificate/api"
    }
  }

  # fires: The custom_domain.certificate_arn must be an ACM certificate ARN.
  expect_failures = [var.custom_domain]
}

run "rejects_truststore_that_is_not_s3" {
  command = plan

  variables {
    custom_domain = {
      domain_name         = "api.example.com"
      certificate_arn     = "arn:aws:acm:us-east-1:111111111111:certificate/1234abcd-12ab-34cd-56ef-1234567890ab"
      mtls_truststore_uri = "https://acme-truststores.s3.amazonaws.com/truststore.pem"
    }
  }

  # fires: The custom_domain.mtls_truststore_uri must be the S3 URI of the truststore object, s3://<bucket>/<key> (such a
  expect_failures = [var.custom_domain]
}

run "rejects_truststore_uri_without_key" {
  command = plan

  variables {
    custom_domain = {
      domain_name         = "api.example.com"
      certificate_arn     = "arn:aws:acm:us-east-1:111111111111:certificate/1234abcd-12ab-34cd-56ef-1234567890ab"
      mtls_truststore_uri = "s3://acme-truststores/"
    }
  }

  # fires: The custom_domain.mtls_truststore_uri must be the S3 URI of the truststore object, s3://<bucket>/<key> (such a
  expect_failures = [var.custom_domain]
}

run "rejects_uppercase_domain_name" {
  command = plan

  variables {
    custom_domain = {
      domain_name     = "API.Example.com"
      certificate_arn = "arn:aws:acm:us-east-1:111111111111:certificate/1234abcd-12ab-34cd-56ef-1234567890ab"
    }
  }

  # fires: The custom_domain.domain_name must be a lowercase DNS name such as api.example.com.
  expect_failures = [var.custom_domain]
}

run "rejects_bad_route53_zone_id" {
  command = plan

  variables {
    custom_domain = {
      domain_name     = "api.example.com"
      certificate_arn = "arn:aws:acm:us-east-1:111111111111:certificate/1234abcd-12ab-34cd-56ef-1234567890ab"
      route53_zone_id = "example.com"
    }
  }

  # fires: The custom_domain.route53_zone_id must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ.
  expect_failures = [var.custom_domain]
}
