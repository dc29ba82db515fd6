"""Each moto patch, checked with boto3 only against the running emulator (fast, no terraform).

Every test here fails on unpatched moto 5.2.5, except those pinning behaviour moto already has:
the S3 conditional write (Terraform's native S3 lockfile needs no patch), the descriptions of CIDR
security group rules, and the controls that ALBs keep ``app/`` ARNs and that
EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic stays absent where AWS omits it.
"""

from __future__ import annotations

import ipaddress
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError
from conftest import CENTRAL_ACCOUNT, PROVIDER_ACCOUNT, AccountClient
from emulator_network import Network, make_internal_nlb, make_network

from crossgate.emulator import BASE_ACCOUNT_ID, EMULATOR_REGION, STATE_BUCKET


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _make_endpoint_service(account_client: AccountClient, principals: list[str]) -> dict[str, Any]:
    """An endpoint service over an internal NLB in the provider account, allowing ``principals``; the NLB covers
    both AZs of the region (an interface endpoint may only use AZs its service's NLB covers)."""
    network = make_network(account_client(PROVIDER_ACCOUNT, "ec2"), "10.30.0.0/16", ["10.30.1.0/24", "10.30.2.0/24"])
    nlb = make_internal_nlb(account_client(PROVIDER_ACCOUNT, "elbv2"), _unique("nlb"), network.subnet_ids)
    ec2 = account_client(PROVIDER_ACCOUNT, "ec2")
    config = ec2.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=[nlb], AcceptanceRequired=False
    )["ServiceConfiguration"]
    if principals:
        ec2.modify_vpc_endpoint_service_permissions(ServiceId=config["ServiceId"], AddAllowedPrincipals=principals)
    return dict(config)


@pytest.fixture(scope="module")
def endpoint_service(account_client: AccountClient) -> dict[str, Any]:
    """An endpoint service the central account may connect to (AWS refuses principals it does not allow)."""
    return _make_endpoint_service(account_client, [f"arn:aws:iam::{CENTRAL_ACCOUNT}:root"])


@pytest.fixture()
def bare_endpoint_service(account_client: AccountClient) -> dict[str, Any]:
    """An endpoint service with no allowed principals yet."""
    return _make_endpoint_service(account_client, [])


@pytest.fixture()
def central_network(account_client: AccountClient) -> Network:
    octet = uuid.uuid4().int % 200 + 40
    return make_network(
        account_client(CENTRAL_ACCOUNT, "ec2"),
        f"10.{octet}.0.0/16",
        [f"10.{octet}.1.0/24", f"10.{octet}.2.0/24"],
    )


def _endpoint_ips(ec2: Any, endpoint: dict[str, Any]) -> dict[str, str]:
    enis = ec2.describe_network_interfaces(NetworkInterfaceIds=endpoint["NetworkInterfaceIds"])
    return {eni["SubnetId"]: eni["PrivateIpAddress"] for eni in enis["NetworkInterfaces"]}


# -- accounts (no patch: moto's STS already does this) ------------------------------------------
@pytest.mark.parametrize("account_id", [PROVIDER_ACCOUNT, CENTRAL_ACCOUNT])
def test_assume_role_lands_in_the_role_account(account_client: AccountClient, account_id: str) -> None:
    identity = account_client(account_id, "sts").get_caller_identity()
    assert identity["Account"] == account_id
    assert f":{account_id}:assumed-role/" in identity["Arn"]


def test_base_credentials_own_the_state_bucket(base_session: Any, emulator: Any) -> None:
    assert base_session.client("sts", endpoint_url=emulator.endpoint_url).get_caller_identity()[
        "Account"
    ] == BASE_ACCOUNT_ID
    s3 = base_session.client("s3", endpoint_url=emulator.endpoint_url)
    assert s3.get_bucket_location(Bucket=STATE_BUCKET)["LocationConstraint"] == EMULATOR_REGION
    assert s3.get_bucket_versioning(Bucket=STATE_BUCKET)["Status"] == "Enabled"


