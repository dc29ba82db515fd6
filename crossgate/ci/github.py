"""A GitHub Actions workflow for one env: plans with crossgate's review as a PR comment on pull requests, ordered
applies on the default branch behind an environment (required reviewers are set there), never two at once.

Jobs are the env's stack layers: the provider stacks as one matrix job, then the central stack (``needs``).
Credentials by OIDC (aws-actions/configure-aws-credentials, ``permissions: id-token: write``), roles from the env
file. ``sign_in="central"`` (default) follows `crossgate iam`'s trust model: every job signs in to the central
deployer role and the stack's aws provider assumes its account's ``role_arn`` from that session (only the central
role trusts GitHub). ``sign_in="per-account"``: each job signs in to its own account's role (``role-to-assume``
per account); then every role must trust GitHub's OIDC provider and itself (the provider assumes it again). Syntax per https://docs.github.com/actions/reference/
workflow-syntax-for-github-actions; concurrency per https://docs.github.com/actions/using-jobs/using-concurrency
(at most one running and one pending run per group; a newer pending run replaces an older pending one).
"""

from __future__ import annotations

from typing import Any

from crossgate.ci.layers import SOURCE_PATHS, CiConfigError, CiStack, Layers

PYTHON_VERSION = "3.11"
NODE_VERSION = "20"
TERRAFORM_VERSION = "1.11.4"
CROSSGATE = ".venv/bin/crossgate"
REVIEW_FILE = "crossgate-review.md"

ACTIONS = {
    "checkout": "actions/checkout@v6",
    "python": "actions/setup-python@v6",
    "node": "actions/setup-node@v6",
    "terraform": "hashicorp/setup-terraform@v3",
    "aws": "aws-actions/configure-aws-credentials@v6",
}


def workflow_path(env_name: str) -> str:
    return f".github/workflows/crossgate-{env_name}.yml"


def default_environment(env_name: str) -> str:
    return f"crossgate-{env_name}"


def _role(stack: CiStack) -> str:
    if stack.role_arn:
        return stack.role_arn
    how = f"profile {stack.profile!r}" if stack.profile else "ambient credentials"
    raise CiConfigError(
        f"{stack.field}.role_arn: stack {stack.name} uses {how}; a GitHub Actions job assumes its account's "
        f"role by OIDC (role-to-assume), so set {stack.field}.role_arn to a role in account {stack.account_id} "
        "that trusts GitHub's OIDC provider")


def _setup_steps() -> list[dict[str, Any]]:
    """The checkout's own crossgate: CDKTF needs Node (jsii), the runner needs terraform >= 1.10."""
    return [
        {"uses": ACTIONS["checkout"]},
        {"uses": ACTIONS["python"], "with": {"python-version": PYTHON_VERSION}},
        {"uses": ACTIONS["node"], "with": {"node-version": NODE_VERSION}},
        # No wrapper: crossgate reads terraform's own output.
        {"uses": ACTIONS["terraform"], "with": {"terraform_version": TERRAFORM_VERSION, "terraform_wrapper": False}},
        {"name": "Install crossgate (the checkout's)",
         "run": "python -m venv .venv && .venv/bin/pip install --quiet -c constraints.txt -e ."},
    ]


def _credentials(role: str, region: str) -> dict[str, Any]:
    return {"name": "AWS credentials (OIDC; the stack's provider then assumes its account's role_arn)",
            "uses": ACTIONS["aws"],
            "with": {"role-to-assume": role, "aws-region": region, "role-session-name": "crossgate"}}


def _plan_steps(layers: Layers, stack: str) -> list[dict[str, Any]]:
    return [
        {"name": "Plan and review",
         "run": f'{CROSSGATE} plan --env {layers.env_file} --stack "{stack}" --review {REVIEW_FILE}'},
        {"name": "Review as a PR comment",
         "env": {"GH_TOKEN": "${{ github.token }}", "PR": "${{ github.event.pull_request.number }}"},
         "run": f'gh pr comment "$PR" --body-file {REVIEW_FILE}'},
    ]


