"""An env's lifecycle, deployed for real into the emulator once: two bring-your-own-NLB services; one is
removed from the file; plan shows its stack as to be destroyed; deploy refuses without --allow-destroy and
changes nothing; with it, central stops referencing the service, then the service's stack is destroyed and
its state leaves the backend. Also: a second file claiming the name is refused; a renamed file is told how
to keep its env, and keeps it with ``name:``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from crossgate.cli.app import main
from crossgate.config import Credentials, load_environment
from crossgate.lifecycle.backend import StateLocation, location_of
from crossgate.lifecycle.records import env_file_ref
from crossgate.ops.aws_sessions import AccountSessions
from crossgate.target import Target
from tests.lifecycle_env import CENTRAL_ACCOUNT, PROVIDER_ACCOUNT, REGION, env_data, role, write_env

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]

SERVICES = ("alpha", "beta")


@dataclass
class Life:
    url: str
    folder: Path
    env_path: Path
    nlb_arns: dict[str, str]
    sessions: AccountSessions

    def cli(self, command: str, *extra: str, env_path: Path | None = None) -> int:
        return main([command, "--env", str(env_path or self.env_path), "--emulator-url", self.url,
                     "--outdir", str(self.folder / "cdktf.out"), *extra])

    def location(self, env_path: Path | None = None) -> StateLocation:
        env = load_environment(env_path or self.env_path)
        return location_of(env, Target("emulator", self.url))

    def provider(self, service: str) -> Any:
        return self.sessions.client(Credentials(account_id=PROVIDER_ACCOUNT, region=REGION,
                                                role_arn=role(PROVIDER_ACCOUNT)), service)

    def central(self, service: str) -> Any:
        return self.sessions.client(Credentials(account_id=CENTRAL_ACCOUNT, region=REGION,
                                                role_arn=role(CENTRAL_ACCOUNT)), service)

    def endpoint_services(self) -> set[str]:
        """The provider account's endpoint services, by the NLB each fronts."""
        found = self.provider("ec2").describe_vpc_endpoint_service_configurations()["ServiceConfigurations"]
        return {arn for s in found for arn in s.get("NetworkLoadBalancerArns", [])}

    def central_endpoints(self) -> int:
        endpoints = self.central("ec2").describe_vpc_endpoints()["VpcEndpoints"]
        return sum(1 for e in endpoints if e["State"] not in ("deleted", "deleting"))


def byo_nlbs(sessions: AccountSessions) -> dict[str, str]:
    """An existing internal NLB per service in the provider account (no Fargate: cheap to deploy)."""
    creds = Credentials(account_id=PROVIDER_ACCOUNT, region=REGION, role_arn=role(PROVIDER_ACCOUNT))
    ec2, elbv2 = sessions.client(creds, "ec2"), sessions.client(creds, "elbv2")
    vpc = ec2.create_vpc(CidrBlock="10.70.0.0/16")["Vpc"]["VpcId"]
    zone = ec2.describe_availability_zones()["AvailabilityZones"][0]["ZoneName"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.70.0.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
    arns = {}
    for service in SERVICES:
        lb = elbv2.create_load_balancer(Name=f"life-{service}", Subnets=[subnet], Scheme="internal", Type="network")
        arns[service] = lb["LoadBalancers"][0]["LoadBalancerArn"]
    return arns


@pytest.fixture(scope="module")
def life(emulator_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Life]:
    folder = tmp_path_factory.mktemp("lifecycle")
    sessions = AccountSessions(emulator_url=emulator_url)
    arns = byo_nlbs(sessions)
    state = Life(emulator_url, folder, write_env(folder / "one" / "life.yaml", env_data(arns)), arns, sessions)
    assert state.cli("deploy") == 0
    yield state
    if state.env_path.exists() and any(s.exists for s in state.location().states()):  # a test failed early
        state.cli("destroy")


def test_each_stack_records_its_identity_in_its_state(life: Life) -> None:
    states = {s.stack: s for s in life.location().states()}
    assert set(states) == {"life-central", "life-provider-alpha", "life-provider-beta"}
    for state in states.values():
        assert state.exists and state.record is not None
        assert state.record.env == "life" and state.record.env_file == env_file_ref(life.env_path)
    beta = states["life-provider-beta"].record
    assert beta is not None
    assert (beta.account_id, beta.region, beta.role_arn, beta.service) == (
        PROVIDER_ACCOUNT, REGION, role(PROVIDER_ACCOUNT), "beta")
    assert life.endpoint_services() >= set(life.nlb_arns.values())


def test_a_second_file_with_the_same_name_is_refused(life: Life, capsys: pytest.CaptureFixture[str]) -> None:
    twin = write_env(life.folder / "two" / "life.yaml", env_data(life.nlb_arns))
    assert life.cli("plan", env_path=twin) == 1
    err = capsys.readouterr().err
    assert f"belong to {env_file_ref(life.env_path)}" in err and "name: <another name>" in err


def test_removed_service_is_planned_for_destruction(life: Life, capsys: pytest.CaptureFixture[str]) -> None:
    write_env(life.env_path, env_data({"alpha": life.nlb_arns["alpha"]}))
    review = life.folder / "review.md"
    assert life.cli("plan", "--review", str(review)) == 0
    out = capsys.readouterr().out
    assert "to be destroyed" in out and "life-provider-beta (service beta in account 555555555555" in out
    text = review.read_text()
    security = text[text.index("### Security-relevant changes"):]
    assert security.index("Stacks to be destroyed") < security.index("- `life-provider-beta`")
    first = security.index("#### ")
    assert security[first:].startswith("#### delete") and "(life-provider-beta)" in security[first:].splitlines()[0]


def test_deploy_without_the_flag_stops_before_any_change(life: Life, capsys: pytest.CaptureFixture[str]) -> None:
    before = life.central_endpoints()
    assert life.cli("deploy") == 1
    err = capsys.readouterr().err
    assert "life-provider-beta" in err and "--allow-destroy" in err and "stops before any change" in err
    assert life.nlb_arns["beta"] in life.endpoint_services()
    assert life.central_endpoints() == before == 2
    assert {s.stack for s in life.location().states() if s.exists} == {
        "life-central", "life-provider-alpha", "life-provider-beta"}


def test_deploy_with_the_flag_updates_central_then_destroys_the_dropped_stack(life: Life) -> None:
    assert life.cli("deploy", "--allow-destroy") == 0
    assert life.central_endpoints() == 1
    services = life.endpoint_services()
    assert life.nlb_arns["beta"] not in services and life.nlb_arns["alpha"] in services
    assert {s.stack for s in life.location().states()} == {"life-central", "life-provider-alpha"}


def test_a_renamed_file_is_told_how_to_keep_its_env_and_keeps_it_with_name(
        life: Life, capsys: pytest.CaptureFixture[str]) -> None:
    renamed = life.folder / "one" / "gateway.yaml"
    life.env_path.rename(renamed)
    assert life.cli("deploy", env_path=renamed) == 1
    err = capsys.readouterr().err
    assert "second gateway 'gateway'" in err and "`name: life`" in err and "--new-env" in err
    assert not life.location(renamed).states()  # nothing was written under the new name
    write_env(renamed, env_data({"alpha": life.nlb_arns["alpha"]}, name="life"))
    life.env_path = renamed
    assert life.cli("destroy", env_path=renamed) == 0
    err = capsys.readouterr().err
    assert "takes it over" in err
    assert not any(s.exists for s in life.location(renamed).states())
    assert life.central_endpoints() == 0