# -- S3 lockfile: claim checked, moto already honours it ----------------------------------------
def test_s3_conditional_put_refuses_an_existing_key(base_session: Any, emulator: Any) -> None:
    s3 = base_session.client("s3", endpoint_url=emulator.endpoint_url)
    key = f"{_unique('lock')}.tflock"
    s3.put_object(Bucket=STATE_BUCKET, Key=key, Body=b"holder-1", IfNoneMatch="*")
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=STATE_BUCKET, Key=key, Body=b"holder-2", IfNoneMatch="*")
    assert error.value.response["Error"]["Code"] == "PreconditionFailed"
    assert s3.get_object(Bucket=STATE_BUCKET, Key=key)["Body"].read() == b"holder-1"
    s3.delete_object(Bucket=STATE_BUCKET, Key=key)
    s3.put_object(Bucket=STATE_BUCKET, Key=key, Body=b"holder-2", IfNoneMatch="*")


# -- ECS availabilityZoneRebalancing ------------------------------------------------------------
@pytest.mark.parametrize(("requested", "stored"), [(None, "ENABLED"), ("DISABLED", "DISABLED"), ("ENABLED", "ENABLED")])
def test_ecs_service_keeps_availability_zone_rebalancing(
    account_client: AccountClient, requested: str | None, stored: str
) -> None:
    ecs = account_client(PROVIDER_ACCOUNT, "ecs")
    cluster = ecs.create_cluster(clusterName=_unique("cluster"))["cluster"]["clusterName"]
    extra = {"availabilityZoneRebalancing": requested} if requested else {}
    name = ecs.create_service(cluster=cluster, serviceName=_unique("svc"), desiredCount=0, **extra)["service"][
        "serviceName"
    ]
    described = ecs.describe_services(cluster=cluster, services=[name])["services"][0]
    assert described["availabilityZoneRebalancing"] == stored

    flipped = "DISABLED" if stored == "ENABLED" else "ENABLED"
    ecs.update_service(cluster=cluster, service=name, availabilityZoneRebalancing=flipped)
    described = ecs.describe_services(cluster=cluster, services=[name])["services"][0]
    assert described["availabilityZoneRebalancing"] == flipped


# -- endpoint service permissions ---------------------------------------------------------------
def test_allowed_principal_gets_a_service_permission_id(
    account_client: AccountClient, bare_endpoint_service: dict[str, Any]
) -> None:
    ec2 = account_client(PROVIDER_ACCOUNT, "ec2")
    service_id = bare_endpoint_service["ServiceId"]
    principal = f"arn:aws:iam::{CENTRAL_ACCOUNT}:root"
    added = ec2.modify_vpc_endpoint_service_permissions(ServiceId=service_id, AddAllowedPrincipals=[principal])
    assert added["ReturnValue"] is True
    [entry] = added["AddedPrincipals"]
    assert entry["Principal"] == principal
    assert entry["PrincipalType"] == "Account"
    assert entry["ServiceId"] == service_id
    assert entry["ServicePermissionId"].startswith("vpce-svc-perm-")

    listed = ec2.describe_vpc_endpoint_service_permissions(ServiceId=service_id)["AllowedPrincipals"]
    assert [(p["Principal"], p["ServicePermissionId"]) for p in listed] == [
        (principal, entry["ServicePermissionId"])
    ]
    filtered = ec2.describe_vpc_endpoint_service_permissions(
        ServiceId=service_id, Filters=[{"Name": "principal", "Values": ["arn:aws:iam::999999999999:root"]}]
    )["AllowedPrincipals"]
    assert filtered == []

    ec2.modify_vpc_endpoint_service_permissions(ServiceId=service_id, RemoveAllowedPrincipals=[principal])
    assert ec2.describe_vpc_endpoint_service_permissions(ServiceId=service_id)["AllowedPrincipals"] == []


# -- interface endpoint addressing --------------------------------------------------------------
def test_endpoint_enis_get_ips_inside_their_subnets(
    account_client: AccountClient, endpoint_service: dict[str, Any], central_network: Network
) -> None:
    ec2 = account_client(CENTRAL_ACCOUNT, "ec2")
    endpoint = ec2.create_vpc_endpoint(
        VpcId=central_network.vpc_id, ServiceName=endpoint_service["ServiceName"],
        VpcEndpointType="Interface", SubnetIds=central_network.subnet_ids,
    )["VpcEndpoint"]
    ips = _endpoint_ips(ec2, endpoint)
    assert set(ips) == set(central_network.subnet_ids)
    for subnet_id, cidr in zip(central_network.subnet_ids, central_network.subnet_cidrs, strict=True):
        network = ipaddress.ip_network(cidr)
        address = ipaddress.ip_address(ips[subnet_id])
        assert address in network
        assert address not in {network.network_address + i for i in range(4)}  # AWS-reserved