def _apply_steps(layers: Layers, stack: str) -> list[dict[str, Any]]:
    # deploy = init, a fresh plan, apply: the central stack plans only after its providers applied (needs:).
    return [{"name": "Apply", "run": f'{CROSSGATE} deploy --env {layers.env_file} --stack "{stack}"'}]


SIGN_IN = ("central", "per-account")


def _matrix_job(layers: Layers, apply: bool, environment: str, sign_in: str) -> dict[str, Any]:
    include = [{"stack": s.name, "account": s.account_id, "role": _role(s), "region": s.region}
               for s in layers.providers]
    oidc_role = _role(layers.central) if sign_in == "central" else "${{ matrix.role }}"
    steps = [*_setup_steps(), _credentials(oidc_role, "${{ matrix.region }}"),
             *(_apply_steps if apply else _plan_steps)(layers, "${{ matrix.stack }}")]
    job: dict[str, Any] = {
        "name": ("apply " if apply else "plan ") + "${{ matrix.stack }}",
        "if": "github.event_name == 'push'" if apply else "github.event_name == 'pull_request'",
        "runs-on": "ubuntu-latest",
    }
    if apply:
        job["environment"] = environment
    job["strategy"] = {"fail-fast": False, "matrix": {"include": include}}
    job["steps"] = steps
    return job


def _central_job(layers: Layers, apply: bool, environment: str, needs: str) -> dict[str, Any]:
    """Both sign-in modes sign the central job in to the central role."""
    central = layers.central
    steps = [*_setup_steps(), _credentials(_role(central), central.region),
             *(_apply_steps if apply else _plan_steps)(layers, central.name)]
    job: dict[str, Any] = {
        "name": ("apply " if apply else "plan ") + central.name,
        "if": "github.event_name == 'push'" if apply else "github.event_name == 'pull_request'",
        "needs": needs,
        "runs-on": "ubuntu-latest",
    }
    if apply:
        job["environment"] = environment
    job["steps"] = steps
    return job


def workflow(layers: Layers, *, branch: str = "main", environment: str | None = None,
             sign_in: str = "central") -> dict[str, Any]:
    """The workflow document for one env."""
    if sign_in not in SIGN_IN:
        raise CiConfigError(f"sign-in {sign_in!r}: use one of {', '.join(SIGN_IN)}")
    if layers.target == "emulator":
        raise CiConfigError(
            f"env {layers.env_name!r} has target: emulator; the emulator runs on one machine, a CI runner deploys "
            "to real accounts: give an env with target: aws (e.g. envs/dev.yaml)")
    environment = environment or default_environment(layers.env_name)
    paths = [layers.env_file, *SOURCE_PATHS, workflow_path(layers.env_name)]
    apply_group = f"crossgate-{layers.env_name}-apply"
    return {
        "name": f"crossgate {layers.env_name}",
        "on": {
            "pull_request": {"paths": paths},
            "push": {"branches": [branch], "paths": paths},
        },
        "permissions": {"contents": "read", "id-token": "write", "pull-requests": "write"},
        # Applies (pushes) share one group and never cancel each other; a PR's plans cancel its older plans.
        "concurrency": {
            "group": (f"${{{{ github.event_name == 'push' && '{apply_group}' || "
                      f"format('crossgate-{layers.env_name}-plan-{{0}}', github.ref) }}}}"),
            "cancel-in-progress": "${{ github.event_name == 'pull_request' }}",
        },
        "jobs": {
            "plan-providers": _matrix_job(layers, False, environment, sign_in),
            "plan-central": _central_job(layers, False, environment, "plan-providers"),
            "apply-providers": _matrix_job(layers, True, environment, sign_in),
            "apply-central": _central_job(layers, True, environment, "apply-providers"),
        },
    }
