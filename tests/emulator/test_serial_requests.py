"""Concurrent control-plane calls each get a whole answer (crossgate.emulator.serial).

Unpatched, moto's handlers iterate backend dicts other request threads are changing: a DescribeSecurityGroupRules
next to CreateSecurityGroup calls answers 500 ("dictionary changed size during iteration") a few times in a few
hundred calls. A CI run lost an apply to that (a retried AuthorizeSecurityGroupEgress met its own first try:
InvalidPermission.Duplicate). Clients here never retry, so every such 500 is seen.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from botocore.config import Config

from crossgate.emulator import EMULATOR_REGION, Emulator, terraform_environment

pytestmark = pytest.mark.e2e

NO_RETRIES = Config(retries={"total_max_attempts": 1}, max_pool_connections=16)
PRESENT = 1000  # a long dict: each read iterates it, long enough to be interrupted by a write
WRITES = 150  # unpatched, 15-20 of the ~570 reads beside these writes answered 500 (three runs)
READERS = 4


@pytest.fixture(scope="module")
def client() -> Iterator[Callable[[str], Any]]:
    """Clients of an emulator of this module's own: the thousand groups below stay out of the shared one."""
    with Emulator() as emulator:
        env = terraform_environment(emulator.endpoint_url)
        session = boto3.Session(aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                                aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"], region_name=EMULATOR_REGION)
        yield lambda service: session.client(service, endpoint_url=emulator.endpoint_url, config=NO_RETRIES)


def test_reads_beside_writes_never_answer_a_server_error(client: Callable[[str], Any]) -> None:
    ec2 = client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.77.0.0/16")["Vpc"]["VpcId"]
    anchor = ec2.create_security_group(GroupName="serial-anchor", Description="d", VpcId=vpc_id)["GroupId"]
    for index in range(PRESENT):
        ec2.create_security_group(GroupName=f"present-{index}", Description="d", VpcId=vpc_id)
    writing = threading.Event()
    writing.set()

    def write() -> None:
        try:
            for index in range(WRITES):
                ec2.create_security_group(GroupName=f"serial-{index}", Description="d", VpcId=vpc_id)
        finally:
            writing.clear()

    def read() -> tuple[int, list[str]]:
        reads, failures = 0, []
        while writing.is_set():
            try:
                rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [anchor]}])
                if [r["IsEgress"] for r in rules["SecurityGroupRules"]] != [True]:  # the default egress rule
                    failures.append(f"anchor rules read as {rules['SecurityGroupRules']}")
            except Exception as error:  # a 500 arrives as an HTML page botocore cannot parse
                failures.append(f"{type(error).__name__}: {str(error)[:160]}")
            reads += 1
        return reads, failures

    with ThreadPoolExecutor(READERS + 1) as pool:
        writer = pool.submit(write)
        readers = [pool.submit(read) for _ in range(READERS)]
        writer.result(timeout=300)
        results = [reader.result(timeout=60) for reader in readers]

    failures = [failure for _, found in results for failure in found]
    assert failures == []
    assert sum(reads for reads, _ in results) >= 2 * READERS  # the readers really ran beside the writer
    groups = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"]
    assert len([g for g in groups if g["GroupName"].startswith("serial-") and g["GroupId"] != anchor]) == WRITES
    assert len([g for g in groups if g["GroupName"].startswith("present-")]) == PRESENT


def test_a_long_poll_does_not_hold_up_the_send_it_waits_for(client: Callable[[str], Any]) -> None:
    sqs = client("sqs")
    queue_url = sqs.create_queue(QueueName="serial-long-poll")["QueueUrl"]

    def receive() -> list[dict[str, Any]]:
        answer = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=10)
        return list(answer.get("Messages", []))

    with ThreadPoolExecutor(1) as pool:
        polling = pool.submit(receive)
        time.sleep(1)  # the receive is waiting now
        started = time.monotonic()
        sqs.send_message(QueueUrl=queue_url, MessageBody="hello")
        sent_after = time.monotonic() - started
        messages = polling.result(timeout=30)

    assert sent_after < 5, f"SendMessage waited {sent_after:.1f} s for the long poll to end"
    assert [m["Body"] for m in messages] == ["hello"]