def test_endpoint_pins_requested_ips_and_frees_them_on_delete(
    account_client: AccountClient, endpoint_service: dict[str, Any], central_network: Network
) -> None:
    ec2 = account_client(CENTRAL_ACCOUNT, "ec2")
    pinned = {
        s: str(ipaddress.ip_network(c).network_address + 10)
        for s, c in zip(central_network.subnet_ids, central_network.subnet_cidrs, strict=True)
    }

    def create() -> dict[str, Any]:
        return dict(ec2.create_vpc_endpoint(
            VpcId=central_network.vpc_id, ServiceName=endpoint_service["ServiceName"],
            VpcEndpointType="Interface", SubnetIds=central_network.subnet_ids,
            SubnetConfigurations=[{"SubnetId": s, "Ipv4": ip} for s, ip in pinned.items()],
        )["VpcEndpoint"])

    endpoint = create()
    assert _endpoint_ips(ec2, endpoint) == pinned
    with pytest.raises(ClientError) as taken:
        create()
    assert taken.value.response["Error"]["Code"] == "InvalidParameterValue"

    ec2.delete_vpc_endpoints(VpcEndpointIds=[endpoint["VpcEndpointId"]])
    assert _endpoint_ips(ec2, create()) == pinned


@pytest.mark.parametrize("bad_offset", [0, 3, 255, 256])
def test_endpoint_rejects_unusable_pinned_ips(
    account_client: AccountClient, endpoint_service: dict[str, Any], central_network: Network, bad_offset: int
) -> None:
    ec2 = account_client(CENTRAL_ACCOUNT, "ec2")
    subnet_id, cidr = central_network.subnet_ids[0], central_network.subnet_cidrs[0]
    bad_ip = str(ipaddress.ip_network(cidr).network_address + bad_offset)
    with pytest.raises(ClientError) as error:
        ec2.create_vpc_endpoint(
            VpcId=central_network.vpc_id, ServiceName=endpoint_service["ServiceName"],
            VpcEndpointType="Interface", SubnetIds=[subnet_id],
            SubnetConfigurations=[{"SubnetId": subnet_id, "Ipv4": bad_ip}],
        )
    assert error.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert ec2.describe_vpc_endpoints(
        Filters=[{"Name": "vpc-id", "Values": [central_network.vpc_id]}]
    )["VpcEndpoints"] == []


@pytest.mark.parametrize("requested", [None, "us-east-2"])
def test_endpoint_reports_its_service_region(
    account_client: AccountClient, endpoint_service: dict[str, Any], central_network: Network, requested: str | None
) -> None:
    ec2 = account_client(CENTRAL_ACCOUNT, "ec2")
    extra = {"ServiceRegion": requested} if requested else {}
    endpoint = ec2.create_vpc_endpoint(
        VpcId=central_network.vpc_id, ServiceName=endpoint_service["ServiceName"],
        VpcEndpointType="Interface", SubnetIds=central_network.subnet_ids[:1], **extra,
    )["VpcEndpoint"]
    described = ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint["VpcEndpointId"]])["VpcEndpoints"][0]
    assert described["ServiceRegion"] == (requested or EMULATOR_REGION)


