"""Operating a deployed env: ``doctor`` (checks against AWS), ``smoke`` (the CRUD scenario through the
gateway), ``review`` (+ ``templates/``: plan reports for a PR), ``diagram`` (Mermaid), ``aws_sessions``
(boto3 sessions per account)."""
