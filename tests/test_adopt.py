"""Adoption of resources a killed run created unrecorded: which failures, which import ids, whose tags."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crossgate.runner import adopt, output_text
from crossgate.synth.tags import STACK_TAG

# terraform's -no-color text for three of the failures a SIGKILLed deploy's re-run hit on the emulator.
FAILURE = """
Error: creating CloudWatch Logs Log Group (/vpc/x-employee/flow-logs): operation error CloudWatch Logs: \
CreateLogGroup, \
https response error StatusCode: 400, ResourceAlreadyExistsException: The specified log group already exists

  with module.service.module.network[0].aws_cloudwatch_log_group.this[0],
  on ../../modules/private_network/main.tf line 76, in resource "aws_cloudwatch_log_group" "this":
  76: resource "aws_cloudwatch_log_group" "this" {


Error: ELBv2 Load Balancer (x-employee) already exists

  with module.service.aws_lb.this[0],
  on ../../modules/provider/main.tf line 336, in resource "aws_lb" "this":
 336: resource "aws_lb" "this" {


Error: creating ECS Service (x-employee): InvalidParameterException: Subnets can not be empty.

  with module.service.aws_ecs_service.this[0],
  on ../../modules/provider/main.tf line 500, in resource "aws_ecs_service" "this":
 500: resource "aws_ecs_service" "this" {
"""


def change(address: str, module: str, rtype: str, after: dict[str, Any]) -> dict[str, Any]:
    name = address.rsplit(".", 1)[1].split("[")[0]
    return {"address": address, "module_address": module, "type": rtype, "name": name,
            "change": {"actions": ["create"], "after": after}}


PLAN = {
    "resource_changes": [
        change("module.service.module.network[0].aws_cloudwatch_log_group.this[0]", "module.service.module.network[0]",
               "aws_cloudwatch_log_group", {"name": "/vpc/x-employee/flow-logs"}),
        change("module.service.aws_lb.this[0]", "module.service", "aws_lb", {"name": "x-employee"}),
        change("module.service.aws_security_group.nlb[0]", "module.service", "aws_security_group",
               {"name": "x-nlb", "vpc_id": "vpc-1"}),
        change("module.service.aws_security_group.late[0]", "module.service", "aws_security_group",
               {"name": "x-late"}),  # vpc_id unknown until apply
        change("module.service.aws_ecs_service.this[0]", "module.service", "aws_ecs_service", {"name": "x"}),
        change("module.service.aws_efs_mount_target.shared[0]", "module.service", "aws_efs_mount_target",
               {"file_system_id": "fs-1", "subnet_id": "subnet-b"}),
    ],
    "configuration": {"root_module": {"module_calls": {"service": {"module": {
        "resources": [{"address": "aws_lb.this", "provider_config_key": "aws"},
                      {"address": "aws_security_group.nlb", "provider_config_key": "aws.provider"}],
    }}}}},
}


def test_only_already_exists_failures_are_picked_with_their_addresses() -> None:
    assert output_text.failed_addresses(FAILURE) == [
        "module.service.module.network[0].aws_cloudwatch_log_group.this[0]",
        "module.service.aws_lb.this[0]",
    ]
    assert output_text.failed_addresses("Error: creating VPC: UnauthorizedOperation\n\n  with aws_vpc.this,\n") == []


def test_import_ids_come_from_planned_names_or_from_lookups() -> None:
    document = adopt.import_document(output_text.failed_addresses(FAILURE), PLAN)
    assert document["import"] == [
        {"to": "module.service.module.network[0].aws_cloudwatch_log_group.this[0]", "id": "/vpc/x-employee/flow-logs"},
        {"to": "module.service.aws_lb.this[0]", "id": "${data.aws_lb.crossgate_adopt_1.arn}"},
    ]
    assert document["data"] == {"aws_lb": {"crossgate_adopt_1": {"name": "x-employee"}}}


def test_a_lookup_uses_the_resources_own_provider_configuration() -> None:
    document = adopt.import_document(["module.service.aws_security_group.nlb[0]"], PLAN)
    assert document["data"]["aws_security_group"]["crossgate_adopt_0"] == {
        "name": "x-nlb", "vpc_id": "vpc-1", "provider": "aws.provider"}


@pytest.mark.parametrize(("address", "reason"), [
    ("module.service.aws_ecs_service.this[0]", "cannot adopt this type"),
    ("module.service.aws_security_group.late[0]", "'vpc_id' is not known before apply"),
    ("module.service.aws_nothing.here", "cannot adopt this type"),
    ("module.service.aws_efs_mount_target.shared[0]", "no AWS client to ask"),
])
def test_what_cannot_be_adopted_is_named_with_the_reason(address: str, reason: str) -> None:
    with pytest.raises(adopt.AdoptionError, match=reason) as refused:
        adopt.import_document(["module.service.aws_lb.this[0]", address], PLAN)
    assert address in str(refused.value)


def importing(address: str, tags: dict[str, str] | None, tagged_type: bool = True) -> dict[str, Any]:
    before: dict[str, Any] = {"name": "n"}
    if tagged_type:
        before["tags_all"] = tags
    return {"address": address, "change": {"actions": ["no-op"], "importing": {"id": "i-1"}, "before": before}}


def test_only_resources_tagged_as_this_stacks_are_taken_over() -> None:
    plan = {"resource_changes": [
        importing("aws_iam_role.ours", {STACK_TAG: "x-provider-employee"}),
        importing("aws_iam_role.theirs", {STACK_TAG: "other-stack"}),
        importing("aws_iam_role.untagged", None),
        importing("aws_iam_role_policy.inline", None, tagged_type=False),
        {"address": "aws_vpc.this", "change": {"actions": ["create"], "before": None}},
    ]}
    refused = adopt.foreign(plan, "x-provider-employee")
    assert [line.split()[0] for line in refused] == ["aws_iam_role.theirs", "aws_iam_role.untagged"]


def test_the_adopt_file_is_written_and_removed(tmp_path: Path) -> None:
    path = adopt.write(tmp_path, {"import": [{"to": "aws_iam_role.this", "id": "r"}]})
    assert path.name == adopt.ADOPT_FILE and '"to": "aws_iam_role.this"' in path.read_text()
    adopt.remove(tmp_path)
    assert not path.exists()
    adopt.remove(tmp_path)  # harmless when absent


def test_recorded_creates_are_imported_with_the_id_terraform_printed_or_one_built_from_the_plan() -> None:
    created = {"aws_vpc.this": "vpc-1", "aws_route.out": "r-rtb-1080289494", "aws_route_table.this": "rtb-1",
               "aws_ecs_task_definition.this": "family", "aws_subnet.gone": "subnet-9"}
    plan = {"resource_changes": [
        {"address": "aws_vpc.this", "type": "aws_vpc", "change": {"actions": ["create"], "after": {"cidr_block": "x"}}},
        {"address": "aws_route_table.this", "type": "aws_route_table",
         "change": {"actions": ["create"], "after": {"vpc_id": None}}},
        {"address": "aws_route.out", "type": "aws_route", "change": {"actions": ["create"], "after": {
            "route_table_id": "rtb-1", "destination_cidr_block": "0.0.0.0/0"}}},
        {"address": "aws_ecs_task_definition.this", "type": "aws_ecs_task_definition",
         "change": {"actions": ["create"], "after": {}}},
        {"address": "aws_subnet.kept", "type": "aws_subnet", "change": {"actions": ["create"], "after": {}}},
    ]}
    assert adopt.recorded_imports(created, plan) == [
        {"to": "aws_vpc.this", "id": "vpc-1"},
        {"to": "aws_route_table.this", "id": "rtb-1"},
        {"to": "aws_route.out", "id": "rtb-1_0.0.0.0/0"},
    ]


def test_a_translated_id_waits_until_the_plan_knows_its_parts() -> None:
    plan = {"resource_changes": [{"address": "aws_route_table_association.a", "type": "aws_route_table_association",
                                  "change": {"actions": ["create"], "after": {"subnet_id": "subnet-1",
                                                                             "route_table_id": None}}}]}
    assert adopt.recorded_imports({"aws_route_table_association.a": "rtbassoc-1"}, plan) == []
    plan["resource_changes"][0]["change"]["after"]["route_table_id"] = "rtb-1"
    assert adopt.recorded_imports({"aws_route_table_association.a": "rtbassoc-1"}, plan) == [
        {"to": "aws_route_table_association.a", "id": "subnet-1/rtb-1"}]