# -- DescribeVpcEndpointConnections -------------------------------------------------------------
def test_service_owner_sees_connections_from_other_accounts(
    account_client: AccountClient, endpoint_service: dict[str, Any], central_network: Network
) -> None:
    central = account_client(CENTRAL_ACCOUNT, "ec2")
    endpoint = central.create_vpc_endpoint(
        VpcId=central_network.vpc_id, ServiceName=endpoint_service["ServiceName"],
        VpcEndpointType="Interface", SubnetIds=central_network.subnet_ids,
    )["VpcEndpoint"]
    owner = account_client(PROVIDER_ACCOUNT, "ec2")

    connections = owner.describe_vpc_endpoint_connections(
        Filters=[{"Name": "vpc-endpoint-id", "Values": [endpoint["VpcEndpointId"]]}]
    )["VpcEndpointConnections"]
    assert len(connections) == 1
    connection = connections[0]
    assert connection["ServiceId"] == endpoint_service["ServiceId"]
    assert connection["VpcEndpointOwner"] == CENTRAL_ACCOUNT
    assert connection["VpcEndpointState"] == "available"
    assert connection["VpcEndpointRegion"] == EMULATOR_REGION
    assert connection["NetworkLoadBalancerArns"] == endpoint_service["NetworkLoadBalancerArns"]

    # The consumer owns no endpoint service, so it sees no connections; deleted endpoints vanish.
    assert central.describe_vpc_endpoint_connections()["VpcEndpointConnections"] == []
    central.delete_vpc_endpoints(VpcEndpointIds=[endpoint["VpcEndpointId"]])
    assert owner.describe_vpc_endpoint_connections(
        Filters=[{"Name": "vpc-endpoint-id", "Values": [endpoint["VpcEndpointId"]]}]
    )["VpcEndpointConnections"] == []


# -- ELBv2 load balancer ARNs -------------------------------------------------------------------
def _target_group(elbv2: Any, vpc_id: str, protocol: str) -> str:
    return str(elbv2.create_target_group(
        Name=_unique("tg"), Protocol=protocol, Port=80, VpcId=vpc_id, TargetType="ip"
    )["TargetGroups"][0]["TargetGroupArn"])


def test_network_load_balancer_arn_says_net(account_client: AccountClient) -> None:
    ec2, elbv2 = account_client(PROVIDER_ACCOUNT, "ec2"), account_client(PROVIDER_ACCOUNT, "elbv2")
    network = make_network(ec2, "10.31.0.0/16", ["10.31.1.0/24"])
    name = _unique("nlb")
    created = elbv2.create_load_balancer(
        Name=name, Subnets=network.subnet_ids, Scheme="internal", Type="network", Tags=[{"Key": "k", "Value": "v"}]
    )["LoadBalancers"][0]
    arn = created["LoadBalancerArn"]
    prefix = f"arn:aws:elasticloadbalancing:{EMULATOR_REGION}:{PROVIDER_ACCOUNT}:loadbalancer/net/{name}/"
    assert arn.startswith(prefix)

    [described] = elbv2.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"]
    assert (described["LoadBalancerArn"], described["Type"]) == (arn, "network")
    assert elbv2.describe_load_balancers(Names=[name])["LoadBalancers"][0]["LoadBalancerArn"] == arn
    [tags] = elbv2.describe_tags(ResourceArns=[arn])["TagDescriptions"]
    assert tags["Tags"] == [{"Key": "k", "Value": "v"}]

    listener = elbv2.create_listener(
        LoadBalancerArn=arn, Protocol="TCP", Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": _target_group(elbv2, network.vpc_id, "TCP")}],
    )["Listeners"][0]
    assert listener["ListenerArn"].startswith(prefix.replace(":loadbalancer/", ":listener/"))

    elbv2.delete_load_balancer(LoadBalancerArn=arn)
    assert name not in [b["LoadBalancerName"] for b in elbv2.describe_load_balancers()["LoadBalancers"]]


def test_application_load_balancer_arn_stays_app(account_client: AccountClient) -> None:
    ec2, elbv2 = account_client(PROVIDER_ACCOUNT, "ec2"), account_client(PROVIDER_ACCOUNT, "elbv2")
    network = make_network(ec2, "10.32.0.0/16", ["10.32.1.0/24", "10.32.2.0/24"])
    name = _unique("alb")
    arn = elbv2.create_load_balancer(Name=name, Subnets=network.subnet_ids, Scheme="internal")["LoadBalancers"][0][
        "LoadBalancerArn"
    ]
    assert f":loadbalancer/app/{name}/" in arn


