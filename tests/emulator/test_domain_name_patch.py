"""A custom domain's pieces against the running emulator (both patched): API Gateway v2 domain name
configurations carry the API Gateway domain name, hosted zone and status AWS adds (moto 5.2.5 echoes only
the request), and Route 53 hosted zone ids begin with Z (moto's are random)."""

from __future__ import annotations

import uuid

from conftest import CENTRAL_ACCOUNT, AccountClient


def test_a_regional_domain_name_gets_its_alias_target_and_is_available(account_client: AccountClient) -> None:
    acm, api = account_client(CENTRAL_ACCOUNT, "acm"), account_client(CENTRAL_ACCOUNT, "apigatewayv2")
    domain = f"api-{uuid.uuid4().hex[:8]}.example.com"
    certificate = acm.request_certificate(DomainName=domain)["CertificateArn"]
    created = api.create_domain_name(DomainName=domain, DomainNameConfigurations=[
        {"CertificateArn": certificate, "EndpointType": "REGIONAL", "SecurityPolicy": "TLS_1_2"}])
    region = api.meta.region_name
    for answer in (created, api.get_domain_name(DomainName=domain)):
        (configuration,) = answer["DomainNameConfigurations"]
        assert configuration["CertificateArn"] == certificate and configuration["EndpointType"] == "REGIONAL"
        assert configuration["DomainNameStatus"] == "AVAILABLE"
        target = configuration["ApiGatewayDomainName"]
        assert target.startswith("d-") and target.endswith(f".execute-api.{region}.amazonaws.com")
        assert configuration["HostedZoneId"].startswith("Z")
    api.delete_domain_name(DomainName=domain)


def test_hosted_zone_ids_begin_with_z(account_client: AccountClient) -> None:
    route53 = account_client(CENTRAL_ACCOUNT, "route53")
    zone = route53.create_hosted_zone(Name=f"z{uuid.uuid4().hex[:8]}.example.com",
                                      CallerReference=uuid.uuid4().hex)["HostedZone"]["Id"].split("/")[-1]
    try:
        assert zone.startswith("Z") and len(zone) == 22
    finally:
        route53.delete_hosted_zone(Id=zone)
