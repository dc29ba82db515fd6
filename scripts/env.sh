# Sourced by the scripts: the environment every crossgate command and test runs with.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export TF_CLI_CONFIG_FILE="$root/.crossgate/terraformrc"
export CHECKPOINT_DISABLE=1
export TF_IN_AUTOMATION=1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1
export PATH="$root/.venv/bin:$PATH"