# -- ELBv2 idempotent creates ---------------------------------------------------------------------
def test_create_load_balancer_again_with_the_same_settings_returns_the_same_one(account_client: AccountClient) -> None:
    ec2, elbv2 = account_client(PROVIDER_ACCOUNT, "ec2"), account_client(PROVIDER_ACCOUNT, "elbv2")
    network = make_network(ec2, "10.33.0.0/16", ["10.33.1.0/24", "10.33.2.0/24"])
    name = _unique("nlb")
    settings = {"Name": name, "Subnets": network.subnet_ids, "Scheme": "internal", "Type": "network"}
    first = elbv2.create_load_balancer(**settings)["LoadBalancers"][0]["LoadBalancerArn"]
    again = elbv2.create_load_balancer(**{**settings, "Subnets": list(reversed(network.subnet_ids))})
    assert again["LoadBalancers"][0]["LoadBalancerArn"] == first
    named = [b for b in elbv2.describe_load_balancers()["LoadBalancers"] if b["LoadBalancerName"] == name]
    assert len(named) == 1

    with pytest.raises(ClientError) as refused:
        elbv2.create_load_balancer(**{**settings, "Subnets": network.subnet_ids[:1]})
    assert refused.value.response["Error"]["Code"] == "DuplicateLoadBalancerName"


def test_create_target_group_again_with_the_same_settings_returns_the_same_one(
        account_client: AccountClient) -> None:
    ec2, elbv2 = account_client(PROVIDER_ACCOUNT, "ec2"), account_client(PROVIDER_ACCOUNT, "elbv2")
    network = make_network(ec2, "10.34.0.0/16", ["10.34.1.0/24"])
    settings = {"Name": _unique("tg"), "Protocol": "TCP", "Port": 8080, "VpcId": network.vpc_id, "TargetType": "ip"}
    first = elbv2.create_target_group(**settings)["TargetGroups"][0]["TargetGroupArn"]
    assert elbv2.create_target_group(**settings)["TargetGroups"][0]["TargetGroupArn"] == first

    with pytest.raises(ClientError) as refused:
        elbv2.create_target_group(**{**settings, "Port": 9090})
    assert refused.value.response["Error"]["Code"] == "DuplicateTargetGroupName"


# -- ELBv2 EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic ---------------------------------
ENFORCE = "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"


@pytest.fixture()
def lb_network(account_client: AccountClient) -> tuple[Network, str]:
    """A provider-account network and one security group in it."""
    ec2 = account_client(PROVIDER_ACCOUNT, "ec2")
    octet = uuid.uuid4().int % 200 + 40
    network = make_network(ec2, f"172.{octet % 16 + 16}.0.0/16", [f"172.{octet % 16 + 16}.1.0/24"])
    group = ec2.create_security_group(GroupName=_unique("nlb"), Description="nlb", VpcId=network.vpc_id)["GroupId"]
    return network, str(group)


def _enforce(elbv2: Any, arn: str) -> str | None:
    [balancer] = elbv2.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"]
    value: str | None = balancer.get(ENFORCE)
    return value


def test_nlb_keeps_enforce_privatelink_inbound_rules(
    account_client: AccountClient, lb_network: tuple[Network, str]
) -> None:
    elbv2 = account_client(PROVIDER_ACCOUNT, "elbv2")
    network, group = lb_network
    created = elbv2.create_load_balancer(
        Name=_unique("nlb"), Subnets=network.subnet_ids, Scheme="internal", Type="network", SecurityGroups=[group]
    )["LoadBalancers"][0]
    arn = created["LoadBalancerArn"]
    assert created[ENFORCE] == "on"  # AWS default for an NLB with security groups
    assert _enforce(elbv2, arn) == "on"

    answer = elbv2.set_security_groups(LoadBalancerArn=arn, SecurityGroups=[group], **{ENFORCE: "off"})
    assert (answer["SecurityGroupIds"], answer[ENFORCE]) == ([group], "off")
    assert _enforce(elbv2, arn) == "off"

    # Changing only the groups keeps the setting.
    assert elbv2.set_security_groups(LoadBalancerArn=arn, SecurityGroups=[group])[ENFORCE] == "off"
    assert _enforce(elbv2, arn) == "off"

    elbv2.set_security_groups(LoadBalancerArn=arn, SecurityGroups=[group], **{ENFORCE: "on"})
    assert _enforce(elbv2, arn) == "on"


