"""A custom domain's pieces against the running emulator (both patched): API Gateway v2 domain name
configurations carry the API Gateway domain name, hosted zone and status AWS adds (moto 5.2.5 echoes only
the request), mutual TLS is answered only when on and UpdateDomainName changes a domain in place (moto: {} on
every read, no handler), and Route 53 hosted zone ids begin with Z (moto's are random)."""

from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import ClientError
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


def test_mutual_tls_is_answered_only_when_on_and_updates_in_place(account_client: AccountClient) -> None:
    acm, api = account_client(CENTRAL_ACCOUNT, "acm"), account_client(CENTRAL_ACCOUNT, "apigatewayv2")
    domain = f"api-{uuid.uuid4().hex[:8]}.example.com"
    first, second = (acm.request_certificate(DomainName=domain)["CertificateArn"] for _ in range(2))
    configuration = {"CertificateArn": first, "EndpointType": "REGIONAL", "SecurityPolicy": "TLS_1_2"}
    created = api.create_domain_name(DomainName=domain, DomainNameConfigurations=[configuration])
    try:
        # No mutual TLS asked for: AWS answers no MutualTlsAuthentication (moto answered {} on every read).
        assert "MutualTlsAuthentication" not in created
        assert "MutualTlsAuthentication" not in api.get_domain_name(DomainName=domain)
        assert all("MutualTlsAuthentication" not in d for d in api.get_domain_names()["Items"])

        updated = api.update_domain_name(
            DomainName=domain, DomainNameConfigurations=[{**configuration, "CertificateArn": second}],
            MutualTlsAuthentication={"TruststoreUri": "s3://truststores/ca.pem", "TruststoreVersion": "1"})
        assert updated["DomainNameConfigurations"][0]["CertificateArn"] == second
        read = api.get_domain_name(DomainName=domain)
        assert read["DomainNameConfigurations"][0]["CertificateArn"] == second
        assert read["DomainNameConfigurations"][0]["DomainNameStatus"] == "AVAILABLE"
        assert read["DomainNameConfigurations"][0]["ApiGatewayDomainName"].startswith("d-")
        assert read["MutualTlsAuthentication"] == {"TruststoreUri": "s3://truststores/ca.pem",
                                                   "TruststoreVersion": "1"}

        # A new truststore version alone keeps the URI (the provider sends only what changed).
        api.update_domain_name(DomainName=domain, DomainNameConfigurations=[configuration],
                               MutualTlsAuthentication={"TruststoreVersion": "2"})
        assert api.get_domain_name(DomainName=domain)["MutualTlsAuthentication"] == {
            "TruststoreUri": "s3://truststores/ca.pem", "TruststoreVersion": "2"}

        # How AWS turns mutual TLS off: the truststore removed (TruststoreUri "").
        api.update_domain_name(DomainName=domain, DomainNameConfigurations=[configuration],
                               MutualTlsAuthentication={"TruststoreUri": ""})
        assert "MutualTlsAuthentication" not in api.get_domain_name(DomainName=domain)
    finally:
        api.delete_domain_name(DomainName=domain)


def test_updating_a_missing_domain_name_is_not_found(account_client: AccountClient) -> None:
    api = account_client(CENTRAL_ACCOUNT, "apigatewayv2")
    with pytest.raises(ClientError) as raised:
        api.update_domain_name(DomainName="nowhere.example.com", DomainNameConfigurations=[])
    assert raised.value.response["Error"]["Code"] == "NotFoundException"
