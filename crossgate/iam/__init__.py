"""Credentials a security team can approve: per account, the deployer role's trust and permissions.

``inventory`` reads what the synthesized stacks manage, ``catalog`` maps each type to IAM actions,
``documents`` builds the policies, ``generate`` ties them to an env and writes the files.
"""

from crossgate.iam.documents import AccountPolicies, account_policies, state_statements
from crossgate.iam.generate import env_inventories, generate, write_policies

__all__ = ["AccountPolicies", "account_policies", "env_inventories", "generate", "state_statements",
           "write_policies"]