def test_enforce_privatelink_inbound_rules_absent_without_groups_or_on_albs(
    account_client: AccountClient, lb_network: tuple[Network, str]
) -> None:
    elbv2 = account_client(PROVIDER_ACCOUNT, "elbv2")
    network, group = lb_network
    bare = elbv2.create_load_balancer(
        Name=_unique("nlb"), Subnets=network.subnet_ids, Scheme="internal", Type="network"
    )["LoadBalancers"][0]
    assert ENFORCE not in bare
    assert _enforce(elbv2, bare["LoadBalancerArn"]) is None

    ec2 = account_client(PROVIDER_ACCOUNT, "ec2")
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]]
    second = ec2.create_subnet(VpcId=network.vpc_id, CidrBlock=network.subnet_cidrs[0].replace(".1.0/", ".2.0/"),
                               AvailabilityZone=zones[1])["Subnet"]["SubnetId"]
    alb = elbv2.create_load_balancer(
        Name=_unique("alb"), Subnets=[*network.subnet_ids, second], Scheme="internal", SecurityGroups=[group]
    )["LoadBalancers"][0]
    assert ENFORCE not in alb
    assert ENFORCE not in elbv2.set_security_groups(LoadBalancerArn=alb["LoadBalancerArn"], SecurityGroups=[group])
    assert _enforce(elbv2, alb["LoadBalancerArn"]) is None


# -- EC2 security group rule descriptions -------------------------------------------------------
@pytest.fixture()
def rule_groups(account_client: AccountClient) -> tuple[str, str]:
    """Two security groups in one central-account VPC: the one holding rules and their peer."""
    ec2 = account_client(CENTRAL_ACCOUNT, "ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.99.0.0/16")["Vpc"]["VpcId"]
    holder, peer = (
        str(ec2.create_security_group(GroupName=_unique(n), Description=n, VpcId=vpc_id)["GroupId"])
        for n in ("holder", "peer")
    )
    return holder, peer


def _rule(ec2: Any, rule_id: str) -> dict[str, Any]:
    return dict(ec2.describe_security_group_rules(SecurityGroupRuleIds=[rule_id])["SecurityGroupRules"][0])


def _peer(kind: str, peer_group: str, prefix_list: str, description: str) -> dict[str, Any]:
    if kind == "group":
        return {"UserIdGroupPairs": [{"GroupId": peer_group, "Description": description}]}
    if kind == "prefix-list":
        return {"PrefixListIds": [{"PrefixListId": prefix_list, "Description": description}]}
    return {"IpRanges": [{"CidrIp": "10.99.0.0/16", "Description": description}]}  # worked unpatched


def _rule_request(kind: str, peer_group: str, prefix_list: str, description: str) -> dict[str, Any]:
    peer = {"group": {"ReferencedGroupId": peer_group}, "prefix-list": {"PrefixListId": prefix_list}}.get(
        kind, {"CidrIpv4": "10.99.0.0/16"}
    )
    return {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "Description": description, **peer}


@pytest.mark.parametrize("egress", [False, True], ids=["ingress", "egress"])
@pytest.mark.parametrize("kind", ["group", "prefix-list", "cidr"])
def test_security_group_rule_keeps_its_description(
    account_client: AccountClient, rule_groups: tuple[str, str], kind: str, egress: bool
) -> None:
    ec2 = account_client(CENTRAL_ACCOUNT, "ec2")
    holder, peer_group = rule_groups
    prefix_list = ec2.create_managed_prefix_list(PrefixListName=_unique("pl"), MaxEntries=1, AddressFamily="IPv4")[
        "PrefixList"
    ]["PrefixListId"]
    authorize = ec2.authorize_security_group_egress if egress else ec2.authorize_security_group_ingress
    added = authorize(GroupId=holder, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, **_peer(kind, peer_group, prefix_list, "first")}
    ])["SecurityGroupRules"]
    [rule] = added
    assert rule["Description"] == "first"
    assert rule["IsEgress"] is egress
    assert _rule(ec2, rule["SecurityGroupRuleId"])["Description"] == "first"

    ec2.modify_security_group_rules(GroupId=holder, SecurityGroupRules=[{
        "SecurityGroupRuleId": rule["SecurityGroupRuleId"],
        "SecurityGroupRule": _rule_request(kind, peer_group, prefix_list, "second"),
    }])
    modified = _rule(ec2, rule["SecurityGroupRuleId"])
    assert modified["Description"] == "second"
    if kind == "cidr":
        assert modified["CidrIpv4"] == "10.99.0.0/16"
    else:
        assert "CidrIpv4" not in modified
    if kind == "group":
        assert modified["ReferencedGroupInfo"]["GroupId"] == peer_group
        # The group view agrees with the rule view.
        group = ec2.describe_security_groups(GroupIds=[holder])["SecurityGroups"][0]
        permissions = group["IpPermissionsEgress" if egress else "IpPermissions"]
        pairs = [pair for p in permissions for pair in p["UserIdGroupPairs"]]
        assert [(p["GroupId"], p["Description"]) for p in pairs] == [(peer_group, "second")]


def test_cloud_map_register_with_existing_id_updates_in_place(account_client: AccountClient) -> None:
    discovery = account_client(CENTRAL_ACCOUNT, "servicediscovery")
    namespace_op = discovery.create_http_namespace(Name="upsert-test")["OperationId"]
    namespace_id = discovery.get_operation(OperationId=namespace_op)["Operation"]["Targets"]["NAMESPACE"]
    service_id = discovery.create_service(Name="svc", NamespaceId=namespace_id)["Service"]["Id"]
    for ip in ("10.0.0.5", "10.0.0.6"):
        discovery.register_instance(ServiceId=service_id, InstanceId="eni-0123456789abcdef0",
                                    Attributes={"AWS_INSTANCE_IPV4": ip, "AWS_INSTANCE_PORT": "8080"})
    instances = discovery.list_instances(ServiceId=service_id)["Instances"]
    assert [(i["Id"], i["Attributes"]["AWS_INSTANCE_IPV4"]) for i in instances] == [
        ("eni-0123456789abcdef0", "10.0.0.6")]
    discovery.deregister_instance(ServiceId=service_id, InstanceId="eni-0123456789abcdef0")
    assert discovery.list_instances(ServiceId=service_id)["Instances"] == []


def test_efs_backup_policy_can_be_put_and_read_back(account_client: AccountClient) -> None:
    efs = account_client(PROVIDER_ACCOUNT, "efs")
    file_system_id = efs.create_file_system(CreationToken=_unique("fs"), Encrypted=True)["FileSystemId"]
    with pytest.raises(ClientError):  # never given a policy: as moto (and the provider expects) before
        efs.describe_backup_policy(FileSystemId=file_system_id)
    for status in ("ENABLED", "DISABLED", "ENABLED"):
        answer = efs.put_backup_policy(FileSystemId=file_system_id, BackupPolicy={"Status": status})
        assert answer["BackupPolicy"] == {"Status": status}
        assert efs.describe_backup_policy(FileSystemId=file_system_id)["BackupPolicy"] == {"Status": status}
    with pytest.raises(ClientError) as unknown:
        efs.put_backup_policy(FileSystemId="fs-00000000", BackupPolicy={"Status": "ENABLED"})
    assert unknown.value.response["Error"]["Code"] == "FileSystemNotFound"


def test_efs_file_system_policy_can_be_deleted(account_client: AccountClient) -> None:
    efs = account_client(PROVIDER_ACCOUNT, "efs")
    file_system_id = efs.create_file_system(CreationToken=_unique("fs"), Encrypted=True)["FileSystemId"]
    policy = ('{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"*",'
              '"Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}')
    efs.put_file_system_policy(FileSystemId=file_system_id, Policy=policy)
    assert efs.describe_file_system_policy(FileSystemId=file_system_id)["Policy"] == policy
    efs.delete_file_system_policy(FileSystemId=file_system_id)
    with pytest.raises(ClientError) as gone:
        efs.describe_file_system_policy(FileSystemId=file_system_id)
    assert gone.value.response["Error"]["Code"] == "PolicyNotFound"
    with pytest.raises(ClientError) as unknown:
        efs.delete_file_system_policy(FileSystemId="fs-00000000")
    assert unknown.value.response["Error"]["Code"] == "FileSystemNotFound"
